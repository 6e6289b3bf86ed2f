namespace OrleansOrchestrator.Contracts.Model;

[GenerateSerializer, Immutable, Alias("oo.Namespace")]
public sealed record Namespace : KubeObject
{
    [Id(0)] public NamespaceSpec? Spec { get; init; }
    [Id(1)] public NamespaceStatus? Status { get; init; }
}

[GenerateSerializer, Immutable, Alias("oo.NamespaceSpec")]
public sealed record NamespaceSpec
{
    [Id(0)] public IReadOnlyList<string>? Finalizers { get; init; }
}

[GenerateSerializer, Immutable, Alias("oo.NamespaceStatus")]
public sealed record NamespaceStatus
{
    [Id(0)] public string? Phase { get; init; }
    [Id(1)] public IReadOnlyList<Condition>? Conditions { get; init; }
}
