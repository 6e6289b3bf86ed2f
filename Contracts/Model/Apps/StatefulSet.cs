namespace OrleansOrchestrator.Contracts.Model;

[GenerateSerializer, Immutable, Alias("oo.StatefulSet")]
public sealed record StatefulSet : KubeObject
{
    [Id(0)] public StatefulSetSpec Spec { get; init; } = new();
    [Id(1)] public StatefulSetStatus? Status { get; init; }
}

[GenerateSerializer, Immutable, Alias("oo.StatefulSetSpec")]
public sealed record StatefulSetSpec
{
    [Id(0)] public int? Replicas { get; init; }
    [Id(1)] public LabelSelector? Selector { get; init; }
    [Id(2)] public PodTemplateSpec Template { get; init; } = new();
    [Id(3)] public IReadOnlyList<PersistentVolumeClaim>? VolumeClaimTemplates { get; init; }
    [Id(4)] public string? ServiceName { get; init; }
    [Id(5)] public string? PodManagementPolicy { get; init; }
    [Id(6)] public StatefulSetUpdateStrategy? UpdateStrategy { get; init; }
    [Id(7)] public int? RevisionHistoryLimit { get; init; }
    [Id(8)] public int? MinReadySeconds { get; init; }
    [Id(9)] public StatefulSetPersistentVolumeClaimRetentionPolicy? PersistentVolumeClaimRetentionPolicy { get; init; }
    [Id(10)] public StatefulSetOrdinals? Ordinals { get; init; }
}

[GenerateSerializer, Immutable, Alias("oo.StatefulSetUpdateStrategy")]
public sealed record StatefulSetUpdateStrategy
{
    [Id(0)] public string? Type { get; init; }
    [Id(1)] public RollingUpdateStatefulSetStrategy? RollingUpdate { get; init; }
}

[GenerateSerializer, Immutable, Alias("oo.RollingUpdateStatefulSetStrategy")]
public sealed record RollingUpdateStatefulSetStrategy
{
    [Id(0)] public int? Partition { get; init; }
    [Id(1)] public IntOrString? MaxUnavailable { get; init; }
}

[GenerateSerializer, Immutable, Alias("oo.StatefulSetPersistentVolumeClaimRetentionPolicy")]
public sealed record StatefulSetPersistentVolumeClaimRetentionPolicy
{
    [Id(0)] public string? WhenDeleted { get; init; }
    [Id(1)] public string? WhenScaled { get; init; }
}

[GenerateSerializer, Immutable, Alias("oo.StatefulSetOrdinals")]
public sealed record StatefulSetOrdinals
{
    [Id(0)] public int? Start { get; init; }
}

[GenerateSerializer, Immutable, Alias("oo.StatefulSetStatus")]
public sealed record StatefulSetStatus
{
    [Id(0)] public long? ObservedGeneration { get; init; }
    [Id(1)] public int Replicas { get; init; }
    [Id(2)] public int? ReadyReplicas { get; init; }
    [Id(3)] public int? CurrentReplicas { get; init; }
    [Id(4)] public int? UpdatedReplicas { get; init; }
    [Id(5)] public string? CurrentRevision { get; init; }
    [Id(6)] public string? UpdateRevision { get; init; }
    [Id(7)] public int? CollisionCount { get; init; }
    [Id(8)] public int? AvailableReplicas { get; init; }
    [Id(9)] public IReadOnlyList<Condition>? Conditions { get; init; }
}
