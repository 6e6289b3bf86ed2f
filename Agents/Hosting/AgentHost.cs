using System.Security.Cryptography;
using Microsoft.Extensions.Hosting;
using OrleansOrchestrator.Agents.Logs;
using OrleansOrchestrator.Agents.Networking;
using OrleansOrchestrator.Agents.Node;
using OrleansOrchestrator.Agents.Pods;
using OrleansOrchestrator.Agents.Runtime;
using OrleansOrchestrator.Agents.Runtime.Docker;
using OrleansOrchestrator.Agents.Runtime.Simulated;
using OrleansOrchestrator.Contracts.Nodes;

namespace OrleansOrchestrator.Agents.Hosting;

/// <summary>
/// Runs the node agents of this process — a Docker node, simulated nodes, or both — over one grain factory
/// (an Orleans client, or the silo itself when co-hosted) and one log endpoint.
/// </summary>
/// <param name="routes">
/// The cluster's Service routes and network facts as this process knows them (pods' resolv.conf and Service
/// variables). Null: fixed defaults (<see cref="Contracts.Networking.ClusterNetwork"/>'s, no Services) until the
/// Service directory's client takes this place.
/// </param>
public sealed partial class AgentHost(IGrainFactory grains, AgentOptions options, ILoggerFactory loggers, IServiceRoutes? routes = null) : BackgroundService
{
    private readonly ILogger _logger = loggers.CreateLogger<AgentHost>();
    private readonly List<NodeAgent> _agents = [];

    /// <summary>The agents once started (for tests and status output).</summary>
    public IReadOnlyList<NodeAgent> Agents => _agents;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var token = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
        await using var logs = new LogServer(options.Address, token, _logger);
        var endpoint = new AgentEndpoint(logs.BaseUrl, token);
        var clock = TimeProvider.System;
        var serviceRoutes = routes ?? new StaticServiceRoutes(new Contracts.Networking.ClusterNetwork());
        var nodeDns = File.Exists(options.ResolvConf) ? PodDns.ParseResolvConf(await File.ReadAllTextAsync(options.ResolvConf, stoppingToken)) : ResolverConfig.Empty;
        DockerRuntime? docker = null;

        if (options.DockerNodeName is { } nodeName)
        {
            docker = new DockerRuntime(options.ClusterId, nodeName, options.DockerEndpoint);
            var node = NodeDescription.ForThisHost(nodeName, options.Address, await docker.Version(stoppingToken));
            // The tenant networks earlier agents made on this engine, for whoever matches traffic by bridge.
            await docker.Networks.Refresh(stoppingToken);
            Add(node, docker, options.Address);
            LogDockerNode(_logger, nodeName);
        }
        for (var i = 0; i < options.SimulatedNodes; i++)
        {
            var name = $"{options.SimulatedNodePrefix}-{i:D4}";
            // Hollow nodes get addresses of their own (never contacted) and the envelope of a typical machine.
            var address = $"10.{64 + i / 62500 % 64}.{i / 250 % 250}.{i % 250 + 2}";
            var node = NodeDescription.ForHost(name, address, "simulated://1.0", simulated: true, cpus: 4, memoryBytes: 16L << 30);
            Add(node, new SimulatedRuntime($"10.{128 + i / 250 % 120}.{i % 250}"), address);
        }
        if (options.SimulatedNodes > 0) LogSimulatedNodes(_logger, options.SimulatedNodes);

        logs.Start();
        try
        {
            await Task.WhenAll(_agents.Select(a => a.Run(stoppingToken)));
        }
        finally
        {
            docker?.Dispose();
        }

        void Add(Contracts.Model.Node node, IContainerRuntime runtime, string address)
        {
            var cluster = new GrainClusterAccess(grains, node.Metadata.Name!);
            var volumes = new PodVolumes(cluster, options.DataDir);
            var supervisor = new PodSupervisor(runtime, cluster, volumes, serviceRoutes, nodeDns, address, clock, loggers.CreateLogger<PodSupervisor>());
            _agents.Add(new NodeAgent(grains, node, endpoint, supervisor, loggers.CreateLogger<NodeAgent>()));
            logs.AddNode(node.Metadata.Name!, runtime);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Node {Node} runs pods on the Docker engine")]
    private static partial void LogDockerNode(ILogger logger, string node);

    [LoggerMessage(Level = LogLevel.Information, Message = "Hosting {Count} simulated nodes")]
    private static partial void LogSimulatedNodes(ILogger logger, int count);
}
