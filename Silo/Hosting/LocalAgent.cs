using OrleansOrchestrator.Agents.Hosting;
using OrleansOrchestrator.Agents.Runtime.Docker;

namespace OrleansOrchestrator.Silo.Hosting;

/// <summary>
/// The node agent the main command runs next to the control plane, in-process over the silo's own grain
/// factory: a Docker node when an engine answers, and any simulated nodes asked for.
/// </summary>
public static class LocalAgent
{
    private static readonly TimeSpan DockerProbeTimeout = TimeSpan.FromSeconds(3);

    /// <summary>Registers the agent if there is anything for it to run; returns the line the main command prints about it.</summary>
    public static async Task<string> Configure(IServiceCollection services, SiloOptions options)
    {
        string? dockerVersion = null;
        if (options.LocalAgent)
        {
            using var engine = new DockerRuntime(options.ClusterId, options.NodeName, options.DockerEndpoint);
            using var timeout = new CancellationTokenSource(DockerProbeTimeout);
            try { dockerVersion = await engine.Version(timeout.Token); }
            catch (Exception e) when (e is not OutOfMemoryException) { dockerVersion = null; }
        }
        var agent = new AgentOptions
        {
            ClusterId = options.ClusterId,
            DataDir = options.AgentDataDir,
            LocalPathRoot = options.LocalPathRoot,
            DockerNodeName = dockerVersion is null ? null : options.NodeName,
            DockerEndpoint = options.DockerEndpoint,
            SimulatedNodes = options.SimulatedNodes,
            SimulatedNodePrefix = options.SimulatedNodePrefix,
        };
        if (agent.DockerNodeName is not null || agent.SimulatedNodes > 0)
            services.AddHostedService(sp => new AgentHost(sp.GetRequiredService<IGrainFactory>(), agent, sp.GetRequiredService<ILoggerFactory>()));

        var docker = !options.LocalAgent ? "no local agent (--no-agent)"
            : dockerVersion is null ? $"no Docker engine reachable at {options.DockerEndpoint ?? DockerRuntime.DefaultEndpoint}: the control plane runs, pods wait for a node (start dockerd, or add --simulated-nodes N)"
            : $"node {options.NodeName} on {dockerVersion}";
        return options.SimulatedNodes > 0 ? $"{docker}; {options.SimulatedNodes} simulated nodes ({SimulatedNodeNames.Of(options.SimulatedNodePrefix, 0)}, …)" : docker;
    }
}
