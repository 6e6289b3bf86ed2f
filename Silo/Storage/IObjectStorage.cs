using OrleansOrchestrator.Contracts.Store;
using OrleansOrchestrator.Silo.Store;

namespace OrleansOrchestrator.Silo.Storage;

/// <summary>
/// Where the store's grains keep their durable state: the rows Orleans' ADO.NET grain storage would keep
/// (same table, same columns, same payload serializer, same version-as-ETag contract; the state name in
/// <c>GrainTypeString</c>, the grain's string key in <c>GrainIdExtensionString</c>), so that
/// <see cref="AdoNetStoredObjectReader"/> and Orleans itself read what either wrote. A completed write or
/// clear is durable.
/// </summary>
public interface IObjectStorage
{
    /// <summary>The stored state (a new one when there is none) and its ETag; a null ETag when the row does not exist.</summary>
    Task<(T State, string? ETag)> ReadState<T>(string stateName, GrainId grain, string key) where T : class, new();

    /// <summary>Stores <paramref name="state"/> if the row is still at <paramref name="etag"/>; returns the new ETag.</summary>
    /// <exception cref="InconsistentStateException">The row moved on (another activation wrote it).</exception>
    Task<string> WriteState<T>(string stateName, GrainId grain, string key, T state, string? etag) where T : class, new();

    /// <summary>Empties the row (the row and its version stay), if still at <paramref name="etag"/>.</summary>
    /// <exception cref="InconsistentStateException">The row moved on.</exception>
    Task<string?> ClearState<T>(string stateName, GrainId grain, string key, string? etag) where T : class, new();

    /// <summary>An object grain's row (state <see cref="StorageNames.ObjectState"/>).</summary>
    /// <exception cref="Encryption.SecretDecryptionException">A sealed Secret that does not open, or was sealed for another row.</exception>
    async Task<(StoredObject State, string? ETag)> Read(GrainId grain, string key)
    {
        var (state, etag) = await ReadState<StoredObject>(StorageNames.ObjectState, grain, key);
        if (state.RowKey is { } sealedFor && sealedFor != key)
        {
            var (_, _, ns, name) = StoreKeys.ParseObject(key);
            throw Encryption.SealedSecretRow.Misplaced(key, sealedFor, $"{ns}/{name}");
        }
        return (state, etag);
    }

    /// <summary>Writes an object grain's row; a Secret is sealed for this row (<see cref="StoredObject.RowKey"/>).</summary>
    Task<string> Write(GrainId grain, string key, StoredObject state, string? etag)
    {
        state.RowKey = key;
        return WriteState(StorageNames.ObjectState, grain, key, state, etag);
    }

    Task<string?> Clear(GrainId grain, string key, string? etag) => ClearState<StoredObject>(StorageNames.ObjectState, grain, key, etag);
}

/// <summary>One grain's durable state kept through <see cref="IObjectStorage"/>, as <c>IPersistentState</c> would keep it.</summary>
public sealed class DurableState<T>(IObjectStorage storage, string stateName, GrainId grain, string key) where T : class, new()
{
    private string? _etag;

    public T State { get; private set; } = new();

    public async Task ReadStateAsync() => (State, _etag) = await storage.ReadState<T>(stateName, grain, key);

    public async Task WriteStateAsync() => _etag = await storage.WriteState(stateName, grain, key, State, _etag);
}
