using System.Text.Json;
using OrleansOrchestrator.Agents.Hosting;

namespace OrleansOrchestrator.Agents.Tests.Hosting;

/// <summary>The agent command's options from each of their sources (appsettings.json, --config, OO_AGENT__ variables, the command line).</summary>
public sealed class AgentCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("oo-agent-options-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>Every option: a command line that gives it a value other than its default, and how that value reads back.</summary>
    private static readonly Dictionary<string, (string[] Args, Func<AgentCommand, string> Read, string Expected)> EveryOption = new()
    {
        ["gateway"] = (["--gateway", "127.0.0.1:31001", "--gateway", "127.0.0.1:31002"], c => string.Join(",", c.Gateways), "127.0.0.1:31001,127.0.0.1:31002"),
        ["cluster-id"] = (["--cluster-id", "blue"], c => c.Agent.ClusterId, "blue"),
        ["node-name"] = (["--node-name", "worker-7"], c => c.Agent.DockerNodeName ?? "", "worker-7"),
        ["no-docker"] = (["--no-docker"], c => c.Agent.DockerNodeName ?? "none", "none"),
        ["simulated-nodes"] = (["--simulated-nodes", "12"], c => $"{c.Agent.SimulatedNodes}", "12"),
        ["simulated-node-prefix"] = (["--simulated-node-prefix", "rack1"], c => c.Agent.SimulatedNodePrefix, "rack1"),
        ["address"] = (["--address", "192.0.2.4"], c => c.Agent.Address, "192.0.2.4"),
        ["data-dir"] = (["--data-dir", "/srv/agent"], c => c.Agent.DataDir, "/srv/agent"),
        ["local-path-root"] = (["--local-path-root", "/srv/volumes"], c => c.Agent.LocalPathFolder, "/srv/volumes"),
        ["no-proxy"] = (["--no-proxy"], c => $"{c.Agent.ServiceProxy}", "False"),
        ["cleanup-proxy"] = (["--cleanup-proxy"], c => $"{c.CleanupProxy}", "True"),
        ["dns-port"] = (["--dns-port", "5353"], c => $"{c.Agent.DnsPort}", "5353"),
        ["streaming-connection-idle-timeout"] = (["--streaming-connection-idle-timeout", "1h30m"], c => $"{c.Agent.StreamingIdleTimeout}", "01:30:00"),
    };

    public static TheoryData<string> OptionNames => [.. EveryOption.Keys];

    [Fact]
    public void EveryOptionOfTheTable_HasARowHere() =>
        Assert.Equal(AgentCommand.Table.Options.Select(o => o.Name).Order(), EveryOption.Keys.Order());

    [Theory]
    [MemberData(nameof(OptionNames))]
    public void EveryOption_IsTakenFromTheCommandLine_TheEnvironmentAndASettingsFile(string name)
    {
        var (args, read, expected) = EveryOption[name];
        Assert.NotEqual(expected, read(Parse([])));
        Assert.Equal(expected, read(Parse(args)));

        var settings = Settings(args);
        var environment = new Dictionary<string, string>();
        foreach (var (key, values) in settings)
            for (var i = 0; i < values.Count; i++) environment[values.Count == 1 ? $"OO_AGENT__{key}" : $"OO_AGENT__{key}__{i}"] = values[i];
        Assert.Equal(expected, read(Parse([], environment)));

        var file = Path.Combine(_dir, "agent.json");
        File.WriteAllText(file, JsonSerializer.Serialize(settings.ToDictionary(s => s.Key, s => s.Values.Count == 1 ? (object)s.Values[0] : s.Values)));
        Assert.Equal(expected, read(Parse(["--config", file])));
    }

    [Fact]
    public void Defaults_AreTheLocalGateway_ThisHostsDockerNode_AndSimNodes()
    {
        var command = Parse([]);
        Assert.Equal("127.0.0.1:30000", string.Join(",", command.Gateways));
        Assert.Equal(Environment.MachineName.ToLowerInvariant(), command.Agent.DockerNodeName);
        Assert.Equal("sim", command.Agent.SimulatedNodePrefix);
    }

    [Fact]
    public void TheOlderSimulatedPrefixName_StillWorks() =>
        Assert.Equal("hollow", Parse(["--simulated-prefix", "hollow"]).Agent.SimulatedNodePrefix);

    [Fact]
    public void TheCommandLine_WinsOverTheEnvironment_WhichWinsOverTheFile()
    {
        File.WriteAllText(Path.Combine(_dir, "appsettings.json"), """{ "ClusterId": "from-file", "Address": "192.0.2.1", "DnsPort": 1053 }""");
        var command = Parse(["--dns-port", "3053"], new() { ["OO_AGENT__Address"] = "192.0.2.2", ["OO_AGENT__DnsPort"] = "2053" });
        Assert.Equal(("from-file", "192.0.2.2", 3053), (command.Agent.ClusterId, command.Agent.Address, command.Agent.DnsPort));
    }

    [Fact]
    public void TheSilosVariables_AreNotTheAgents()
    {
        // A host running both: OO__ is the silo's, and the agent neither reads nor refuses it.
        var command = Parse([], new() { ["OO__ApiPort"] = "7443", ["OO__ClusterId"] = "blue" });
        Assert.Equal("orleans-orchestrator", command.Agent.ClusterId);
    }

    [Theory]
    [InlineData(new[] { "--gatway", "127.0.0.1:30000" }, "unknown option --gatway")]
    [InlineData(new[] { "--gateway", "silo" }, "--gateway needs HOST:PORT of a silo gateway")]
    [InlineData(new[] { "--simulated-nodes", "many" }, "--simulated-nodes needs a whole number")]
    [InlineData(new[] { "--dns-port", "65536" }, "--dns-port needs a port number between 1 and 65535")]
    [InlineData(new[] { "--streaming-connection-idle-timeout", "4 hours" }, "--streaming-connection-idle-timeout: 4 hours is not a duration such as 4h, 30m or 1h30m")]
    [InlineData(new[] { "--simulated-prefix", "Hollow" }, "--simulated-node-prefix: the simulated node prefix Hollow is not valid")]
    [InlineData(new[] { "--config", "/nonexistent/agent.json" }, "--config: the settings file /nonexistent/agent.json does not exist")]
    public void BadOptions_StopTheAgent_WithAClearMessageAndTheUsage(string[] args, string message)
    {
        var error = Assert.Throws<ArgumentException>(() => Parse(args));
        Assert.StartsWith(message, error.Message);
        Assert.Contains("Usage: OrleansOrchestrator.Agents [options]", error.Message);
    }

    [Fact]
    public void AnUnknownVariableWithTheAgentsPrefix_IsRefused() =>
        Assert.StartsWith("unknown setting OO_AGENT__Gateways",
            Assert.Throws<ArgumentException>(() => Parse([], new() { ["OO_AGENT__Gateways"] = "127.0.0.1:30000" })).Message);

    [Fact]
    public void Help_IsTheUsage_WithTheAgentsPrefix()
    {
        var help = Assert.Throws<HelpRequestedException>(() => Parse(["-h"]));
        Assert.Contains("OO_AGENT__Gateway__0=A", help.Message);
        Assert.Contains("--simulated-node-prefix P", help.Message);
        Assert.Contains("--config FILE", help.Message);
    }

    private AgentCommand Parse(string[] args, Dictionary<string, string>? environment = null) =>
        AgentCommand.Parse(args, environment ?? [], programDirectory: _dir);

    private static List<(string Key, List<string> Values)> Settings(string[] args)
    {
        var settings = new List<(string Key, List<string> Values)>();
        for (var i = 0; i < args.Length; i++)
        {
            var option = AgentCommand.Table.Options.Single(o => "--" + o.Name == args[i]);
            var value = option.IsFlag ? "true" : args[++i];
            if (settings.FindIndex(s => s.Key == option.Key) is var at && at >= 0) settings[at].Values.Add(value);
            else settings.Add((option.Key, [value]));
        }
        return settings;
    }
}
