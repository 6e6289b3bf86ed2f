namespace OrleansOrchestrator.Contracts.Model;

/// <summary>Keeps a number of pods made from one template running. Usually managed by a Deployment.</summary>
[GenerateSerializer, Immutable, Alias("oo.ReplicaSet")]
public sealed record ReplicaSet : KubeObject
{
    /// <summary>The desired pods.</summary>
    [Id(0)] public ReplicaSetSpec Spec { get; init; } = new();
    /// <summary>What was last observed of the pods. Written by the system.</summary>
    [Id(1)] public ReplicaSetStatus? Status { get; init; }
}

/// <summary>The desired pods of a ReplicaSet.</summary>
[GenerateSerializer, Immutable, Alias("oo.ReplicaSetSpec")]
public sealed record ReplicaSetSpec
{
    /// <summary>How many pods to run. Default 1.</summary>
    [Id(0)] public int? Replicas { get; init; }
    /// <summary>Seconds a new pod must be ready before it counts as available. Default 0.</summary>
    [Id(1)] public int? MinReadySeconds { get; init; }
    /// <summary>Which pods belong to the ReplicaSet; must match the labels of the template.</summary>
    [Id(2)] public LabelSelector? Selector { get; init; }
    /// <summary>The pod to run copies of. Changing it affects only pods created afterwards.</summary>
    [Id(3)] public PodTemplateSpec? Template { get; init; }
}

/// <summary>The observed pods of a ReplicaSet.</summary>
[GenerateSerializer, Immutable, Alias("oo.ReplicaSetStatus")]
public sealed record ReplicaSetStatus
{
    /// <summary>Pods of the ReplicaSet.</summary>
    [Id(0)] public int Replicas { get; init; }
    /// <summary>Pods whose labels match the template's.</summary>
    [Id(1)] public int? FullyLabeledReplicas { get; init; }
    /// <summary>Pods that are ready.</summary>
    [Id(2)] public int? ReadyReplicas { get; init; }
    /// <summary>Pods ready for at least <c>minReadySeconds</c>.</summary>
    [Id(3)] public int? AvailableReplicas { get; init; }
    /// <summary>The <c>metadata.generation</c> this status was computed from.</summary>
    [Id(4)] public long? ObservedGeneration { get; init; }
    /// <summary>Observations such as <c>ReplicaFailure</c>.</summary>
    [Id(5)] public IReadOnlyList<Condition>? Conditions { get; init; }
}
