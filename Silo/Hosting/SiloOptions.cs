using System.Globalization;

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

    public string ServiceAccountKeyPath => ServiceAccountKeyFile ?? Path.Combine(DataDir, ServiceAccountKey.DefaultName);

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

    public string KubeconfigPath => Path.Combine(DataDir, "kubeconfig");
    public string TokenFilePath => Path.Combine(DataDir, "tokens.csv");
    public string SqlitePath => Path.Combine(DataDir, "store.db");
    public string EncryptionKeyFilePath => EncryptionKeyFile ?? Path.Combine(DataDir, Storage.Encryption.EncryptionKeyFile.DefaultName);
    public string DashboardKeysPath => Path.Combine(DataDir, "dashboard-keys");
    /// <summary>The API's generated certificate and key (without <see cref="TlsCertificate"/>).</summary>
    public string TlsDir => Path.Combine(DataDir, "tls");
    /// <summary>The local agent's pod volumes (emptyDir, ConfigMap and Secret files), read by containers.</summary>
    public string AgentDataDir => Path.Combine(DataDir, "agent");

    public const string Usage = """
        Usage: OrleansOrchestrator.Silo [options]
          --data-dir DIR          data folder: SQLite store, TLS certificate, tokens, kubeconfig (default ./data)
          --api-port N            Kubernetes API (HTTPS, TLS 1.2 or 1.3) port (default 6443)
          --dashboard-port N      dashboard (HTTP) port (default 8080)
          --dashboard-https       serve the dashboard over HTTPS with the API's certificate (Secure cookie)
          --bind-address IP       address the API and the dashboard listen on (default 127.0.0.1;
                                  0.0.0.0 for every IPv4 address)
          --audit-log-path FILE   audit log, JSON lines of audit.k8s.io/v1 Events (default DATA-DIR/audit.log;
                                  - for standard output)
          --audit-log-maxsize MB  size at which the audit log is rotated (default 100; 0: never)
          --audit-log-maxbackup N rotated audit logs kept (default 10; 0: all)
          --silo-port N           Orleans silo-to-silo port (default 11111)
          --gateway-port N        Orleans client gateway port (default 30000)
          --postgres CONN         use PostgreSQL (clustering, state, reminders) instead of embedded SQLite
          --tls-cert FILE --tls-key FILE   PEM certificate and key for the API
          --cluster-id ID         Orleans cluster id, also on the local agent's containers, so that clusters
                                  sharing a Docker engine leave each other's alone (default orleans-orchestrator)
          --node-name NAME        the local agent's node name (default: this host's name)
          --no-agent              do not run a local agent on the Docker engine
          --docker-endpoint URI   the Docker engine (default unix:///var/run/docker.sock)
          --local-path-root DIR   where the local agent keeps local-path persistent volumes, one folder per
                                  tenant (default DATA-DIR/agent/local-path)
          --simulated-nodes N     also host N simulated nodes (pods go Running without containers)
          --node-grace-period S   seconds without heartbeat before a node is unreachable (default 40)
          --pod-eviction-timeout S  default of both toleration seconds below (default 300)
          --default-not-ready-toleration-seconds S    tolerationSeconds a new pod is given for
                                  node.kubernetes.io/not-ready:NoExecute (default: --pod-eviction-timeout)
          --default-unreachable-toleration-seconds S  the same for node.kubernetes.io/unreachable:NoExecute
          --event-ttl S           seconds an Event is kept after it last happened (default 3600)
          --service-cidr CIDR     IPv4 range cluster IPs are allocated from, at most /28 (default 10.96.0.0/12);
                                  its first address is the kubernetes Service's, its tenth the cluster DNS
          --service-node-port-range MIN-MAX  ports NodePort Services may use (default 30000-32767)
          --advertise-address IP  the API's address in the kubernetes Service's endpoints (default 127.0.0.1)
          --session-recheck S     seconds between an open dashboard page's checks that its token was not
                                  revoked (default 30, at most 60; every request checks too)
          --encryption-key-file FILE  the keys Secrets are encrypted with, NAME:BASE64 a line, the first
                                  encrypts (default DATA-DIR/encryption-keys, made on first start); silos
                                  sharing a PostgreSQL database must share this file
          --encryption-provider P  aesgcm (default: Secrets encrypted at rest) or identity (stored as
                                  they are, as Kubernetes without an EncryptionConfiguration; Secrets
                                  encrypted before still read with the key file)
          --service-account-key-file FILE  the ECDSA P-256 key (PEM) service account tokens are signed
                                  with (default DATA-DIR/service-account.key, made on first start); silos
                                  sharing a PostgreSQL database must share this file
          --service-account-token-seconds S  lifetime of the token put into pods (default 3600); the
                                  node's agent renews it after 80 % of it
          --rewrite-secrets       encrypt every stored Secret with the key file's first key, then exit
                                  (after adding a new first key; then the old key can be removed)
          --metrics-interval S    print a line of gauges (grain activations, timers) every S seconds
          --dashboard-only HOST:PORT  run only the dashboard, as an Orleans client of this silo gateway
                                  (repeat for several; --data-dir must hold the silos' tokens.csv)
        """;

    public static SiloOptions Parse(IReadOnlyList<string> args)
    {
        var options = new SiloOptions();
        for (var i = 0; i < args.Count; i++)
        {
            string Value() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{args[i]} needs a value\n{Usage}");
            int Port() => int.TryParse(Value(), NumberStyles.None, CultureInfo.InvariantCulture, out var p) && p is > 0 and < 65536
                ? p
                : throw new ArgumentException($"{args[i - 1]} needs a port number between 1 and 65535\n{Usage}");
            int Count() => int.TryParse(Value(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n <= 1_000_000
                ? n
                : throw new ArgumentException($"{args[i - 1]} needs a whole number\n{Usage}");
            TimeSpan Seconds() => int.TryParse(Value(), NumberStyles.None, CultureInfo.InvariantCulture, out var s) && s > 0
                ? TimeSpan.FromSeconds(s)
                : throw new ArgumentException($"{args[i - 1]} needs a whole number of seconds\n{Usage}");
            System.Net.IPEndPoint Gateway() => System.Net.IPEndPoint.TryParse(Value(), out var endpoint) && endpoint.Port > 0
                ? endpoint
                : throw new ArgumentException($"{args[i - 1]} needs HOST:PORT of a silo gateway, e.g. 127.0.0.1:30000\n{Usage}");
            Contracts.Networking.ServiceRange Range() =>
                Contracts.Networking.ServiceRange.TryParse(Value(), out var range, out var problem)
                    ? range
                    : throw new ArgumentException($"--service-cidr: {problem}\n{Usage}");
            (int Min, int Max) PortRange()
            {
                var text = Value();
                var parts = text.Split('-');
                return parts.Length == 2
                       && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var min)
                       && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var max)
                       && min is > 0 and < 65536 && max is > 0 and < 65536 && min <= max
                    ? (min, max)
                    : throw new ArgumentException($"--service-node-port-range needs MIN-MAX, two port numbers with MIN <= MAX (e.g. 30000-32767), not {text}\n{Usage}");
            }
            System.Net.IPAddress Address() => System.Net.IPAddress.TryParse(Value(), out var address)
                ? address
                : throw new ArgumentException($"{args[i - 1]} needs an IP address\n{Usage}");
            options = args[i] switch
            {
                "--data-dir" => options with { DataDir = Path.GetFullPath(Value()) },
                "--api-port" => options with { ApiPort = Port() },
                "--dashboard-port" => options with { DashboardPort = Port() },
                "--silo-port" => options with { SiloPort = Port() },
                "--gateway-port" => options with { GatewayPort = Port() },
                "--postgres" => options with { PostgreSql = Value() },
                "--tls-cert" => options with { TlsCertificate = Value() },
                "--tls-key" => options with { TlsKey = Value() },
                "--cluster-id" => options with { ClusterId = Value() },
                "--node-name" => options with { NodeName = Value() },
                "--no-agent" => options with { LocalAgent = false },
                "--local-path-root" => options with { LocalPathRoot = Path.GetFullPath(Value()) },
                "--docker-endpoint" => options with { DockerEndpoint = new Uri(Value()) },
                "--node-grace-period" => options with { Controllers = options.Controllers with { NodeMonitorGracePeriod = Seconds() } },
                "--pod-eviction-timeout" => options with { Controllers = options.Controllers with { PodEvictionTimeout = Seconds() } },
                "--default-not-ready-toleration-seconds" => options with { Controllers = options.Controllers with { DefaultNotReadyTolerationSeconds = (long)Seconds().TotalSeconds } },
                "--default-unreachable-toleration-seconds" => options with { Controllers = options.Controllers with { DefaultUnreachableTolerationSeconds = (long)Seconds().TotalSeconds } },
                "--event-ttl" => options with { Controllers = options.Controllers with { EventTtl = Seconds() } },
                "--simulated-nodes" => options with { SimulatedNodes = int.TryParse(Value(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : throw new ArgumentException($"--simulated-nodes needs a whole number\n{Usage}") },
                "--service-cidr" => options with { ServiceRange = Range() },
                "--service-node-port-range" => PortRange() switch { var (min, max) => options with { NodePortMin = min, NodePortMax = max } },
                "--advertise-address" => options with { AdvertiseAddress = Address().ToString() },
                "--metrics-interval" => options with { MetricsInterval = Seconds() },
                "--session-recheck" => Seconds() is var recheck && recheck <= MaxSessionRecheck ? options with { SessionRecheck = recheck }
                    : throw new ArgumentException($"--session-recheck may be at most {MaxSessionRecheck.TotalSeconds} seconds: a revoked token's dashboard pages must end within a minute\n{Usage}"),
                "--dashboard-https" => options with { DashboardHttps = true },
                "--encryption-key-file" => options with { EncryptionKeyFile = Path.GetFullPath(Value()) },
                "--encryption-provider" => Value() switch
                {
                    var provider when provider is EncryptionProviders.AesGcm or EncryptionProviders.Identity => options with { EncryptionProvider = provider },
                    var other => throw new ArgumentException($"--encryption-provider is aesgcm or identity, not {other}\n{Usage}"),
                },
                "--rewrite-secrets" => options with { RewriteSecrets = true },
                "--service-account-key-file" => options with { ServiceAccountKeyFile = Path.GetFullPath(Value()) },
                "--service-account-token-seconds" => options with { PodTokenLifetime = Seconds() },
                "--bind-address" => options with { BindAddress = Address() },
                "--audit-log-path" => Value() switch { var path => options with { AuditLogPathSetting = path == "-" ? path : Path.GetFullPath(path) } },
                "--audit-log-maxsize" => options with { AuditLogMaxSizeMegabytes = Count() },
                "--audit-log-maxbackup" => options with { AuditLogMaxBackups = Count() },
                "--dashboard-only" => options with { DashboardGateways = [.. options.DashboardGateways ?? [], Gateway()] },
                "--help" or "-h" => throw new ArgumentException(Usage),
                _ => throw new ArgumentException($"unknown option {args[i]}\n{Usage}"),
            };
        }
        return options;
    }
}

/// <summary>The values of <c>--encryption-provider</c>, named as Kubernetes' EncryptionConfiguration names them.</summary>
public static class EncryptionProviders
{
    public const string AesGcm = "aesgcm";
    public const string Identity = "identity";
}
