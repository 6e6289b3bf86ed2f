using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;
using OrleansOrchestrator.Agents.Hosting;
using OrleansOrchestrator.Contracts;

// The node agent as its own process: joins the cluster as an Orleans client through the silos' gateways
// and runs the pods bound to its node (and any simulated nodes it hosts).
AgentCommand command;
try
{
    command = AgentCommand.Parse(args);
}
catch (HelpRequestedException help)
{
    Console.WriteLine(help.Message);
    return 0;
}
catch (ArgumentException e)
{
    Console.Error.WriteLine(e.Message);
    return 2;
}
var options = command.Agent;
var gateways = command.Gateways;
if (command.CleanupProxy)
{
    if (options.DockerNodeName is not { } node) { Console.Error.WriteLine("--cleanup-proxy needs a node name"); return 2; }
    var chains = OrleansOrchestrator.Agents.Networking.Proxy.ProxyChainNames.For(options.ClusterId, node);
    await OrleansOrchestrator.Agents.Networking.Proxy.ServiceProxy.Cleanup(chains);
    Console.WriteLine($"Removed the Service proxy rules of node {node} (chains {chains.Prefix}*)");
    return 0;
}

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
builder.Services.AddSingleton(Microsoft.Extensions.Options.Options.Create(options));
builder.Services.AddHostedService(sp => new AgentHost(sp.GetRequiredService<IClusterClient>(), options, sp.GetRequiredService<ILoggerFactory>()));
var host = builder.Build();
Console.WriteLine($"OrleansOrchestrator agent: {(options.DockerNodeName is { } n ? $"Docker node {n}" : "no Docker node")}, {options.SimulatedNodes} simulated nodes; gateways {string.Join(", ", gateways)}");
await host.RunAsync();
return 0;
