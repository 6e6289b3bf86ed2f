using OrleansOrchestrator.Contracts.Model;

namespace OrleansOrchestrator.Silo.Store;

/// <summary>The durable state of an <see cref="ObjectGrain"/>: the object, or nothing once deleted.</summary>
[GenerateSerializer, Alias("oo.StoredObject")]
public sealed class StoredObject
{
    [Id(0)] public KubeObject? Object { get; set; }
}

/// <summary>The durable state of a <see cref="CollectionGrain"/>: a bound above every version it has handed out.</summary>
[GenerateSerializer, Alias("oo.CollectionState")]
public sealed class CollectionState
{
    [Id(0)] public long VersionCeiling { get; set; }
}
