using OrleansOrchestrator.Contracts.Model;

namespace OrleansOrchestrator.Silo.Storage;

/// <summary>Reads back every stored object of a collection, so a collection grain can rebuild its list after a restart.</summary>
public interface IStoredObjectReader
{
    Task<IReadOnlyList<KubeObject>> ReadCollection(string collectionKey, CancellationToken cancellationToken);
}
