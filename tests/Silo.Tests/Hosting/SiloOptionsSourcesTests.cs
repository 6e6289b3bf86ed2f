using System.Globalization;
using System.Text.Json;
using OrleansOrchestrator.Agents.Hosting;
using OrleansOrchestrator.Silo.Hosting;

namespace OrleansOrchestrator.Silo.Tests.Hosting;

/// <summary>
/// The main command's options from each of their sources (appsettings.json, --config, OO__ variables, the command line),
/// which wins, and what is refused.
/// </summary>
public sealed class SiloOptionsSourcesTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("oo-options-").FullName;
    private static readonly Dictionary<string, string> NoEnvironment = [];

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>Every option: a command line that gives it a value other than its default, and how that value reads back.</summary>
    private static readonly Dictionary<string, (string[] Args, Func<SiloOptions, string> Read, string Expected)> EveryOption = new()
    {
        ["data-dir"] = (["--data-dir", "/srv/oo"], o => o.DataDir, "/srv/oo"),
        ["api-port"] = (["--api-port", "7443"], o => $"{o.ApiPort}", "7443"),
        ["dashboard-port"] = (["--dashboard-port", "7080"], o => $"{o.DashboardPort}", "7080"),
        ["dashboard-https"] = (["--dashboard-https"], o => $"{o.DashboardHttps}", "True"),
        ["bind-address"] = (["--bind-address", "0.0.0.0"], o => $"{o.BindAddress}", "0.0.0.0"),
        ["audit-log-path"] = (["--audit-log-path", "/var/log/oo-audit.log"], o => o.AuditLogPath, "/var/log/oo-audit.log"),
        ["audit-log-maxsize"] = (["--audit-log-maxsize", "5"], o => $"{o.AuditLogMaxSizeMegabytes}", "5"),
        ["audit-log-maxbackup"] = (["--audit-log-maxbackup", "3"], o => $"{o.AuditLogMaxBackups}", "3"),
        ["silo-port"] = (["--silo-port", "12111"], o => $"{o.SiloPort}", "12111"),
        ["gateway-port"] = (["--gateway-port", "31000"], o => $"{o.GatewayPort}", "31000"),
        ["postgres"] = (["--postgres", "Host=db;Database=oo"], o => o.PostgreSql ?? "", "Host=db;Database=oo"),
        ["credentials-dir"] = (["--credentials-dir", "/srv/oo-credentials"], o => o.CredentialsPath, "/srv/oo-credentials"),
        ["tls-san"] = (["--tls-san", "lb.example.com", "--tls-san", "10.0.0.7"], o => string.Join(",", o.TlsSubjectAlternativeNames), "lb.example.com,10.0.0.7"),
        ["kubeconfig-server"] = (["--kubeconfig-server", "https://lb.example.com:6443/"], o => o.KubeconfigServer ?? "", "https://lb.example.com:6443"),
        ["tls-cert"] = (["--tls-cert", "/etc/oo/api.crt"], o => o.TlsCertificate ?? "", "/etc/oo/api.crt"),
        ["tls-key"] = (["--tls-key", "/etc/oo/api.key"], o => o.TlsKey ?? "", "/etc/oo/api.key"),
        ["cluster-id"] = (["--cluster-id", "blue"], o => o.ClusterId, "blue"),
        ["node-name"] = (["--node-name", "worker-7"], o => o.NodeName, "worker-7"),
        ["no-agent"] = (["--no-agent"], o => $"{o.LocalAgent}", "False"),
        ["docker-endpoint"] = (["--docker-endpoint", "tcp://127.0.0.1:2375"], o => $"{o.DockerEndpoint}", "tcp://127.0.0.1:2375/"),
        ["local-path-root"] = (["--local-path-root", "/srv/volumes"], o => o.LocalPathRoot ?? "", "/srv/volumes"),
        ["simulated-nodes"] = (["--simulated-nodes", "12"], o => $"{o.SimulatedNodes}", "12"),
        ["simulated-node-prefix"] = (["--simulated-node-prefix", "rack1"], o => o.SimulatedNodePrefix, "rack1"),
        ["node-grace-period"] = (["--node-grace-period", "15"], o => $"{o.Controllers.NodeMonitorGracePeriod.TotalSeconds}", "15"),
        ["pod-eviction-timeout"] = (["--pod-eviction-timeout", "20"], o => $"{o.Controllers.PodEvictionTimeout.TotalSeconds}", "20"),
        ["default-not-ready-toleration-seconds"] = (["--default-not-ready-toleration-seconds", "30"], o => $"{o.Controllers.NotReadyTolerationSeconds}", "30"),
        ["default-unreachable-toleration-seconds"] = (["--default-unreachable-toleration-seconds", "40"], o => $"{o.Controllers.UnreachableTolerationSeconds}", "40"),
        ["event-ttl"] = (["--event-ttl", "60"], o => $"{o.Controllers.EventTtl.TotalSeconds}", "60"),
        ["service-cidr"] = (["--service-cidr", "10.200.0.0/16"], o => o.ClusterNetwork.ServiceCidr, "10.200.0.0/16"),
        ["service-node-port-range"] = (["--service-node-port-range", "31000-31099"], o => $"{o.NodePortMin}-{o.NodePortMax}", "31000-31099"),
        ["advertise-address"] = (["--advertise-address", "192.0.2.9"], o => o.AdvertiseAddress, "192.0.2.9"),
        ["shutdown-delay-duration"] = (["--shutdown-delay-duration", "7"], o => $"{o.ShutdownDelay.TotalSeconds}", "7"),
        ["session-recheck"] = (["--session-recheck", "45"], o => $"{o.SessionRecheck.TotalSeconds}", "45"),
        ["encryption-key-file"] = (["--encryption-key-file", "/etc/oo/keys"], o => o.EncryptionKeyFilePath, "/etc/oo/keys"),
        ["encryption-provider"] = (["--encryption-provider", "identity"], o => o.EncryptionProvider, "identity"),
        ["service-account-key-file"] = (["--service-account-key-file", "/etc/oo/sa.key"], o => o.ServiceAccountKeyPath, "/etc/oo/sa.key"),
        ["service-account-token-seconds"] = (["--service-account-token-seconds", "600"], o => $"{o.PodTokenLifetime.TotalSeconds}", "600"),
        ["rewrite-secrets"] = (["--rewrite-secrets"], o => $"{o.RewriteSecrets}", "True"),
        ["metrics-interval"] = (["--metrics-interval", "10"], o => $"{o.MetricsInterval?.TotalSeconds}", "10"),
        ["dashboard-only"] = (["--dashboard-only", "127.0.0.1:30000", "--dashboard-only", "127.0.0.2:30001"],
            o => string.Join(",", o.DashboardGateways ?? []), "127.0.0.1:30000,127.0.0.2:30001"),
    };

    public static TheoryData<string> OptionNames => [.. EveryOption.Keys];

    [Fact]
    public void EveryOptionOfTheTable_HasARowHere_SoThatANewOneIsTestedFromEverySource() =>
        Assert.Equal(SiloOptions.Table.Options.Select(o => o.Name).Order(), EveryOption.Keys.Order());

    [Theory]
    [MemberData(nameof(OptionNames))]
    public void EveryOption_IsTakenFromTheCommandLine_UnderItsExactName(string name)
    {
        var (args, read, expected) = EveryOption[name];
        Assert.NotEqual(expected, read(Parse([])));
        Assert.Equal(expected, read(Parse(args)));
    }

    [Theory]
    [MemberData(nameof(OptionNames))]
    public void EveryOption_IsTakenFromTheEnvironment_AsOO__AndItsKey(string name)
    {
        var (args, read, expected) = EveryOption[name];
        var environment = new Dictionary<string, string>();
        foreach (var (key, values) in Settings(args))
        {
            if (values.Count == 1) environment[$"OO__{key}"] = values[0];
            else for (var i = 0; i < values.Count; i++) environment[$"OO__{key}__{i}"] = values[i];
        }
        Assert.Equal(expected, read(Parse([], environment)));
    }

    [Theory]
    [MemberData(nameof(OptionNames))]
    public void EveryOption_IsTakenFromASettingsFile_UnderItsKey(string name)
    {
        var (args, read, expected) = EveryOption[name];
        var file = WriteJson("settings.json", Settings(args).ToDictionary(s => s.Key, s => s.Values.Count == 1 ? (object)s.Values[0] : s.Values));
        Assert.Equal(expected, read(Parse(["--config", file])));
    }

    [Fact]
    public void Sources_LaterWins_OptionByOption_DefaultFileThenConfigFileThenEnvironmentThenCommandLine()
    {
        // JSON numbers and booleans read as the command line's text does.
        WriteJson("appsettings.json", new { ApiPort = 1001, DashboardPort = 2001, SiloPort = 3001, GatewayPort = 4001, NoAgent = true });
        var file = WriteJson("site.json", new { DashboardPort = 2002, SiloPort = 3002, GatewayPort = 4002 });
        var environment = new Dictionary<string, string> { ["OO__SiloPort"] = "3003", ["OO__GatewayPort"] = "4003" };

        var options = Parse(["--config", file, "--gateway-port", "4004"], environment);

        Assert.Equal((1001, 2002, 3003, 4004), (options.ApiPort, options.DashboardPort, options.SiloPort, options.GatewayPort));
        Assert.False(options.LocalAgent);
        Assert.Equal(Path.Combine(_dir, "site.json"), options.ConfigFile);
        // A flag on the command line turns a file's flag back: --no-agent=false.
        Assert.True(Parse(["--no-agent=false"]).LocalAgent);
    }

    [Fact]
    public void ARepeatableOption_IsReplacedWhole_ByALaterSource_NotMergedItemByItem()
    {
        var file = WriteJson("site.json", new { DashboardOnly = new[] { "10.0.0.1:30000", "10.0.0.2:30000", "10.0.0.3:30000" } });
        Assert.Equal("10.0.0.1:30000,10.0.0.2:30000,10.0.0.3:30000", string.Join(",", Parse(["--config", file]).DashboardGateways!));
        Assert.Equal("10.0.0.9:30000", string.Join(",", Parse(["--config", file], new() { ["OO__DashboardOnly__0"] = "10.0.0.9:30000" }).DashboardGateways!));
        Assert.Equal("10.0.0.8:30000,10.0.0.7:30000",
            string.Join(",", Parse(["--config", file, "--dashboard-only", "10.0.0.8:30000", "--dashboard-only", "10.0.0.7:30000"]).DashboardGateways!));
    }

    [Fact]
    public void TheHostsLoggingSection_MayShareTheFile()
    {
        var file = WriteJson("site.json", new { Logging = new { LogLevel = new { Default = "Debug" } }, ApiPort = 7443 });
        Assert.Equal(7443, Parse(["--config", file]).ApiPort);
    }

    [Fact]
    public void AMissingConfigFile_IsRefused_NotIgnored()
    {
        var error = Assert.Throws<ArgumentException>(() => Parse(["--config", Path.Combine(_dir, "nowhere.json")]));
        Assert.StartsWith($"--config: the settings file {Path.Combine(_dir, "nowhere.json")} does not exist", error.Message);
        Assert.Contains("Usage:", error.Message);
    }

    [Theory]
    [InlineData("""{ "ApiPrt": 7443 }""", "unknown setting ApiPrt (in FILE)")]
    [InlineData("""{ "ApiPort": 70000 }""", "ApiPort (in FILE) needs a port number between 1 and 65535")]
    [InlineData("""{ "ApiPort": { "Value": 7443 } }""", "ApiPort (in FILE) needs a single value, not a section")]
    [InlineData("""{ "NoAgent": "maybe" }""", "NoAgent (in FILE) is a flag: true or false, not maybe")]
    [InlineData("""{ "ServiceCidr": "10.96.0.1/12" }""", "ServiceCidr (in FILE): 10.96.0.1/12 is not a network address")]
    [InlineData("""{ "ApiPort": 7443 """, "the settings file FILE is not valid JSON")]
    public void ABadSettingsFile_StopsTheSilo_NamingTheSettingAndTheFile(string json, string message)
    {
        var file = Path.Combine(_dir, "site.json");
        File.WriteAllText(file, json);
        var error = Assert.Throws<ArgumentException>(() => Parse(["--config", file]));
        Assert.StartsWith(message.Replace("FILE", file, StringComparison.Ordinal), error.Message);
        Assert.Contains("Usage:", error.Message);
    }

    [Theory]
    [InlineData("OO__ApiPrt", "7443", "unknown setting OO__ApiPrt")]
    [InlineData("OO__ApiPort", "http", "OO__ApiPort needs a port number between 1 and 65535")]
    [InlineData("OO__SessionRecheck", "61", "OO__SessionRecheck may be at most 60 seconds")]
    [InlineData("OO__DashboardOnly__0", "nowhere", "OO__DashboardOnly needs HOST:PORT of a silo gateway")]
    [InlineData("OO__SimulatedNodePrefix", "Sim_Nodes", "--simulated-node-prefix: the simulated node prefix Sim_Nodes is not valid")]
    public void ABadEnvironmentVariable_StopsTheSilo_NamingTheVariable(string variable, string value, string message)
    {
        var error = Assert.Throws<ArgumentException>(() => Parse([], new() { [variable] = value }));
        Assert.StartsWith(message, error.Message);
    }

    [Fact]
    public void OtherVariables_AreNotTheSilos_AndTheAgentsPrefixIsNotRead()
    {
        var options = Parse([], new() { ["OO_AGENT__Gateway__0"] = "127.0.0.1:30000", ["OOPS"] = "1", ["ApiPort"] = "1" });
        Assert.Equal(6443, options.ApiPort);
    }

    [Theory]
    [InlineData(new[] { "--api-prot", "7443" }, "unknown option --api-prot")]
    [InlineData(new[] { "--api-port" }, "--api-port needs a value")]
    [InlineData(new[] { "--api-port", "0" }, "--api-port needs a port number between 1 and 65535")]
    [InlineData(new[] { "--config" }, "--config needs a value")]
    [InlineData(new[] { "--dashboard-only", "gateway" }, "--dashboard-only needs HOST:PORT of a silo gateway")]
    [InlineData(new[] { "--docker-endpoint", "docker.sock" }, "--docker-endpoint needs an absolute URI, not docker.sock")]
    [InlineData(new[] { "--simulated-nodes", "-3" }, "--simulated-nodes needs a whole number")]
    public void ABadCommandLine_StopsTheSilo_WithTheOptionsOwnMessageAndTheUsage(string[] args, string message)
    {
        var error = Assert.Throws<ArgumentException>(() => Parse(args));
        Assert.StartsWith(message, error.Message);
        Assert.Contains("Usage: OrleansOrchestrator.Silo [options]", error.Message);
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("-h")]
    public void Help_IsTheUsage_WhichSaysHowTheFileAndTheEnvironmentAreUsed(string flag)
    {
        var help = Assert.Throws<HelpRequestedException>(() => Parse(["--api-port", "7443", flag]));
        Assert.Equal(SiloOptions.Usage, help.Message);
        Assert.Contains("--config FILE", help.Message);
        Assert.Contains("appsettings.json next to the program", help.Message);
        Assert.Contains("OO__DataDir=X", help.Message);
        Assert.Contains("OO__TlsSan__0=A", help.Message);
        foreach (var option in SiloOptions.Table.Options) Assert.Contains($"--{option.Name}", help.Message);
    }

    [Fact]
    public void SimulatedNodePrefix_IsSimOnSqlite_AndOneOfTheSilosOwnWhenClustered()
    {
        Assert.Equal("sim", Parse([]).SimulatedNodePrefix);
        var first = Parse(["--postgres", "Host=db", "--node-name", "Worker_7.example", "--silo-port", "11111"]).SimulatedNodePrefix;
        var second = Parse(["--postgres", "Host=db", "--node-name", "Worker_7.example", "--silo-port", "11112"]).SimulatedNodePrefix;
        var elsewhere = Parse(["--postgres", "Host=db", "--node-name", "worker-8", "--silo-port", "11111"]).SimulatedNodePrefix;
        Assert.Equal("sim-worker-7-example-11111", first);
        Assert.Equal(3, new[] { first, second, elsewhere }.Distinct().Count());
        // Given, it is the given one, clustered or not.
        Assert.Equal("rack1", Parse(["--postgres", "Host=db", "--simulated-node-prefix", "rack1"]).SimulatedNodePrefix);
    }

    [Fact]
    public void ClusteredDefaultPrefix_IsAValidNodeNamePrefix_EvenForALongOddHostName()
    {
        var host = new string('X', 100) + "_ünïcode";
        var options = Parse(["--postgres", "Host=db", "--node-name", host, "--silo-port", "65535", "--simulated-nodes", "1000000"]);
        Assert.Null(SimulatedNodeNames.Problem(options.SimulatedNodePrefix, 1_000_000));
        Assert.StartsWith("sim-xxxx", options.SimulatedNodePrefix);
        Assert.EndsWith("-65535", options.SimulatedNodePrefix);
    }

    [Theory]
    [InlineData("sim-", "1", "not ending with a dash")]
    [InlineData("Sim", "1", "lower-case letters, digits and dashes")]
    [InlineData("-sim", "1", "starting with a letter or digit")]
    [InlineData("rack.one", "1", "lower-case letters, digits and dashes")]
    public void ABadSimulatedNodePrefix_IsRefused_BecauseTheNamesWouldNotBeNodeNames(string prefix, string nodes, string message)
    {
        var error = Assert.Throws<ArgumentException>(() => Parse(["--simulated-node-prefix", prefix, "--simulated-nodes", nodes]));
        Assert.StartsWith("--simulated-node-prefix: ", error.Message);
        Assert.Contains(message, error.Message);
    }

    [Fact]
    public void ALongPrefix_IsTaken_WhileEveryNameFitsInALabelOf63()
    {
        // 58 + "-0000": 63 characters; with 100,000 nodes the last is 58 + "-99999".
        Assert.Equal(58, Parse(["--simulated-node-prefix", new string('a', 58), "--simulated-nodes", "10000"]).SimulatedNodePrefix.Length);
        Assert.Contains("must have at most 63 characters",
            Assert.Throws<ArgumentException>(() => Parse(["--simulated-node-prefix", new string('a', 59), "--simulated-nodes", "1"])).Message);
        Assert.Contains($"{new string('a', 58)}-99999 must have at most 63 characters",
            Assert.Throws<ArgumentException>(() => Parse(["--simulated-node-prefix", new string('a', 58), "--simulated-nodes", "100000"])).Message);
    }

    private SiloOptions Parse(string[] args, Dictionary<string, string>? environment = null) =>
        SiloOptions.Parse(args, environment ?? NoEnvironment, programDirectory: _dir);

    private string WriteJson(string name, object settings)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, JsonSerializer.Serialize(settings));
        return path;
    }

    /// <summary>A command line as settings: each option's key (its name in PascalCase) with its values; a flag's value is true.</summary>
    private static List<(string Key, List<string> Values)> Settings(string[] args)
    {
        var settings = new List<(string Key, List<string> Values)>();
        for (var i = 0; i < args.Length; i++)
        {
            var option = SiloOptions.Table.Options.Single(o => "--" + o.Name == args[i]);
            var value = option.IsFlag ? "true" : args[++i];
            if (settings.FindIndex(s => s.Key == option.Key) is var at && at >= 0) settings[at].Values.Add(value);
            else settings.Add((option.Key, [value]));
        }
        return settings;
    }
}
