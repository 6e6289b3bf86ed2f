using Orleans.Storage;
using OrleansOrchestrator.Silo.Store;

namespace OrleansOrchestrator.Silo.Storage;

/// <summary>
/// Object storage through the Orleans grain storage provider itself (PostgreSQL): exactly what a
/// <c>[PersistentState("object", "store")]</c> state does, one durable statement per write.
/// </summary>
public sealed class GrainStorageObjectStorage(IGrainStorage storage) : IObjectStorage
{
    public async Task<(T State, string? ETag)> ReadState<T>(string stateName, GrainId grain, string key) where T : class, new()
    {
        var state = new Holder<T>();
        await storage.ReadStateAsync(stateName, grain, state);
        return (state.State, state.ETag);
    }

    public async Task<string> WriteState<T>(string stateName, GrainId grain, string key, T value, string? etag) where T : class, new()
    {
        var state = new Holder<T> { State = value, ETag = etag, RecordExists = etag is not null };
        await storage.WriteStateAsync(stateName, grain, state);
        return state.ETag!;
    }

    public async Task<string?> ClearState<T>(string stateName, GrainId grain, string key, string? etag) where T : class, new()
    {
        var state = new Holder<T> { ETag = etag, RecordExists = etag is not null };
        await storage.ClearStateAsync(stateName, grain, state);
        return state.ETag;
    }

    private sealed class Holder<T> : IGrainState<T> where T : class, new()
    {
        [System.Diagnostics.CodeAnalysis.AllowNull]
        public T State { get => field ??= new T(); set; }
        public string? ETag { get; set; }
        public bool RecordExists { get; set; }
    }
}
