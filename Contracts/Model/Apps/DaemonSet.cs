namespace OrleansOrchestrator.Contracts.Model;

/// <summary>Runs one copy of a pod on every eligible node (by node selector, affinity and tolerations), including nodes that join later: for agents, log collectors and the like.</summary>
/// <remarks><c>apps/v1</c> DaemonSet.</remarks>
[GenerateSerializer, Immutable, Alias("oo.DaemonSet")]
public sealed record DaemonSet : KubeObject
{
    /// <summary>The pod to run on each node and how it is updated.</summary>
    [Id(0)] public DaemonSetSpec Spec { get; init; } = new();
    /// <summary>What was last observed of the pods. Written by the system.</summary>
    [Id(1)] public DaemonSetStatus? Status { get; init; }
}

/// <summary>The pod a DaemonSet runs on each node.</summary>
[GenerateSerializer, Immutable, Alias("oo.DaemonSetSpec")]
public sealed record DaemonSetSpec
{
    /// <summary>Which pods belong to the DaemonSet; must match the labels of the template. Fixed once created.</summary>
    [Id(0)] public LabelSelector? Selector { get; init; }
    /// <summary>The pod each eligible node runs.</summary>
    [Id(1)] public PodTemplateSpec Template { get; init; } = new();
    /// <summary>How pods are replaced when the template changes.</summary>
    [Id(2)] public DaemonSetUpdateStrategy? UpdateStrategy { get; init; }
    /// <summary>Seconds a new pod must be ready before it counts as available. Default 0.</summary>
    [Id(3)] public int? MinReadySeconds { get; init; }
    /// <summary>How many old revisions are kept for rollback. Default 10.</summary>
    [Id(4)] public int? RevisionHistoryLimit { get; init; }
}

/// <summary>How a DaemonSet replaces its pods.</summary>
[GenerateSerializer, Immutable, Alias("oo.DaemonSetUpdateStrategy")]
public sealed record DaemonSetUpdateStrategy
{
    /// <summary><c>RollingUpdate</c> (default) or <c>OnDelete</c> (only pods you delete are replaced).</summary>
    [Id(0)] public string? Type { get; init; }
    /// <summary>Limits of a rolling update.</summary>
    [Id(1)] public RollingUpdateDaemonSet? RollingUpdate { get; init; }
}

/// <summary>Limits of a DaemonSet's rolling update.</summary>
[GenerateSerializer, Immutable, Alias("oo.RollingUpdateDaemonSet")]
public sealed record RollingUpdateDaemonSet
{
    /// <summary>How many nodes' pods may be unavailable during the update: a number or a percentage. Default 1.</summary>
    [Id(0)] public IntOrString? MaxUnavailable { get; init; }
    /// <summary>How many nodes may run an old and a new pod at once: a number or a percentage. Default 0.</summary>
    [Id(1)] public IntOrString? MaxSurge { get; init; }
}

/// <summary>The observed pods of a DaemonSet.</summary>
[GenerateSerializer, Immutable, Alias("oo.DaemonSetStatus")]
public sealed record DaemonSetStatus
{
    /// <summary>Nodes running at least one of the pods that should.</summary>
    [Id(0)] public int CurrentNumberScheduled { get; init; }
    /// <summary>Nodes running a pod that should not.</summary>
    [Id(1)] public int NumberMisscheduled { get; init; }
    /// <summary>Nodes that should run the pod.</summary>
    [Id(2)] public int DesiredNumberScheduled { get; init; }
    /// <summary>Nodes whose pod is ready.</summary>
    [Id(3)] public int NumberReady { get; init; }
    /// <summary>The <c>metadata.generation</c> this status was computed from.</summary>
    [Id(4)] public long? ObservedGeneration { get; init; }
    /// <summary>Nodes running the current template's pod.</summary>
    [Id(5)] public int? UpdatedNumberScheduled { get; init; }
    /// <summary>Nodes whose pod has been ready for <c>minReadySeconds</c>.</summary>
    [Id(6)] public int? NumberAvailable { get; init; }
    /// <summary>Nodes that should run an available pod and do not.</summary>
    [Id(7)] public int? NumberUnavailable { get; init; }
    /// <summary>Counts clashes of revision hashes; mixed into the next revision's name.</summary>
    [Id(8)] public int? CollisionCount { get; init; }
    /// <summary>Observations about the DaemonSet.</summary>
    [Id(9)] public IReadOnlyList<Condition>? Conditions { get; init; }
}
