using System.Security.Cryptography;
using Microsoft.Extensions.Hosting;
using OrleansOrchestrator.Agents.Networking;
using OrleansOrchestrator.Agents.Networking.Proxy;
using OrleansOrchestrator.Agents.Networking.Dns;
using OrleansOrchestrator.Agents.Node;
using OrleansOrchestrator.Agents.Pods;
using OrleansOrchestrator.Agents.Runtime;
using OrleansOrchestrator.Agents.Runtime.Docker;
using OrleansOrchestrator.Agents.Runtime.Simulated;
using OrleansOrchestrator.Agents.Serving;
using OrleansOrchestrator.Agents.Volumes;
using OrleansOrchestrator.Contracts.Nodes;

namespace OrleansOrchestrator.Agents.Hosting;

/// <summary>
/// Runs the node agents of this process — a Docker node, simulated nodes, or both — over one grain factory
/// (an Orleans client, or the silo itself when co-hosted) and one node server (logs, exec, attach, port-forward).
/// </summary>
public sealed partial class AgentHost(IGrainFactory grains, AgentOptions options, ILoggerFactory loggers) : BackgroundService
{
    private readonly ILogger _logger = loggers.CreateLogger<AgentHost>();
    private readonly List<NodeAgent> _agents = [];
    private readonly List<Task> _background = [];
    /// <summary>The Docker node's cluster DNS server; null without a Docker node.</summary>
    private ClusterDnsServer? _clusterDns;

    /// <summary>The agents once started (for tests and status output).</summary>
    public IReadOnlyList<NodeAgent> Agents => _agents;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var token = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
        await using var server = new NodeServer(options.Address, token, new NodeServerOptions { IdleTimeout = options.StreamingIdleTimeout }, _logger);
        var endpoint = new AgentEndpoint(server.BaseUrl, token);
        var clock = TimeProvider.System;
        // One view of the cluster's Service routes for every node of this process: pods read it for their
        // Service variables and resolv.conf; the Docker node's DNS server and proxy serve it.
        var directory = new ServiceDirectoryClient(grains, loggers.CreateLogger<ServiceDirectoryClient>());
        _background.Add(Contained("Service directory client", directory.Run(stoppingToken)));
        var nodeDns = File.Exists(options.ResolvConf) ? PodDns.ParseResolvConf(await File.ReadAllTextAsync(options.ResolvConf, stoppingToken)) : ResolverConfig.Empty;
        DockerRuntime? docker = null;

        if (options.DockerNodeName is { } nodeName)
        {
            docker = new DockerRuntime(options.ClusterId, nodeName, options.DockerEndpoint);
            var node = NodeDescription.ForThisHost(nodeName, options.Address, await docker.Version(stoppingToken), options.LocalPathFolder);
            // The tenant networks earlier agents made on this engine, for the rules and DNS listeners that follow them.
            await docker.Networks.Refresh(stoppingToken);
            // Before the node's pods, which wait for a complete view of the routes (Service variables, resolv.conf).
            var hostPorts = new PublishedHostPorts();
            var podRoutes = ServeNetworking(nodeName, directory, docker.Networks, hostPorts, stoppingToken);
            Add(node, docker, options.Address, podRoutes, hostPorts);
            LogDockerNode(_logger, nodeName);
        }
        for (var i = 0; i < options.SimulatedNodes; i++)
        {
            var name = SimulatedNodeNames.Of(options.SimulatedNodePrefix, i);
            // Hollow nodes get addresses of their own (never contacted) and the envelope of a typical machine.
            var address = $"10.{64 + i / 62500 % 64}.{i / 250 % 250}.{i % 250 + 2}";
            var node = NodeDescription.ForHost(name, address, "simulated://1.0", simulated: true, cpus: 4, memoryBytes: 16L << 30, options.LocalPathFolder);
            Add(node, new SimulatedRuntime($"10.{128 + i / 250 % 120}.{i % 250}"), address, directory);
        }
        if (options.SimulatedNodes > 0) LogSimulatedNodes(_logger, options.SimulatedNodes);

        server.Start();
        try
        {
            await Task.WhenAll(_agents.Select(a => a.Run(stoppingToken)).Concat(_background));
        }
        finally
        {
            if (_clusterDns is not null) await _clusterDns.DisposeAsync();
            docker?.Dispose();
        }

        void Add(Contracts.Model.Node node, IContainerRuntime runtime, string address, IServiceRoutes routes, PublishedHostPorts? hostPorts = null)
        {
            var cluster = new GrainClusterAccess(grains, node.Metadata.Name!);
            var volumes = new PodVolumes(cluster, options.DataDir, new ClaimVolumes(cluster, node, options.LocalPathFolder, makeFolders: runtime.ReadsPodFiles));
            if (runtime.ReadsPodFiles)
            {
                var sweeper = LocalVolumeSweeper.ForNode(options.LocalPathFolder, cluster, volumes, runtime, loggers.CreateLogger<LocalVolumeSweeper>());
                _background.Add(Contained($"Local volume sweep of node {node.Metadata.Name}", sweeper.Run(stoppingToken)));
            }
            var supervisor = new PodSupervisor(runtime, cluster, volumes, routes, nodeDns, address, clock, loggers.CreateLogger<PodSupervisor>(), hostPorts);
            _agents.Add(new NodeAgent(grains, node, endpoint, supervisor, loggers.CreateLogger<NodeAgent>()));
            server.AddNode(node.Metadata.Name!, runtime);
        }
    }

    /// <summary>
    /// A real node serves the cluster DNS to its pods from the routes (as CoreDNS does for a cluster, but per node,
    /// so that a pod's question never leaves its host) and is its own kube-proxy, keeping its iptables rules equal
    /// to them. Simulated nodes have no kernel of their own and get neither.
    /// </summary>
    /// <returns>The routes as the node's pods may use them (complete once the proxy's rules cover them).</returns>
    private IServiceRoutes ServeNetworking(string nodeName, IServiceRoutes directory, ITenantNetworks networks, IHostPortOwners hostPorts, CancellationToken stoppingToken)
    {
        var dnsPort = options.DnsPort > 0
            ? options.DnsPort
            : DnsPortFile.LoadOrChoose(Path.Combine(options.DataDir, $"dns-port-{nodeName}"), FreePorts.PickBelowEphemeral);
        _clusterDns = new ClusterDnsServer(directory, networks, new ClusterDnsOptions { Port = dnsPort }, loggers.CreateLogger<ClusterDnsServer>());
        _clusterDns.Start();
        LogClusterDns(_logger, nodeName, _clusterDns.Port);
        if (!options.ServiceProxy)
        {
            LogProxyOff(_logger, nodeName);
            return directory;
        }
        var proxy = new ServiceProxy(directory, networks, new ServiceProxyOptions
        {
            NodeName = nodeName,
            DnsPort = _clusterDns.Port,
            NodeAddresses = [options.Address],
            Chains = ProxyChainNames.For(options.ClusterId, nodeName),
        }, loggers.CreateLogger<ServiceProxy>(), hostPorts);
        _background.Add(Contained("Service proxy", proxy.Run(stoppingToken)));
        return new ProxiedServiceRoutes(directory, () => proxy.Covers(networks.Known));
    }

    /// <summary>A background part (networking, the local volume sweep) that fails is logged, never allowed to stop the node's pods.</summary>
    private async Task Contained(string part, Task running)
    {
        try
        {
            await running;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogNetworkingFailed(_logger, e, part);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "{Part} stopped with an error; pods keep running without it")]
    private static partial void LogNetworkingFailed(ILogger logger, Exception exception, string part);

    [LoggerMessage(Level = LogLevel.Information, Message = "Node {Node}: the Service proxy is off (--no-proxy)")]
    private static partial void LogProxyOff(ILogger logger, string node);

    [LoggerMessage(Level = LogLevel.Information, Message = "Node {Node} serves cluster DNS on port {Port} of its tenant networks' gateways")]
    private static partial void LogClusterDns(ILogger logger, string node, int port);

    [LoggerMessage(Level = LogLevel.Information, Message = "Node {Node} runs pods on the Docker engine")]
    private static partial void LogDockerNode(ILogger logger, string node);

    [LoggerMessage(Level = LogLevel.Information, Message = "Hosting {Count} simulated nodes")]
    private static partial void LogSimulatedNodes(ILogger logger, int count);
}
