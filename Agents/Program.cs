using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;
using OrleansOrchestrator.Agents.Hosting;
using OrleansOrchestrator.Contracts;

// The node agent as its own process: joins the cluster as an Orleans client through the silos' gateways
// and runs the pods bound to its node (and any simulated nodes it hosts).
var usage = """
    Usage: OrleansOrchestrator.Agents [options]
      --gateway HOST:PORT     a silo gateway (repeat for several silos; default 127.0.0.1:30000)
      --cluster-id ID         the Orleans cluster id, also on every container the agent makes (default orleans-orchestrator)
      --node-name NAME        run a Docker node under this name (default: this host's name)
      --no-docker             run no Docker node (only simulated ones)
      --simulated-nodes N     also host N simulated nodes (pods go Running without containers)
      --simulated-prefix P    names of simulated nodes: P-0000, P-0001, … (default sim)
      --address IP            the node's address (default 127.0.0.1)
      --data-dir DIR          where pod volumes live (default ./agent-data)
      --local-path-root DIR   where local-path persistent volumes live, one folder per tenant (default DATA-DIR/local-path)
      --no-proxy              run no Service proxy (no iptables rules for cluster IPs and node ports)
      --cleanup-proxy         remove this node's Service proxy rules (iptables chains) and exit
      --dns-port N            the cluster DNS port on each tenant network's gateway (default: a free port, chosen once and kept in --data-dir)
      --streaming-connection-idle-timeout D
                              close an exec, attach or port-forward idle for D, e.g. 4h, 30m, 1h30m (default 4h)
    """;
var gateways = new List<IPEndPoint>();
var options = new AgentOptions { DockerNodeName = Environment.MachineName.ToLowerInvariant() };
var cleanupProxy = false;
try
{
    for (var i = 0; i < args.Length; i++)
    {
        string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
        switch (args[i])
        {
            case "--gateway": gateways.Add(IPEndPoint.Parse(Value())); break;
            case "--cluster-id": options = options with { ClusterId = Value() }; break;
            case "--node-name": options = options with { DockerNodeName = Value() }; break;
            case "--no-docker": options = options with { DockerNodeName = null }; break;
            case "--simulated-nodes": options = options with { SimulatedNodes = int.Parse(Value(), System.Globalization.CultureInfo.InvariantCulture) }; break;
            case "--simulated-prefix": options = options with { SimulatedNodePrefix = Value() }; break;
            case "--address": options = options with { Address = Value() }; break;
            case "--data-dir": options = options with { DataDir = Path.GetFullPath(Value()) }; break;
            case "--local-path-root": options = options with { LocalPathRoot = Path.GetFullPath(Value()) }; break;
            case "--no-proxy": options = options with { ServiceProxy = false }; break;
            case "--cleanup-proxy": cleanupProxy = true; break;
            case "--dns-port": options = options with { DnsPort = DnsPort(Value()) }; break;
            case "--streaming-connection-idle-timeout": options = options with { StreamingIdleTimeout = Duration(args[i], Value()) }; break;
            default: throw new ArgumentException($"unknown option {args[i]}");
        }
    }
}
catch (Exception e) when (e is ArgumentException or FormatException)
{
    Console.Error.WriteLine($"{e.Message}\n{usage}");
    return 2;
}
if (cleanupProxy)
{
    if (options.DockerNodeName is not { } node) { Console.Error.WriteLine("--cleanup-proxy needs a node name"); return 2; }
    var chains = OrleansOrchestrator.Agents.Networking.Proxy.ProxyChainNames.For(options.ClusterId, node);
    await OrleansOrchestrator.Agents.Networking.Proxy.ServiceProxy.Cleanup(chains);
    Console.WriteLine($"Removed the Service proxy rules of node {node} (chains {chains.Prefix}*)");
    return 0;
}
static int DnsPort(string text) =>
    int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var port) && port is > 0 and <= 65535
        ? port
        : throw new ArgumentException($"--dns-port: {text} is not a port (1-65535)");

// A duration as the kubelet's flags take it: whole numbers of h, m and s, e.g. 1h30m.
static TimeSpan Duration(string option, string text)
{
    var match = System.Text.RegularExpressions.Regex.Match(text, @"^(?:(\d{1,5})h)?(?:(\d{1,7})m)?(?:(\d{1,9})s)?$");
    int Part(int group) => match.Groups[group].Success ? int.Parse(match.Groups[group].Value, System.Globalization.CultureInfo.InvariantCulture) : 0;
    var duration = match.Success ? new TimeSpan(Part(1), Part(2), Part(3)) : TimeSpan.Zero;
    return duration > TimeSpan.Zero ? duration : throw new ArgumentException($"{option}: {text} is not a duration such as 4h, 30m or 1h30m");
}

if (gateways.Count == 0) gateways.Add(new IPEndPoint(IPAddress.Loopback, ClusterIdentity.DefaultGatewayPort));

var builder = Host.CreateApplicationBuilder();
builder.Logging.AddFilter("Orleans", LogLevel.Warning).AddFilter("Polly", LogLevel.Warning);
builder.UseOrleansClient(client =>
{
    client.UseStaticClustering(gateways.ToArray());
    client.ForFailover();
    client.Configure<ClusterOptions>(o =>
    {
        o.ClusterId = options.ClusterId;
        o.ServiceId = ClusterIdentity.ServiceId;
    });
});
builder.Services.AddSingleton(options);
builder.Services.AddHostedService(sp => new AgentHost(sp.GetRequiredService<IClusterClient>(), options, sp.GetRequiredService<ILoggerFactory>()));
var host = builder.Build();
Console.WriteLine($"OrleansOrchestrator agent: {(options.DockerNodeName is { } n ? $"Docker node {n}" : "no Docker node")}, {options.SimulatedNodes} simulated nodes; gateways {string.Join(", ", gateways)}");
await host.RunAsync();
return 0;
