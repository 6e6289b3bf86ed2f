namespace OrleansOrchestrator.Contracts.Model;

/// <summary>A scope for names: objects of one kind must have unique names within a namespace. Deleting a namespace deletes everything in it.</summary>
[GenerateSerializer, Immutable, Alias("oo.Namespace")]
public sealed record Namespace : KubeObject
{
    /// <summary>How the namespace is finalized.</summary>
    [Id(0)] public NamespaceSpec? Spec { get; init; }
    /// <summary>What was last observed of the namespace. Written by the system.</summary>
    [Id(1)] public NamespaceStatus? Status { get; init; }
}

/// <summary>The desired state of a namespace.</summary>
[GenerateSerializer, Immutable, Alias("oo.NamespaceSpec")]
public sealed record NamespaceSpec
{
    /// <summary>Cleanups that must finish before the namespace is removed.</summary>
    [Id(0)] public IReadOnlyList<string>? Finalizers { get; init; }
}

/// <summary>The observed state of a namespace.</summary>
[GenerateSerializer, Immutable, Alias("oo.NamespaceStatus")]
public sealed record NamespaceStatus
{
    /// <summary><c>Active</c>, or <c>Terminating</c> while its objects are being deleted.</summary>
    [Id(0)] public string? Phase { get; init; }
    /// <summary>Observations about the namespace, e.g. why its deletion is stuck.</summary>
    [Id(1)] public IReadOnlyList<Condition>? Conditions { get; init; }
}
