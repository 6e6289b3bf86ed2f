namespace OrleansOrchestrator.Contracts.Model;

[GenerateSerializer, Immutable, Alias("oo.ReplicaSet")]
public sealed record ReplicaSet : KubeObject
{
    [Id(0)] public ReplicaSetSpec Spec { get; init; } = new();
    [Id(1)] public ReplicaSetStatus? Status { get; init; }
}

[GenerateSerializer, Immutable, Alias("oo.ReplicaSetSpec")]
public sealed record ReplicaSetSpec
{
    [Id(0)] public int? Replicas { get; init; }
    [Id(1)] public int? MinReadySeconds { get; init; }
    [Id(2)] public LabelSelector? Selector { get; init; }
    [Id(3)] public PodTemplateSpec? Template { get; init; }
}

[GenerateSerializer, Immutable, Alias("oo.ReplicaSetStatus")]
public sealed record ReplicaSetStatus
{
    [Id(0)] public int Replicas { get; init; }
    [Id(1)] public int? FullyLabeledReplicas { get; init; }
    [Id(2)] public int? ReadyReplicas { get; init; }
    [Id(3)] public int? AvailableReplicas { get; init; }
    [Id(4)] public long? ObservedGeneration { get; init; }
    [Id(5)] public IReadOnlyList<Condition>? Conditions { get; init; }
}
