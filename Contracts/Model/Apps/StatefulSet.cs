namespace OrleansOrchestrator.Contracts.Model;

/// <summary>Runs pods with stable identities: each gets a fixed ordinal name (<c>web-0</c>, <c>web-1</c> and so on) and keeps its own storage from the claim templates across restarts.</summary>
[GenerateSerializer, Immutable, Alias("oo.StatefulSet")]
public sealed record StatefulSet : KubeObject
{
    /// <summary>The desired pods, their storage and how they are updated.</summary>
    [Id(0)] public StatefulSetSpec Spec { get; init; } = new();
    /// <summary>What was last observed of the pods. Written by the system.</summary>
    [Id(1)] public StatefulSetStatus? Status { get; init; }
}

/// <summary>The desired pods of a StatefulSet.</summary>
[GenerateSerializer, Immutable, Alias("oo.StatefulSetSpec")]
public sealed record StatefulSetSpec
{
    /// <summary>How many pods to run. Default 1.</summary>
    [Id(0)] public int? Replicas { get; init; }
    /// <summary>Which pods belong to the StatefulSet; must match the labels of the template.</summary>
    [Id(1)] public LabelSelector? Selector { get; init; }
    /// <summary>The pod each ordinal runs.</summary>
    [Id(2)] public PodTemplateSpec Template { get; init; } = new();
    /// <summary>One claim per pod and template (e.g. <c>www-web-0</c> for template <c>www</c> and pod <c>web-0</c>), kept across restarts; containers mount it by the template's name.</summary>
    [Id(3)] public IReadOnlyList<PersistentVolumeClaim>? VolumeClaimTemplates { get; init; }
    /// <summary>The headless service that gives each pod its DNS name.</summary>
    [Id(4)] public string? ServiceName { get; init; }
    /// <summary><c>OrderedReady</c> (default: pods start and stop one at a time, in order) or <c>Parallel</c>.</summary>
    [Id(5)] public string? PodManagementPolicy { get; init; }
    /// <summary>How pods are replaced when the template changes.</summary>
    [Id(6)] public StatefulSetUpdateStrategy? UpdateStrategy { get; init; }
    /// <summary>How many old revisions are kept. Default 10.</summary>
    [Id(7)] public int? RevisionHistoryLimit { get; init; }
    /// <summary>Seconds a new pod must be ready before it counts as available. Default 0.</summary>
    [Id(8)] public int? MinReadySeconds { get; init; }
    /// <summary>Whether claims are kept or deleted when the StatefulSet is deleted or scaled down.</summary>
    [Id(9)] public StatefulSetPersistentVolumeClaimRetentionPolicy? PersistentVolumeClaimRetentionPolicy { get; init; }
    /// <summary>Where pod numbering starts.</summary>
    [Id(10)] public StatefulSetOrdinals? Ordinals { get; init; }
}

/// <summary>How a StatefulSet replaces pods.</summary>
[GenerateSerializer, Immutable, Alias("oo.StatefulSetUpdateStrategy")]
public sealed record StatefulSetUpdateStrategy
{
    /// <summary><c>RollingUpdate</c> (default: from the highest ordinal down) or <c>OnDelete</c> (only pods you delete are replaced).</summary>
    [Id(0)] public string? Type { get; init; }
    /// <summary>Limits of a rolling update.</summary>
    [Id(1)] public RollingUpdateStatefulSetStrategy? RollingUpdate { get; init; }
}

/// <summary>Limits of a StatefulSet's rolling update.</summary>
[GenerateSerializer, Immutable, Alias("oo.RollingUpdateStatefulSetStrategy")]
public sealed record RollingUpdateStatefulSetStrategy
{
    /// <summary>Only pods with an ordinal at or above this number are updated. Default 0.</summary>
    [Id(0)] public int? Partition { get; init; }
    /// <summary>How many pods may be unavailable during the update: a number or a percentage. Default 1.</summary>
    [Id(1)] public IntOrString? MaxUnavailable { get; init; }
}

/// <summary>What happens to the claims of a StatefulSet's pods.</summary>
[GenerateSerializer, Immutable, Alias("oo.StatefulSetPersistentVolumeClaimRetentionPolicy")]
public sealed record StatefulSetPersistentVolumeClaimRetentionPolicy
{
    /// <summary>When the StatefulSet is deleted: <c>Retain</c> (default) or <c>Delete</c>.</summary>
    [Id(0)] public string? WhenDeleted { get; init; }
    /// <summary>When pods go on scale-down: <c>Retain</c> (default) or <c>Delete</c>.</summary>
    [Id(1)] public string? WhenScaled { get; init; }
}

/// <summary>The numbering of a StatefulSet's pods.</summary>
[GenerateSerializer, Immutable, Alias("oo.StatefulSetOrdinals")]
public sealed record StatefulSetOrdinals
{
    /// <summary>The first ordinal. Default 0.</summary>
    [Id(0)] public int? Start { get; init; }
}

/// <summary>The observed pods of a StatefulSet.</summary>
[GenerateSerializer, Immutable, Alias("oo.StatefulSetStatus")]
public sealed record StatefulSetStatus
{
    /// <summary>The <c>metadata.generation</c> this status was computed from.</summary>
    [Id(0)] public long? ObservedGeneration { get; init; }
    /// <summary>Pods of the StatefulSet.</summary>
    [Id(1)] public int Replicas { get; init; }
    /// <summary>Pods that are ready.</summary>
    [Id(2)] public int? ReadyReplicas { get; init; }
    /// <summary>Pods of the current revision.</summary>
    [Id(3)] public int? CurrentReplicas { get; init; }
    /// <summary>Pods of the update revision.</summary>
    [Id(4)] public int? UpdatedReplicas { get; init; }
    /// <summary>The revision of the pods from ordinal 0 up to the current replica count.</summary>
    [Id(5)] public string? CurrentRevision { get; init; }
    /// <summary>The revision the pods are being updated to.</summary>
    [Id(6)] public string? UpdateRevision { get; init; }
    /// <summary>Counts clashes of revision hashes; mixed into the next revision's name.</summary>
    [Id(7)] public int? CollisionCount { get; init; }
    /// <summary>Pods ready for at least <c>minReadySeconds</c>.</summary>
    [Id(8)] public int? AvailableReplicas { get; init; }
    /// <summary>Observations about the StatefulSet.</summary>
    [Id(9)] public IReadOnlyList<Condition>? Conditions { get; init; }
}
