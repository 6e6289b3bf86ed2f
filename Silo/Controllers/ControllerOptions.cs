namespace OrleansOrchestrator.Silo.Controllers;

/// <summary>Timings of the control loops; the defaults are Kubernetes' own.</summary>
public sealed record ControllerOptions
{
    /// <summary>A node whose agent has not heartbeated for this long is marked Ready=Unknown and unreachable.</summary>
    public TimeSpan NodeMonitorGracePeriod { get; init; } = TimeSpan.FromSeconds(40);

    /// <summary>The pods of a node unreachable for this long are deleted, so their controllers replace them elsewhere.</summary>
    public TimeSpan PodEvictionTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Events are kept this long after they last happened (Kubernetes' default is one hour).</summary>
    public TimeSpan EventTtl { get; init; } = TimeSpan.FromHours(1);

    /// <summary>How often the cluster-wide loops (node lifecycle, resync of every workload) run.</summary>
    public TimeSpan ClusterSweep { get; init; } = TimeSpan.FromSeconds(5);
}
