using Orleans.Storage;
using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Silo.Store;

namespace OrleansOrchestrator.Silo.Storage.Encryption;

/// <summary>
/// The store's payload serializer with Secrets sealed: the one point every stored object's bytes pass through on
/// both back-ends — SQLite's group-commit writer (<see cref="SqliteObjectStorage"/>), Orleans' own ADO.NET provider
/// on PostgreSQL, and the collection's rebuild (<see cref="AdoNetStoredObjectReader"/>). A Secret's row is sealed
/// whole (metadata with its annotations too, as Kubernetes encrypts the whole object); every other state is stored
/// as before. Reading opens a sealed payload and passes a plaintext one (stored before encryption) through.
/// </summary>
public sealed class SecretSealingSerializer(IGrainStorageSerializer inner, SecretEnvelope envelope) : IGrainStorageSerializer
{
    public BinaryData Serialize<T>(T? input)
    {
        var data = inner.Serialize(input);
        return input is StoredObject { Object: Secret } ? new BinaryData(envelope.Seal(data.ToMemory().Span)) : data;
    }

    public T? Deserialize<T>(BinaryData input) =>
        SecretEnvelope.IsSealed(input.ToMemory().Span)
            ? inner.Deserialize<T>(new BinaryData(envelope.Open(input.ToArray())))
            : inner.Deserialize<T>(input);
}
