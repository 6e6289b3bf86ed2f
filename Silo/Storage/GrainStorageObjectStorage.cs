using Orleans.Storage;
using OrleansOrchestrator.Silo.Store;

namespace OrleansOrchestrator.Silo.Storage;

/// <summary>
/// Object storage through the Orleans grain storage provider itself (PostgreSQL): exactly what a
/// <c>[PersistentState("object", "store")]</c> state does, one durable statement per write.
/// </summary>
public sealed class GrainStorageObjectStorage(IGrainStorage storage) : IObjectStorage
{
    public async Task<(StoredObject State, string? ETag)> Read(GrainId grain, string key)
    {
        var state = new Holder();
        await storage.ReadStateAsync(StorageNames.ObjectState, grain, state);
        return (state.State, state.ETag);
    }

    public async Task<string> Write(GrainId grain, string key, StoredObject value, string? etag)
    {
        var state = new Holder { State = value, ETag = etag, RecordExists = etag is not null };
        await storage.WriteStateAsync(StorageNames.ObjectState, grain, state);
        return state.ETag!;
    }

    public async Task<string?> Clear(GrainId grain, string key, string? etag)
    {
        var state = new Holder { ETag = etag, RecordExists = etag is not null };
        await storage.ClearStateAsync(StorageNames.ObjectState, grain, state);
        return state.ETag;
    }

    private sealed class Holder : IGrainState<StoredObject>
    {
        [System.Diagnostics.CodeAnalysis.AllowNull]
        public StoredObject State { get => field ?? new StoredObject(); set; }
        public string? ETag { get; set; }
        public bool RecordExists { get; set; }
    }
}
