using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Storage;
using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Contracts.Store;
using OrleansOrchestrator.Silo.Store;

namespace OrleansOrchestrator.Silo.Storage;

/// <summary>
/// Finds a collection's objects in Orleans' own storage table: object grains have string keys that start
/// with their collection's key, and the ADO.NET provider keeps that key in <c>GrainIdExtensionString</c>
/// (indexed with the state name by our schema). Payloads are decoded with the provider's own serializer.
/// </summary>
public sealed class AdoNetStoredObjectReader(
    StorageBackend backend,
    IOptionsMonitor<AdoNetGrainStorageOptions> storageOptions,
    IOptions<ClusterOptions> clusterOptions) : IStoredObjectReader
{
    public async Task<IReadOnlyList<KubeObject>> ReadCollection(string collectionKey, CancellationToken cancellationToken)
    {
        var prefix = StoreKeys.CollectionPrefix(collectionKey);
        // Keys of the collection sort in [prefix, prefix with its last character ('/') raised to '0').
        var upperBound = prefix[..^1] + (char)(prefix[^1] + 1);
        var serializer = storageOptions.Get(StorageNames.Store).GrainStorageSerializer
            ?? throw new InvalidOperationException("the store's grain storage serializer is not configured");

        await using var connection = await backend.DataSource.OpenConnectionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT GrainIdExtensionString, PayloadBinary FROM OrleansStorage
            WHERE ServiceId = @ServiceId AND GrainTypeString = @StateName
              AND GrainIdExtensionString >= @Prefix AND GrainIdExtensionString < @UpperBound
              AND GrainIdN0 = 0 AND GrainIdN1 = 0 AND PayloadBinary IS NOT NULL
            """;
        AddParameter(command, "@ServiceId", clusterOptions.Value.ServiceId);
        AddParameter(command, "@StateName", StorageNames.ObjectState);
        AddParameter(command, "@Prefix", prefix);
        AddParameter(command, "@UpperBound", upperBound);

        var objects = new List<KubeObject>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            // Collations other than "C" may widen the range: the prefix test is what decides.
            if (!reader.GetString(0).StartsWith(prefix, StringComparison.Ordinal)) continue;
            var payload = (byte[])reader.GetValue(1);
            var rowKey = reader.GetString(0);
            StoredObject? stored;
            try
            {
                stored = serializer.Deserialize<StoredObject>(new BinaryData(payload));
            }
            catch (Encryption.SecretDecryptionException e)
            {
                // The whole list fails, as Kubernetes' does, naming the Secret that could not be read.
                throw e.For(SecretName(rowKey));
            }
            if (stored?.RowKey is { } sealedFor && sealedFor != rowKey)
                throw Encryption.SealedSecretRow.Misplaced(rowKey, sealedFor, SecretName(rowKey));
            if (stored?.Object is { } obj) objects.Add(obj);
        }
        return objects;
    }

    public async Task<KubeObject?> ReadObject(string objectKey, CancellationToken cancellationToken)
    {
        var serializer = storageOptions.Get(StorageNames.Store).GrainStorageSerializer
            ?? throw new InvalidOperationException("the store's grain storage serializer is not configured");
        await using var connection = await backend.DataSource.OpenConnectionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT GrainIdExtensionString, PayloadBinary FROM OrleansStorage
            WHERE ServiceId = @ServiceId AND GrainTypeString = @StateName AND GrainIdExtensionString = @Key
              AND GrainIdN0 = 0 AND GrainIdN1 = 0 AND PayloadBinary IS NOT NULL
            """;
        AddParameter(command, "@ServiceId", clusterOptions.Value.ServiceId);
        AddParameter(command, "@StateName", StorageNames.ObjectState);
        AddParameter(command, "@Key", objectKey);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            // The collation decides equality in the database; ordinal equality decides here.
            if (reader.GetString(0) != objectKey) continue;
            var stored = serializer.Deserialize<StoredObject>(new BinaryData((byte[])reader.GetValue(1)));
            return stored?.Object;
        }
        return null;
    }

    private static string SecretName(string rowKey)
    {
        var (_, _, ns, name) = StoreKeys.ParseObject(rowKey);
        return $"{ns}/{name}";
    }

    private static void AddParameter(System.Data.Common.DbCommand command, string name, string value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }
}
