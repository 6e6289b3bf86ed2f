using Orleans.Storage;
using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Silo.Store;

namespace OrleansOrchestrator.Silo.Storage.Encryption;

/// <summary>
/// The store's payload serializer with Secrets sealed: the one point every stored object's bytes pass through on
/// both back-ends — SQLite's group-commit writer (<see cref="SqliteObjectStorage"/>), Orleans' own ADO.NET provider
/// on PostgreSQL, and the collection's rebuild (<see cref="AdoNetStoredObjectReader"/>). A Secret's row is sealed
/// whole (metadata with its annotations too, as Kubernetes encrypts the whole object); every other state is stored
/// as before; under the <c>identity</c> provider (<see cref="SecretEnvelope.Identity"/>) nothing is sealed. Reading opens a sealed payload and passes a plaintext one (stored before encryption) through; the row a
/// payload was sealed for comes back in <see cref="StoredObject.RowKey"/> for its reader to compare (<see cref="SealedSecretRow"/>).
/// </summary>
public sealed class SecretSealingSerializer(IGrainStorageSerializer inner, SecretEnvelope envelope) : IGrainStorageSerializer
{
    public BinaryData Serialize<T>(T? input)
    {
        var data = inner.Serialize(input);
        if (input is not StoredObject { Object: Secret } stored || !envelope.SealsWrites) return data;
        var rowKey = stored.RowKey ?? throw new InvalidOperationException("a Secret's row is written without its key: set StoredObject.RowKey");
        return new BinaryData(SealedSecretRow.Seal(envelope, rowKey, data.ToMemory().Span));
    }

    public T? Deserialize<T>(BinaryData input)
    {
        if (!SecretEnvelope.IsSealed(input.ToMemory().Span)) return inner.Deserialize<T>(input);
        var (sealedFor, payload) = SealedSecretRow.Open(envelope, input.ToArray());
        var result = inner.Deserialize<T>(new BinaryData(payload));
        if (result is StoredObject stored) stored.RowKey = sealedFor;
        return result;
    }
}
