using System.Security.Cryptography;
using Microsoft.Extensions.Hosting;
using OrleansOrchestrator.Agents.Logs;
using OrleansOrchestrator.Agents.Networking;
using OrleansOrchestrator.Agents.Networking.Dns;
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
/// <param name="serviceRoutes">The cluster's Service routes as this process follows them (the cluster DNS answers from them).</param>
/// <param name="tenantNetworks">The engine's tenant networks (the cluster DNS listens on each one's gateway).</param>
public sealed partial class AgentHost(
    IGrainFactory grains, AgentOptions options, ILoggerFactory loggers,
    IServiceRoutes? serviceRoutes = null, ITenantNetworks? tenantNetworks = null) : BackgroundService
{
    private readonly ILogger _logger = loggers.CreateLogger<AgentHost>();
    private readonly List<NodeAgent> _agents = [];
    private ClusterDnsServer? _clusterDns;

    /// <summary>The Docker node's cluster DNS (its port is where the proxy sends <c>DnsIp:53</c>); null without a Docker node.</summary>
    public IClusterDns? ClusterDns => _clusterDns;

    /// <summary>The agents once started (for tests and status output).</summary>
    public IReadOnlyList<NodeAgent> Agents => _agents;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var token = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
        await using var logs = new LogServer(options.Address, token, _logger);
        var endpoint = new AgentEndpoint(logs.BaseUrl, token);
        var clock = TimeProvider.System;
        DockerRuntime? docker = null;

        if (options.DockerNodeName is { } nodeName)
        {
            docker = new DockerRuntime(options.ClusterId, nodeName, options.DockerEndpoint);
            var node = NodeDescription.ForThisHost(nodeName, options.Address, await docker.Version(stoppingToken));
            Add(node, docker, options.Address);
            LogDockerNode(_logger, nodeName);
            StartClusterDns(nodeName, serviceRoutes, tenantNetworks);
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
            if (_clusterDns is not null) await _clusterDns.DisposeAsync();
            docker?.Dispose();
        }

        void Add(Contracts.Model.Node node, IContainerRuntime runtime, string address)
        {
            var cluster = new GrainClusterAccess(grains, node.Metadata.Name!);
            var volumes = new PodVolumes(cluster, options.DataDir);
            var supervisor = new PodSupervisor(runtime, cluster, volumes, address, clock, loggers.CreateLogger<PodSupervisor>());
            _agents.Add(new NodeAgent(grains, node, endpoint, supervisor, loggers.CreateLogger<NodeAgent>()));
            logs.AddNode(node.Metadata.Name!, runtime);
        }
    }

    /// <summary>
    /// A real node serves the cluster DNS to its pods (as CoreDNS does for a cluster, but per node, so that a
    /// pod's question never leaves its host). Simulated nodes run no containers that would ask.
    /// </summary>
    private void StartClusterDns(string nodeName, IServiceRoutes? routes, ITenantNetworks? networks)
    {
        if (routes is null || networks is null)
        {
            LogClusterDnsOff(_logger, nodeName);
            return;
        }
        _clusterDns = new ClusterDnsServer(routes, networks, new ClusterDnsOptions { Port = options.DnsPort }, loggers.CreateLogger<ClusterDnsServer>());
        _clusterDns.Start();
        LogClusterDns(_logger, nodeName, _clusterDns.Port);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Node {Node} serves cluster DNS on port {Port} of its tenant networks' gateways")]
    private static partial void LogClusterDns(ILogger logger, string node, int port);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Node {Node} serves no cluster DNS: this process follows no Service routes or tenant networks")]
    private static partial void LogClusterDnsOff(ILogger logger, string node);

    [LoggerMessage(Level = LogLevel.Information, Message = "Node {Node} runs pods on the Docker engine")]
    private static partial void LogDockerNode(ILogger logger, string node);

    [LoggerMessage(Level = LogLevel.Information, Message = "Hosting {Count} simulated nodes")]
    private static partial void LogSimulatedNodes(ILogger logger, int count);
}
