using OrleansOrchestrator.Silo.Store;

namespace OrleansOrchestrator.Silo.Storage;

/// <summary>
/// Where an object grain keeps its object: the row Orleans' ADO.NET grain storage would keep for the state
/// <see cref="StorageNames.ObjectState"/> of the grain's string key (same table, same columns, same payload
/// serializer, same version-as-ETag contract), so that <see cref="AdoNetStoredObjectReader"/> reads what
/// either wrote. A completed <see cref="Write"/> or <see cref="Clear"/> is durable.
/// </summary>
public interface IObjectStorage
{
    /// <summary>The stored state and its ETag; a null ETag when the row does not exist.</summary>
    Task<(StoredObject State, string? ETag)> Read(GrainId grain, string key);

    /// <summary>Stores <paramref name="state"/> if the row is still at <paramref name="etag"/>; returns the new ETag.</summary>
    /// <exception cref="InconsistentStateException">The row moved on (another activation wrote it).</exception>
    Task<string> Write(GrainId grain, string key, StoredObject state, string? etag);

    /// <summary>Empties the row (the object is deleted; the row and its version stay), if still at <paramref name="etag"/>.</summary>
    /// <exception cref="InconsistentStateException">The row moved on.</exception>
    Task<string?> Clear(GrainId grain, string key, string? etag);
}
