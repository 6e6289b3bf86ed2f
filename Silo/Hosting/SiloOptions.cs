using System.Globalization;
using OrleansOrchestrator.Agents.Hosting;

namespace OrleansOrchestrator.Silo.Hosting;

/// <summary>The main command's options; every one has a default so that <c>dotnet run --project Silo</c> just works.</summary>
public sealed record SiloOptions
{
    /// <summary>Where the SQLite store, the certificate, the tokens and the kubeconfig live.</summary>
    public string DataDir { get; init; } = Path.GetFullPath("data");
    public int ApiPort { get; init; } = 6443;
    public int DashboardPort { get; init; } = 8080;
    public int SiloPort { get; init; } = 11111;
    public int GatewayPort { get; init; } = Contracts.ClusterIdentity.DefaultGatewayPort;
    /// <summary>PostgreSQL connection string; when set the silo clusters with others through PostgreSQL.</summary>
    public string? PostgreSql { get; init; }
    /// <summary>PEM certificate and key for the API; generated under the data folder when absent.</summary>
    public string? TlsCertificate { get; init; }
    public string? TlsKey { get; init; }
    /// <summary>The tenant of the bootstrap administrator written into the kubeconfig.</summary>
    public string AdminTenant { get; init; } = "default";
    public string ClusterId { get; init; } = Contracts.ClusterIdentity.DefaultClusterId;

    /// <summary>Run a local agent on the Docker engine when one is reachable (off with <c>--no-agent</c>).</summary>
    public bool LocalAgent { get; init; } = true;

    /// <summary>The local agent's node name; several instances on one host need different ones.</summary>
    public string NodeName { get; init; } = Environment.MachineName.ToLowerInvariant();

    /// <summary>The Docker engine the local agent uses.</summary>
    public Uri? DockerEndpoint { get; init; }

    /// <summary>Timings of the control loops (node grace period, pod eviction timeout).</summary>
    public Controllers.ControllerOptions Controllers { get; init; } = new();

    /// <summary>Where the local agent keeps local-path volumes (<c>--local-path-root</c>); null: <c>local-path</c> in its data folder.</summary>
    public string? LocalPathRoot { get; init; }

    /// <summary>Hollow nodes to host next to the control plane, for trying the product without Docker.</summary>
    public int SimulatedNodes { get; init; }

    /// <summary>
    /// Run only the dashboard, as an Orleans client of these gateways (<c>--dashboard-only</c>); the silos'
    /// data folder (<see cref="DataDir"/>) supplies the tokens users sign in with.
    /// </summary>
    public IReadOnlyList<System.Net.IPEndPoint>? DashboardGateways { get; init; }

    /// <summary>The service range cluster IPs are allocated from (<c>--service-cidr</c>, IPv4, Kubernetes' default).</summary>
    public Contracts.Networking.ServiceRange ServiceRange { get; init; } = Contracts.Networking.ServiceRange.Parse("10.96.0.0/12");

    /// <summary>The node ports Services may use, inclusive (<c>--service-node-port-range</c>).</summary>
    public int NodePortMin { get; init; } = 30000;
    public int NodePortMax { get; init; } = 32767;

    /// <summary>The address the <c>kubernetes</c> Service's endpoints name for the API (<c>--advertise-address</c>).</summary>
    public string AdvertiseAddress { get; init; } = "127.0.0.1";

    /// <summary>The cluster's network facts these options decide, as every component reads them.</summary>
    public Contracts.Networking.ClusterNetwork ClusterNetwork => Contracts.Networking.ClusterNetworks.Create(ServiceRange, NodePortMin, NodePortMax);

    /// <summary>
    /// This silo's own listening ports that fall in the node-port range: node-port rules match every local address,
    /// so a Service given one of them would capture the silo's own traffic (Orleans' default gateway port is 30000).
    /// </summary>
    public IReadOnlyList<int> NodePortsInUse =>
        [.. new[] { ApiPort, DashboardPort, SiloPort, GatewayPort }.Where(p => p >= NodePortMin && p <= NodePortMax).Distinct().Order()];

    /// <summary>How long after SIGTERM the silo still serves while readyz already fails (<c>--shutdown-delay-duration</c>).</summary>
    public TimeSpan ShutdownDelay { get; init; } = TimeSpan.Zero;

    /// <summary>How often an open dashboard page checks that its user's token is still in the token file (<c>--session-recheck</c>).</summary>
    public TimeSpan SessionRecheck { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>A revoked token's or deleted user's open dashboard pages end within a minute: the recheck may not be longer.</summary>
    public static readonly TimeSpan MaxSessionRecheck = TimeSpan.FromMinutes(1);

    /// <summary>Serve the dashboard over HTTPS with the API's certificate (<c>--dashboard-https</c>); its cookie is then <c>Secure</c>.</summary>
    public bool DashboardHttps { get; init; }
    /// <summary>The key file Secrets are encrypted with (<c>--encryption-key-file</c>); null: <see cref="EncryptionKeyFilePath"/>'s default, made on first start.</summary>
    public string? EncryptionKeyFile { get; init; }

    /// <summary>
    /// How new Secrets are stored (<c>--encryption-provider</c>): <c>aesgcm</c> (the default: sealed with the key file's
    /// first key) or <c>identity</c> (as they are, Kubernetes' own default; what was sealed before still reads).
    /// </summary>
    public string EncryptionProvider { get; init; } = EncryptionProviders.AesGcm;
    /// <summary>The key service account tokens are signed with (<c>--service-account-key-file</c>); null: in the data folder, made on first start.</summary>
    public string? ServiceAccountKeyFile { get; init; }

    public string ServiceAccountKeyPath => ServiceAccountKeyFile ?? Path.Combine(CredentialsPath, ServiceAccountKey.DefaultName);

    /// <summary>How long the token projected into a pod lives (<c>--service-account-token-seconds</c>); the agent renews it at 80 %.</summary>
    public TimeSpan PodTokenLifetime { get; init; } = TimeSpan.FromHours(1);

    /// <summary>Seal every stored Secret under the first key of the key file, then exit (<c>--rewrite-secrets</c>).</summary>
    public bool RewriteSecrets { get; init; }

    /// <summary>Print the silo's own gauges (activations, timers) this often (<see cref="MetricsLog"/>); null: never.</summary>
    public TimeSpan? MetricsInterval { get; init; }

    /// <summary>
    /// The address the API and the dashboard listen on (<c>--bind-address</c>); loopback by default, so that nothing is
    /// reachable from elsewhere until the operator says so.
    /// </summary>
    public System.Net.IPAddress BindAddress { get; init; } = System.Net.IPAddress.Loopback;

    /// <summary>
    /// The address clients on this host use to reach what listens on <see cref="BindAddress"/>: that address, or loopback
    /// when it is every address (0.0.0.0, ::). In the kubeconfig and the printed URLs.
    /// </summary>
    public System.Net.IPAddress ClientAddress =>
        BindAddress.Equals(System.Net.IPAddress.Any) ? System.Net.IPAddress.Loopback
        : BindAddress.Equals(System.Net.IPAddress.IPv6Any) ? System.Net.IPAddress.IPv6Loopback
        : BindAddress;

    /// <summary><see cref="ClientAddress"/> as the host part of a URL (an IPv6 address in brackets).</summary>
    public string ClientHost => ClientAddress.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{ClientAddress}]" : ClientAddress.ToString();

    /// <summary>The audit log (<c>--audit-log-path</c>, <c>-</c> for standard output); null: <see cref="AuditLogPath"/>'s default.</summary>
    public string? AuditLogPathSetting { get; init; }

    /// <summary>
    /// Where the audit log is written: <c>audit.log</c> in the data folder by default; a dashboard-only process, which
    /// shares the silos' data folder, writes its own <c>dashboard-audit.log</c> so that two processes never append to one file.
    /// </summary>
    public string AuditLogPath => AuditLogPathSetting ?? Path.Combine(DataDir, DashboardGateways is null ? "audit.log" : "dashboard-audit.log");

    public int AuditLogMaxSizeMegabytes { get; init; } = Api.Audit.AuditLogOptions.DefaultMaxSizeMegabytes;
    public int AuditLogMaxBackups { get; init; } = Api.Audit.AuditLogOptions.DefaultMaxBackups;

    public Api.Audit.AuditLogOptions AuditLog => new(AuditLogPath, AuditLogMaxSizeMegabytes, AuditLogMaxBackups);

    /// <summary>
    /// The folder of the cluster's credentials (<c>--credentials-dir</c>), shared by every silo of one control plane: the API
    /// certificate, the token file, the service account key, the encryption keys and the cluster's kubeconfig. Null: the data folder.
    /// </summary>
    public string? CredentialsDir { get; init; }

    /// <summary>Where the credentials are: <see cref="CredentialsDir"/>, or the data folder (one silo, as before).</summary>
    public string CredentialsPath => CredentialsDir ?? DataDir;

    /// <summary>Extra names (DNS names or IP addresses) on the generated API certificate (<c>--tls-san</c>), e.g. a load balancer's.</summary>
    public IReadOnlyList<string> TlsSubjectAlternativeNames { get; init; } = [];

    /// <summary>
    /// The API URL the kubeconfigs name (<c>--kubeconfig-server</c>), e.g. a load balancer in front of every silo; null: this
    /// silo's own API.
    /// </summary>
    public string? KubeconfigServer { get; init; }

    /// <summary>This silo's kubeconfig: its server is this silo's API (or <see cref="KubeconfigServer"/>).</summary>
    public string KubeconfigPath => Path.Combine(DataDir, "kubeconfig");
    /// <summary>
    /// The cluster's kubeconfig in the credentials folder, which keeps the administrator's token for every silo (the token file
    /// keeps only its hash); the same file as <see cref="KubeconfigPath"/> without <c>--credentials-dir</c>.
    /// </summary>
    public string SharedKubeconfigPath => Path.Combine(CredentialsPath, "kubeconfig");
    public string TokenFilePath => Path.Combine(CredentialsPath, "tokens.csv");
    public string SqlitePath => Path.Combine(DataDir, "store.db");
    public string EncryptionKeyFilePath => EncryptionKeyFile ?? Path.Combine(CredentialsPath, Storage.Encryption.EncryptionKeyFile.DefaultName);
    /// <summary>The dashboard's cookie keys, shared by the silos of one control plane (see <see cref="DataFolder.Prepare"/>).</summary>
    public string DashboardKeysPath => Path.Combine(CredentialsPath, DashboardKeysFolder);
    public const string DashboardKeysFolder = "dashboard-keys";
    /// <summary>The API's generated certificate and key (without <see cref="TlsCertificate"/>).</summary>
    public string TlsDir => Path.Combine(CredentialsPath, "tls");
    /// <summary>The local agent's pod volumes (emptyDir, ConfigMap and Secret files), read by containers.</summary>
    public string AgentDataDir => Path.Combine(DataDir, "agent");

    /// <summary>
    /// The simulated nodes' prefix as given (<c>--simulated-node-prefix</c>); null: <see cref="SimulatedNodePrefix"/>'s default.
    /// </summary>
    public string? SimulatedNodePrefixSetting { get; init; }

    /// <summary>
    /// Simulated nodes are named <c>PREFIX-0000</c>, … A silo on its own SQLite store defaults to <c>sim</c>; a silo that
    /// clusters with others through PostgreSQL defaults to one of its own (host and silo port), so that two silos never
    /// host the same simulated nodes without being told to.
    /// </summary>
    public string SimulatedNodePrefix => SimulatedNodePrefixSetting
        ?? (PostgreSql is null ? SimulatedNodeNames.DefaultPrefix : SimulatedNodeNames.ForClusteredSilo(NodeName, SiloPort));

    /// <summary>The settings file read (<c>--config</c>), whose other sections (e.g. <c>Logging</c>) the host reads too; null: none.</summary>
    public string? ConfigFile { get; init; }

    /// <summary>The silo's environment variables: <c>OO__</c> and the option's key, e.g. <c>OO__ApiPort=7443</c>.</summary>
    public const string EnvironmentPrefix = "OO__";

    private static CommandOption<SiloOptions> Value(string name, string valueName, string help, Func<SiloOptions, string, SiloOptions> apply) =>
        CommandOption<SiloOptions>.Value(name, valueName, help, apply);

    private static CommandOption<SiloOptions> Flag(string name, string help, Func<SiloOptions, bool, SiloOptions> apply) =>
        CommandOption<SiloOptions>.Flag(name, help, apply);

    /// <summary>Every option of the main command, one entry each: its name (and so its key), its help and how it is read.</summary>
    public static readonly CommandOptions<SiloOptions> Table = new("OrleansOrchestrator.Silo", EnvironmentPrefix,
    [
        Value("data-dir", "DIR", "data folder: SQLite store, TLS certificate, tokens, kubeconfig (default ./data)",
            (o, v) => o with { DataDir = OptionValues.FullPath(v) }),
        Value("api-port", "N", "Kubernetes API (HTTPS, TLS 1.2 or 1.3) port (default 6443)", (o, v) => o with { ApiPort = OptionValues.Port(v) }),
        Value("dashboard-port", "N", "dashboard (HTTP) port (default 8080)", (o, v) => o with { DashboardPort = OptionValues.Port(v) }),
        Flag("dashboard-https", "serve the dashboard over HTTPS with the API's certificate (Secure cookie)", (o, on) => o with { DashboardHttps = on }),
        Value("bind-address", "IP", "address the API and the dashboard listen on (default 127.0.0.1;\n0.0.0.0 for every IPv4 address)",
            (o, v) => o with { BindAddress = OptionValues.Address(v) }),
        Value("audit-log-path", "FILE", "audit log, JSON lines of audit.k8s.io/v1 Events (default DATA-DIR/audit.log;\n- for standard output)",
            (o, v) => o with { AuditLogPathSetting = v == "-" ? v : OptionValues.FullPath(v) }),
        Value("audit-log-maxsize", "MB", "size at which the audit log is rotated (default 100; 0: never)",
            (o, v) => o with { AuditLogMaxSizeMegabytes = OptionValues.WholeNumber(v) }),
        Value("audit-log-maxbackup", "N", "rotated audit logs kept (default 10; 0: all)", (o, v) => o with { AuditLogMaxBackups = OptionValues.WholeNumber(v) }),
        Value("silo-port", "N", "Orleans silo-to-silo port (default 11111)", (o, v) => o with { SiloPort = OptionValues.Port(v) }),
        Value("gateway-port", "N", "Orleans client gateway port (default 30000)", (o, v) => o with { GatewayPort = OptionValues.Port(v) }),
        Value("postgres", "CONN", "use PostgreSQL (clustering, state, reminders) instead of embedded SQLite",
            (o, v) => o with { PostgreSql = OptionValues.NotEmpty(v) }),
        Value("tls-cert", "FILE", "PEM certificate for the API (with --tls-key)", (o, v) => o with { TlsCertificate = OptionValues.NotEmpty(v) }),
        Value("tls-key", "FILE", "PEM key of --tls-cert", (o, v) => o with { TlsKey = OptionValues.NotEmpty(v) }),
        Value("credentials-dir", "DIR", "the cluster's credentials, shared by every silo of one control plane (TLS\ncertificate, tokens.csv, service account key, encryption keys, kubeconfig);\nthe first silo makes what is missing (default DATA-DIR)",
            (o, v) => o with { CredentialsDir = OptionValues.FullPath(v) }),
        CommandOption<SiloOptions>.Repeated("tls-san", "NAME|IP", "also name this on the generated API certificate, e.g. a load balancer\n(repeat for several)",
            (o, v) => CertificateNames.TryParse(v, out var san, out var problem)
                ? o with { TlsSubjectAlternativeNames = [.. o.TlsSubjectAlternativeNames, san] }
                : throw new OptionValueException($": {problem}")),
        Value("kubeconfig-server", "URL", "the API URL written into kubeconfigs, e.g. https://LOAD-BALANCER:6443\n(default this silo's API)",
            (o, v) => Kubeconfig.ServerProblem(v) is { } problem ? throw new OptionValueException($": {problem}") : o with { KubeconfigServer = v.TrimEnd('/') }),
        Value("cluster-id", "ID", "Orleans cluster id, also on the local agent's containers, so that clusters\nsharing a Docker engine leave each other's alone (default orleans-orchestrator)",
            (o, v) => o with { ClusterId = OptionValues.NotEmpty(v) }),
        Value("node-name", "NAME", "the local agent's node name (default: this host's name)", (o, v) => o with { NodeName = OptionValues.NotEmpty(v) }),
        Flag("no-agent", "do not run a local agent on the Docker engine", (o, on) => o with { LocalAgent = !on }),
        Value("docker-endpoint", "URI", "the Docker engine (default unix:///var/run/docker.sock)", (o, v) => o with { DockerEndpoint = OptionValues.AbsoluteUri(v) }),
        Value("local-path-root", "DIR", "where the local agent keeps local-path persistent volumes, one folder per\ntenant (default DATA-DIR/agent/local-path)",
            (o, v) => o with { LocalPathRoot = OptionValues.FullPath(v) }),
        Value("simulated-nodes", "N", "also host N simulated nodes (pods go Running without containers)",
            (o, v) => o with { SimulatedNodes = OptionValues.WholeNumber(v) }),
        Value("simulated-node-prefix", "P", "names of the simulated nodes: P-0000, P-0001, … (default sim; with --postgres\nsim-HOST-SILOPORT, so that silos sharing a cluster never host the same ones)",
            (o, v) => o with { SimulatedNodePrefixSetting = v }),
        Value("node-grace-period", "S", "seconds without heartbeat before a node is unreachable (default 40)",
            (o, v) => o with { Controllers = o.Controllers with { NodeMonitorGracePeriod = OptionValues.Seconds(v) } }),
        Value("pod-eviction-timeout", "S", "default of both toleration seconds below (default 300)",
            (o, v) => o with { Controllers = o.Controllers with { PodEvictionTimeout = OptionValues.Seconds(v) } }),
        Value("default-not-ready-toleration-seconds", "S", "tolerationSeconds a new pod is given for\nnode.kubernetes.io/not-ready:NoExecute (default: --pod-eviction-timeout)",
            (o, v) => o with { Controllers = o.Controllers with { DefaultNotReadyTolerationSeconds = (long)OptionValues.Seconds(v).TotalSeconds } }),
        Value("default-unreachable-toleration-seconds", "S", "the same for node.kubernetes.io/unreachable:NoExecute",
            (o, v) => o with { Controllers = o.Controllers with { DefaultUnreachableTolerationSeconds = (long)OptionValues.Seconds(v).TotalSeconds } }),
        Value("event-ttl", "S", "seconds an Event is kept after it last happened (default 3600)",
            (o, v) => o with { Controllers = o.Controllers with { EventTtl = OptionValues.Seconds(v) } }),
        Value("service-cidr", "CIDR", "IPv4 range cluster IPs are allocated from, at most /28 (default 10.96.0.0/12);\nits first address is the kubernetes Service's, its tenth the cluster DNS",
            (o, v) => o with { ServiceRange = Contracts.Networking.ServiceRange.TryParse(v, out var range, out var problem) ? range : throw new OptionValueException($": {problem}") }),
        Value("service-node-port-range", "MIN-MAX", "ports NodePort Services may use (default 30000-32767)",
            (o, v) => PortRange(v) switch { var (min, max) => o with { NodePortMin = min, NodePortMax = max } }),
        Value("advertise-address", "IP", "the API's address in the kubernetes Service's endpoints (default 127.0.0.1)",
            (o, v) => o with { AdvertiseAddress = OptionValues.Address(v).ToString() }),
        Value("session-recheck", "S", "seconds between an open dashboard page's checks that its token was not\nrevoked (default 30, at most 60; every request checks too)",
            (o, v) => OptionValues.Seconds(v) is var recheck && recheck <= MaxSessionRecheck ? o with { SessionRecheck = recheck }
                : throw new OptionValueException($" may be at most {MaxSessionRecheck.TotalSeconds} seconds: a revoked token's dashboard pages must end within a minute")),
        Value("shutdown-delay-duration", "S", "seconds between SIGTERM and the API closing, during which readyz already\nfails and everything else still answers, so that a load balancer takes the\nsilo out first (default 0; at most 300)",
            (o, v) => TimeSpan.FromSeconds(OptionValues.WholeNumber(v)) is var delay && delay <= Api.Health.ShutdownDelay.Max ? o with { ShutdownDelay = delay }
                : throw new OptionValueException($" may be at most {Api.Health.ShutdownDelay.Max.TotalSeconds} seconds")),
        Value("encryption-key-file", "FILE", "the keys Secrets are encrypted with, NAME:BASE64 a line, the first\nencrypts (default DATA-DIR/encryption-keys, made on first start); silos\nsharing a PostgreSQL database must share this file",
            (o, v) => o with { EncryptionKeyFile = OptionValues.FullPath(v) }),
        Value("encryption-provider", "P", "aesgcm (default: Secrets encrypted at rest) or identity (stored as\nthey are, as Kubernetes without an EncryptionConfiguration; Secrets\nencrypted before still read with the key file)",
            (o, v) => v is EncryptionProviders.AesGcm or EncryptionProviders.Identity ? o with { EncryptionProvider = v }
                : throw new OptionValueException($" is aesgcm or identity, not {v}")),
        Value("service-account-key-file", "FILE", "the ECDSA P-256 key (PEM) service account tokens are signed\nwith (default DATA-DIR/service-account.key, made on first start); silos\nsharing a PostgreSQL database must share this file",
            (o, v) => o with { ServiceAccountKeyFile = OptionValues.FullPath(v) }),
        Value("service-account-token-seconds", "S", "lifetime of the token put into pods (default 3600); the\nnode's agent renews it after 80 % of it",
            (o, v) => o with { PodTokenLifetime = OptionValues.Seconds(v) }),
        Flag("rewrite-secrets", "encrypt every stored Secret with the key file's first key, then exit\n(after adding a new first key; then the old key can be removed)",
            (o, on) => o with { RewriteSecrets = on }),
        Value("metrics-interval", "S", "print a line of gauges (grain activations, timers) every S seconds",
            (o, v) => o with { MetricsInterval = OptionValues.Seconds(v) }),
        CommandOption<SiloOptions>.Repeated("dashboard-only", "HOST:PORT", "run only the dashboard, as an Orleans client of this silo gateway\n(--credentials-dir, or else --data-dir, must hold the silos' tokens.csv)",
            (o, v) => o with { DashboardGateways = [.. o.DashboardGateways ?? [], OptionValues.Gateway(v)] }),
    ],
    // The host reads these sections of the same files (appsettings.json, the --config file).
    foreignSections: ["Logging"],
    validate: o => SimulatedNodeNames.Problem(o.SimulatedNodePrefix, o.SimulatedNodes) is { } problem ? $"--simulated-node-prefix: {problem}" : null);

    /// <summary>The help: the options' table, then how the settings file and the environment are used.</summary>
    public static string Usage => Table.Usage;

    /// <summary>
    /// Reads the options from <c>appsettings.json</c> next to the program, the <c>--config</c> file, <c>OO__</c> environment
    /// variables and the command line (a later one winning); throws an <see cref="ArgumentException"/> (with the usage) for
    /// anything bad or unknown, and <see cref="HelpRequestedException"/> for <c>--help</c>.
    /// </summary>
    public static SiloOptions Parse(IReadOnlyList<string> args, System.Collections.IDictionary? environment = null, string? programDirectory = null)
    {
        var loaded = Table.Load(new SiloOptions(), args, environment, programDirectory);
        return loaded.Options with { ConfigFile = loaded.ConfigFile };
    }

    private static (int Min, int Max) PortRange(string text)
    {
        var parts = text.Split('-');
        return parts.Length == 2
               && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var min)
               && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var max)
               && min is > 0 and < 65536 && max is > 0 and < 65536 && min <= max
            ? (min, max)
            : throw new OptionValueException($" needs MIN-MAX, two port numbers with MIN <= MAX (e.g. 30000-32767), not {text}");
    }
}

/// <summary>The values of <c>--encryption-provider</c>, named as Kubernetes' EncryptionConfiguration names them.</summary>
public static class EncryptionProviders
{
    public const string AesGcm = "aesgcm";
    public const string Identity = "identity";
}
