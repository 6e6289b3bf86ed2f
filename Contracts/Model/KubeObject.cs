namespace OrleansOrchestrator.Contracts.Model;

/// <summary>
/// The common shape of every stored cluster object: type information, metadata, and (in the derived
/// record) the kind's own spec/status or data. The store handles objects through this base so that one
/// grain type serves every kind.
/// </summary>
[GenerateSerializer, Immutable, Alias("oo.KubeObject")]
public abstract record KubeObject
{
    [Id(0)] public string? ApiVersion { get; init; }
    [Id(1)] public string? Kind { get; init; }
    [Id(2)] public ObjectMeta Metadata { get; init; } = new();
}
