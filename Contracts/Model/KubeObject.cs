namespace OrleansOrchestrator.Contracts.Model;

/// <summary>
/// The common shape of every stored cluster object: type information, metadata, and (in the derived
/// record) the kind's own spec/status or data. The store handles objects through this base so that one
/// grain type serves every kind.
/// </summary>
[GenerateSerializer, Immutable, Alias("oo.KubeObject")]
public abstract record KubeObject
{
    /// <summary>The API group and version this object is written in, e.g. <c>v1</c> or <c>apps/v1</c>.</summary>
    [Id(0)] public string? ApiVersion { get; init; }
    /// <summary>The kind of object, in CamelCase, e.g. <c>Pod</c>; fixed once the object exists.</summary>
    [Id(1)] public string? Kind { get; init; }
    /// <summary>The object's name, namespace, labels, annotations and the bookkeeping the server keeps on it.</summary>
    [Id(2)] public ObjectMeta Metadata { get; init; } = new();
}
