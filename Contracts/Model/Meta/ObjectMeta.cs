namespace OrleansOrchestrator.Contracts.Model;

/// <summary>Kubernetes <c>metav1.ObjectMeta</c>: the fields every stored object carries.</summary>
[GenerateSerializer, Immutable, Alias("oo.ObjectMeta")]
public sealed record ObjectMeta
{
    [Id(0)] public string? Name { get; init; }
    [Id(1)] public string? GenerateName { get; init; }
    [Id(2)] public string? Namespace { get; init; }
    [Id(3)] public string? Uid { get; init; }
    [Id(4)] public string? ResourceVersion { get; init; }
    [Id(5)] public long? Generation { get; init; }
    [Id(6)] public DateTimeOffset? CreationTimestamp { get; init; }
    [Id(7)] public DateTimeOffset? DeletionTimestamp { get; init; }
    [Id(8)] public long? DeletionGracePeriodSeconds { get; init; }
    [Id(9)] public IReadOnlyDictionary<string, string>? Labels { get; init; }
    [Id(10)] public IReadOnlyDictionary<string, string>? Annotations { get; init; }
    [Id(11)] public IReadOnlyList<OwnerReference>? OwnerReferences { get; init; }
    [Id(12)] public IReadOnlyList<string>? Finalizers { get; init; }
}

[GenerateSerializer, Immutable, Alias("oo.OwnerReference")]
public sealed record OwnerReference
{
    [Id(0)] public string ApiVersion { get; init; } = "";
    [Id(1)] public string Kind { get; init; } = "";
    [Id(2)] public string Name { get; init; } = "";
    [Id(3)] public string Uid { get; init; } = "";
    [Id(4)] public bool? Controller { get; init; }
    [Id(5)] public bool? BlockOwnerDeletion { get; init; }
}

/// <summary>
/// One record for every kind's conditions: Kubernetes' condition types differ only in which timestamps
/// they carry, and unset ones are omitted on the wire.
/// </summary>
[GenerateSerializer, Immutable, Alias("oo.Condition")]
public sealed record Condition
{
    [Id(0)] public string Type { get; init; } = "";
    [Id(1)] public string Status { get; init; } = "Unknown";
    [Id(2)] public string? Reason { get; init; }
    [Id(3)] public string? Message { get; init; }
    [Id(4)] public DateTimeOffset? LastTransitionTime { get; init; }
    [Id(5)] public DateTimeOffset? LastUpdateTime { get; init; }
    [Id(6)] public DateTimeOffset? LastProbeTime { get; init; }
    [Id(7)] public DateTimeOffset? LastHeartbeatTime { get; init; }
    [Id(8)] public long? ObservedGeneration { get; init; }
}

/// <summary><c>metav1.LabelSelector</c>.</summary>
[GenerateSerializer, Immutable, Alias("oo.LabelSelector")]
public sealed record LabelSelector
{
    [Id(0)] public IReadOnlyDictionary<string, string>? MatchLabels { get; init; }
    [Id(1)] public IReadOnlyList<LabelSelectorRequirement>? MatchExpressions { get; init; }
}

[GenerateSerializer, Immutable, Alias("oo.LabelSelectorRequirement")]
public sealed record LabelSelectorRequirement
{
    [Id(0)] public string Key { get; init; } = "";
    [Id(1)] public string Operator { get; init; } = "";
    [Id(2)] public IReadOnlyList<string>? Values { get; init; }
}

/// <summary><c>v1.ObjectReference</c>, as Events and Endpoints use it.</summary>
[GenerateSerializer, Immutable, Alias("oo.ObjectReference")]
public sealed record ObjectReference
{
    [Id(0)] public string? Kind { get; init; }
    [Id(1)] public string? Namespace { get; init; }
    [Id(2)] public string? Name { get; init; }
    [Id(3)] public string? Uid { get; init; }
    [Id(4)] public string? ApiVersion { get; init; }
    [Id(5)] public string? ResourceVersion { get; init; }
    [Id(6)] public string? FieldPath { get; init; }
}
