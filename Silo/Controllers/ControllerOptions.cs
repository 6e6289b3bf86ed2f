namespace OrleansOrchestrator.Silo.Controllers;

/// <summary>Timings of the control loops; the defaults are Kubernetes' own.</summary>
public sealed record ControllerOptions
{
    /// <summary>A node whose agent has not heartbeated for this long is marked Ready=Unknown and unreachable.</summary>
    public TimeSpan NodeMonitorGracePeriod { get; init; } = TimeSpan.FromSeconds(40);

    /// <summary>
    /// The older flag (<c>--pod-eviction-timeout</c>) for how long a pod stays on a node that failed: it is the default of
    /// both toleration seconds below when they are not set themselves.
    /// </summary>
    public TimeSpan PodEvictionTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>kube-apiserver's <c>--default-not-ready-toleration-seconds</c>: set, it wins over <see cref="PodEvictionTimeout"/>.</summary>
    public long? DefaultNotReadyTolerationSeconds { get; init; }

    /// <summary>kube-apiserver's <c>--default-unreachable-toleration-seconds</c>: set, it wins over <see cref="PodEvictionTimeout"/>.</summary>
    public long? DefaultUnreachableTolerationSeconds { get; init; }

    /// <summary>The <c>tolerationSeconds</c> a new pod is given for <c>node.kubernetes.io/not-ready:NoExecute</c>.</summary>
    public long NotReadyTolerationSeconds => DefaultNotReadyTolerationSeconds ?? (long)PodEvictionTimeout.TotalSeconds;

    /// <summary>The <c>tolerationSeconds</c> a new pod is given for <c>node.kubernetes.io/unreachable:NoExecute</c>.</summary>
    public long UnreachableTolerationSeconds => DefaultUnreachableTolerationSeconds ?? (long)PodEvictionTimeout.TotalSeconds;

    /// <summary>Events are kept this long after they last happened (Kubernetes' default is one hour).</summary>
    public TimeSpan EventTtl { get; init; } = TimeSpan.FromHours(1);

    /// <summary>
    /// How often the cluster-wide loops run: the node lifecycle checks heartbeats and evictions this often (Kubernetes'
    /// <c>--node-monitor-period</c>, 5 s), so a silent node is Unknown within grace period + this.
    /// </summary>
    public TimeSpan ClusterSweep { get; init; } = TimeSpan.FromSeconds(5);
}
