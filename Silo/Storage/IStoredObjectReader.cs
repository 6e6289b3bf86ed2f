using OrleansOrchestrator.Contracts.Model;

namespace OrleansOrchestrator.Silo.Storage;

/// <summary>Reads back every stored object of a collection, so a collection grain can rebuild its list after a restart.</summary>
public interface IStoredObjectReader
{
    Task<IReadOnlyList<KubeObject>> ReadCollection(string collectionKey, CancellationToken cancellationToken);

    /// <summary>
    /// One stored object by its key (<c>StoreKeys.Object</c>); null when it has no row or an emptied one (deleted). What a
    /// collection checks an abandoned reservation against: did its writer's write become durable before it died?
    /// </summary>
    Task<KubeObject?> ReadObject(string objectKey, CancellationToken cancellationToken);
}
