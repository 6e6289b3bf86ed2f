using System.Collections;
using System.Net;

namespace OrleansOrchestrator.Agents.Hosting;

/// <summary>The agent command's options: what the agent runs, the gateways it joins through, and whether it only removes its proxy rules.</summary>
public sealed record AgentCommand
{
    public AgentOptions Agent { get; init; } = new() { DockerNodeName = Environment.MachineName.ToLowerInvariant() };

    /// <summary>The silo gateways given (<c>--gateway</c>); none: <see cref="Gateways"/>' default.</summary>
    public IReadOnlyList<IPEndPoint> GatewaysGiven { get; init; } = [];

    public IReadOnlyList<IPEndPoint> Gateways => GatewaysGiven.Count > 0 ? GatewaysGiven : [new IPEndPoint(IPAddress.Loopback, Contracts.ClusterIdentity.DefaultGatewayPort)];

    /// <summary>Remove this node's Service proxy rules and exit (<c>--cleanup-proxy</c>).</summary>
    public bool CleanupProxy { get; init; }

    /// <summary>
    /// The agent's environment variables: its own prefix, so that the silo's <c>OO__</c> settings on the same host
    /// (which the agent does not know) are not refused as unknown by the agent, nor the agent's by the silo.
    /// </summary>
    public const string EnvironmentPrefix = "OO_AGENT__";

    /// <summary>Every option of the command, one entry each.</summary>
    public static readonly CommandOptions<AgentCommand> Table = new("OrleansOrchestrator.Agents", EnvironmentPrefix,
    [
        CommandOption<AgentCommand>.Repeated("gateway", "HOST:PORT", "a silo gateway (default 127.0.0.1:30000)",
            (o, v) => o with { GatewaysGiven = [.. o.GatewaysGiven, OptionValues.Gateway(v)] }),
        CommandOption<AgentCommand>.Value("cluster-id", "ID", "the Orleans cluster id, also on every container the agent makes (default orleans-orchestrator)",
            (o, v) => o.WithAgent(a => a with { ClusterId = OptionValues.NotEmpty(v) })),
        CommandOption<AgentCommand>.Value("node-name", "NAME", "run a Docker node under this name (default: this host's name)",
            (o, v) => o.WithAgent(a => a with { DockerNodeName = OptionValues.NotEmpty(v) })),
        CommandOption<AgentCommand>.Flag("no-docker", "run no Docker node (only simulated ones)",
            (o, on) => on ? o.WithAgent(a => a with { DockerNodeName = null }) : o),
        CommandOption<AgentCommand>.Value("simulated-nodes", "N", "also host N simulated nodes (pods go Running without containers)",
            (o, v) => o.WithAgent(a => a with { SimulatedNodes = OptionValues.WholeNumber(v) })),
        CommandOption<AgentCommand>.Value("simulated-node-prefix", "P", $"names of simulated nodes: P-0000, P-0001, … (default {SimulatedNodeNames.DefaultPrefix});\nagents sharing a cluster need different ones",
            (o, v) => o.WithAgent(a => a with { SimulatedNodePrefix = v })) with { Aliases = ["simulated-prefix"] },
        CommandOption<AgentCommand>.Value("address", "IP", "the node's address (default 127.0.0.1)",
            (o, v) => o.WithAgent(a => a with { Address = OptionValues.NotEmpty(v) })),
        CommandOption<AgentCommand>.Value("data-dir", "DIR", "where pod volumes live (default ./agent-data)",
            (o, v) => o.WithAgent(a => a with { DataDir = OptionValues.FullPath(v) })),
        CommandOption<AgentCommand>.Value("local-path-root", "DIR", "where local-path persistent volumes live, one folder per tenant (default DATA-DIR/local-path)",
            (o, v) => o.WithAgent(a => a with { LocalPathRoot = OptionValues.FullPath(v) })),
        CommandOption<AgentCommand>.Flag("no-proxy", "run no Service proxy (no iptables rules for cluster IPs and node ports)",
            (o, on) => o.WithAgent(a => a with { ServiceProxy = !on })),
        CommandOption<AgentCommand>.Flag("cleanup-proxy", "remove this node's Service proxy rules (iptables chains) and exit",
            (o, on) => o with { CleanupProxy = on }),
        CommandOption<AgentCommand>.Value("dns-port", "N", "the cluster DNS port on each tenant network's gateway (default: a free port,\nchosen once and kept in --data-dir)",
            (o, v) => o.WithAgent(a => a with { DnsPort = OptionValues.Port(v) })),
        CommandOption<AgentCommand>.Value("streaming-connection-idle-timeout", "D", "close an exec, attach or port-forward idle for D, e.g. 4h, 30m, 1h30m (default 4h)",
            (o, v) => o.WithAgent(a => a with { StreamingIdleTimeout = Duration(v) })),
    ], validate: o => SimulatedNodeNames.Problem(o.Agent.SimulatedNodePrefix, o.Agent.SimulatedNodes) is { } problem ? $"--simulated-node-prefix: {problem}" : null);

    public static string Usage => Table.Usage;

    /// <summary>Reads the command's options (see <see cref="CommandOptions{T}"/> for the sources); throws an <see cref="ArgumentException"/> with the usage.</summary>
    public static AgentCommand Parse(IReadOnlyList<string> args, IDictionary? environment = null, string? programDirectory = null) =>
        Table.Load(new AgentCommand(), args, environment, programDirectory).Options;

    private AgentCommand WithAgent(Func<AgentOptions, AgentOptions> change) => this with { Agent = change(Agent) };

    // A duration as the kubelet's flags take it: whole numbers of h, m and s, e.g. 1h30m.
    private static TimeSpan Duration(string text)
    {
        var match = System.Text.RegularExpressions.Regex.Match(text, @"^(?:(\d{1,5})h)?(?:(\d{1,7})m)?(?:(\d{1,9})s)?$");
        int Part(int group) => match.Groups[group].Success ? int.Parse(match.Groups[group].Value, System.Globalization.CultureInfo.InvariantCulture) : 0;
        var duration = match.Success ? new TimeSpan(Part(1), Part(2), Part(3)) : TimeSpan.Zero;
        return duration > TimeSpan.Zero ? duration : throw new OptionValueException($": {text} is not a duration such as 4h, 30m or 1h30m");
    }
}
