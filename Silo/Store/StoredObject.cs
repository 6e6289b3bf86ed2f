using OrleansOrchestrator.Contracts.Model;

namespace OrleansOrchestrator.Silo.Store;

/// <summary>The durable state of an <see cref="ObjectGrain"/>: the object, or nothing once deleted.</summary>
[GenerateSerializer, Alias("oo.StoredObject")]
public sealed class StoredObject
{
    [Id(0)] public KubeObject? Object { get; set; }

    /// <summary>
    /// The row this state belongs to (its grain's key), not serialized: a writer names it so that a Secret is sealed
    /// for its own row, and a reader of a sealed Secret gets the row it was sealed for, to compare with the row it read.
    /// </summary>
    public string? RowKey { get => _rowKey; set => _rowKey = value; }

    [NonSerialized] private string? _rowKey;
}

/// <summary>The durable state of a <see cref="CollectionGrain"/>: a bound above every version it has handed out.</summary>
[GenerateSerializer, Alias("oo.CollectionState")]
public sealed class CollectionState
{
    [Id(0)] public long VersionCeiling { get; set; }
}
