namespace OrleansOrchestrator.Contracts.Model;

/// <summary>Data every object carries: its name and namespace, labels and annotations, owners, and the versions and times the server keeps.</summary>
/// <remarks>Kubernetes <c>metav1.ObjectMeta</c>.</remarks>
[GenerateSerializer, Immutable, Alias("oo.ObjectMeta")]
public sealed record ObjectMeta
{
    /// <summary>The object's name, unique among objects of its kind in its namespace; it cannot be changed.</summary>
    [Id(0)] public string? Name { get; init; }
    /// <summary>A prefix from which the server makes a unique name when <c>name</c> is empty, by appending random characters.</summary>
    [Id(1)] public string? GenerateName { get; init; }
    /// <summary>The namespace the object lives in; empty for cluster-wide kinds such as Node and Namespace.</summary>
    [Id(2)] public string? Namespace { get; init; }
    /// <summary>A unique id the server assigns at creation; never reused, even for a later object of the same name.</summary>
    [Id(3)] public string? Uid { get; init; }
    /// <summary>An opaque version the server changes on every write. Send it back on an update to refuse the write if someone else changed the object first; watches and lists resume from it.</summary>
    [Id(4)] public string? ResourceVersion { get; init; }
    /// <summary>A number the server increases each time the desired state (spec) changes.</summary>
    [Id(5)] public long? Generation { get; init; }
    /// <summary>When the server stored the object (UTC). Set by the server.</summary>
    [Id(6)] public DateTimeOffset? CreationTimestamp { get; init; }
    /// <summary>When deletion was requested; the object stays until its finalizers are gone and its grace period is over. Set by the server.</summary>
    [Id(7)] public DateTimeOffset? DeletionTimestamp { get; init; }
    /// <summary>How many seconds the object was given to end gracefully once deletion was requested. Set by the server.</summary>
    [Id(8)] public long? DeletionGracePeriodSeconds { get; init; }
    /// <summary>Key/value pairs to organise and select objects; selectors of services and workloads match on them.</summary>
    [Id(9)] public IReadOnlyDictionary<string, string>? Labels { get; init; }
    /// <summary>Key/value pairs for tools and people; not used for selection.</summary>
    [Id(10)] public IReadOnlyDictionary<string, string>? Annotations { get; init; }
    /// <summary>The objects this one belongs to. When every owner is deleted, the garbage collector deletes this object too.</summary>
    [Id(11)] public IReadOnlyList<OwnerReference>? OwnerReferences { get; init; }
    /// <summary>Names of cleanups that must finish before the object is removed; deletion waits until this list is empty.</summary>
    [Id(12)] public IReadOnlyList<string>? Finalizers { get; init; }
}

/// <summary>Points to an object that owns this one.</summary>
[GenerateSerializer, Immutable, Alias("oo.OwnerReference")]
public sealed record OwnerReference
{
    /// <summary>API version of the owner.</summary>
    [Id(0)] public string ApiVersion { get; init; } = "";
    /// <summary>Kind of the owner.</summary>
    [Id(1)] public string Kind { get; init; } = "";
    /// <summary>Name of the owner.</summary>
    [Id(2)] public string Name { get; init; } = "";
    /// <summary>Unique id of the owner; the reference holds only for that very object.</summary>
    [Id(3)] public string Uid { get; init; } = "";
    /// <summary>Marks the owner that manages this object; at most one owner is the controller.</summary>
    [Id(4)] public bool? Controller { get; init; }
    /// <summary>When true, a foreground deletion of the owner waits until this object is gone.</summary>
    [Id(5)] public bool? BlockOwnerDeletion { get; init; }
}

/// <summary>One observation about the object's state: what was checked, its status, why, and since when.</summary>
/// <remarks>
/// One record for every kind's conditions: Kubernetes' condition types differ only in which timestamps
/// they carry, and unset ones are omitted on the wire.
/// </remarks>
[GenerateSerializer, Immutable, Alias("oo.Condition")]
public sealed record Condition
{
    /// <summary>The aspect of the object this condition reports, e.g. <c>Ready</c> or <c>Available</c>.</summary>
    [Id(0)] public string Type { get; init; } = "";
    /// <summary><c>True</c>, <c>False</c> or <c>Unknown</c>.</summary>
    [Id(1)] public string Status { get; init; } = "Unknown";
    /// <summary>A one-word CamelCase cause of the last change of status.</summary>
    [Id(2)] public string? Reason { get; init; }
    /// <summary>A human-readable explanation of the last change.</summary>
    [Id(3)] public string? Message { get; init; }
    /// <summary>When the status last changed.</summary>
    [Id(4)] public DateTimeOffset? LastTransitionTime { get; init; }
    /// <summary>When the condition was last written.</summary>
    [Id(5)] public DateTimeOffset? LastUpdateTime { get; init; }
    /// <summary>When the condition was last checked.</summary>
    [Id(6)] public DateTimeOffset? LastProbeTime { get; init; }
    /// <summary>When the node last reported this condition.</summary>
    [Id(7)] public DateTimeOffset? LastHeartbeatTime { get; init; }
    /// <summary>The object's <c>metadata.generation</c> the condition was computed from.</summary>
    [Id(8)] public long? ObservedGeneration { get; init; }
}

/// <summary>Selects objects by their labels. An empty selector selects every object; all given terms must hold.</summary>
/// <remarks><c>metav1.LabelSelector</c>.</remarks>
[GenerateSerializer, Immutable, Alias("oo.LabelSelector")]
public sealed record LabelSelector
{
    /// <summary>Labels an object must carry with exactly these values.</summary>
    [Id(0)] public IReadOnlyDictionary<string, string>? MatchLabels { get; init; }
    /// <summary>Further requirements on labels; an object must satisfy all of them.</summary>
    [Id(1)] public IReadOnlyList<LabelSelectorRequirement>? MatchExpressions { get; init; }
}

/// <summary>One requirement on a label: its key, an operator and values.</summary>
[GenerateSerializer, Immutable, Alias("oo.LabelSelectorRequirement")]
public sealed record LabelSelectorRequirement
{
    /// <summary>The label key the requirement is about.</summary>
    [Id(0)] public string Key { get; init; } = "";
    /// <summary>How the key relates to the values: <c>In</c>, <c>NotIn</c>, <c>Exists</c> or <c>DoesNotExist</c>.</summary>
    [Id(1)] public string Operator { get; init; } = "";
    /// <summary>The values for <c>In</c> and <c>NotIn</c>; empty for <c>Exists</c> and <c>DoesNotExist</c>.</summary>
    [Id(2)] public IReadOnlyList<string>? Values { get; init; }
}

/// <summary>Points to another object, or a part of it.</summary>
/// <remarks><c>v1.ObjectReference</c>, as Events and Endpoints use it.</remarks>
[GenerateSerializer, Immutable, Alias("oo.ObjectReference")]
public sealed record ObjectReference
{
    /// <summary>Kind of the referred object.</summary>
    [Id(0)] public string? Kind { get; init; }
    /// <summary>Namespace of the referred object.</summary>
    [Id(1)] public string? Namespace { get; init; }
    /// <summary>Name of the referred object.</summary>
    [Id(2)] public string? Name { get; init; }
    /// <summary>Unique id of the referred object.</summary>
    [Id(3)] public string? Uid { get; init; }
    /// <summary>API version of the referred object.</summary>
    [Id(4)] public string? ApiVersion { get; init; }
    /// <summary>The referred object's resource version when the reference was made.</summary>
    [Id(5)] public string? ResourceVersion { get; init; }
    /// <summary>A part of the referred object, e.g. <c>spec.containers{web}</c> for one container of a pod.</summary>
    [Id(6)] public string? FieldPath { get; init; }
}
