using System.Data.Common;

namespace OrleansOrchestrator.Silo.Hosting;

/// <summary>
/// The check, at a PostgreSQL silo's start, that its keys are those of the silos already on the database
/// (<see cref="KeyFingerprints"/>): the first silo records its fingerprints, a later one with other keys is refused, one
/// with the same keys (or a rotation of them) records its own key list. Only fingerprints are stored: keys kept next to
/// the data they protect would protect nothing.
/// </summary>
public static class ClusterKeyRecord
{
    private const string ServiceAccountRow = "service-account-key";
    private const string EncryptionKeysRow = "encryption-keys";

    /// <summary>Serialises the check among silos starting at once (the schema scripts use 716254420101).</summary>
    private const long AdvisoryLock = 716254420102;

    /// <summary>
    /// With <c>--postgres</c>: compares this silo's key file and service account key (null: <c>--rewrite-secrets</c>, which
    /// signs nothing) with the database's record and records them; without it (one SQLite silo) there is nothing to compare.
    /// </summary>
    /// <returns>Why this silo must not start, or null.</returns>
    public static async Task<string?> Check(SiloOptions options, Storage.StorageBackend backend, System.Security.Cryptography.ECDsa? serviceAccountKey, CancellationToken cancellationToken)
    {
        if (options.PostgreSql is null) return null;
        var encryptionKeys = File.Exists(options.EncryptionKeyFilePath)
            ? KeyFingerprints.EncryptionKeys(Storage.Encryption.EncryptionKeyFile.Read(options.EncryptionKeyFilePath))
            : null;
        var serviceAccount = serviceAccountKey is null ? null : KeyFingerprints.ServiceAccount(serviceAccountKey);
        return await CheckAndRecord(backend.DataSource, serviceAccount, encryptionKeys, cancellationToken);
    }

    /// <returns>Why this silo must not start, or null once its fingerprints are recorded.</returns>
    public static async Task<string?> CheckAndRecord(DbDataSource dataSource, string? serviceAccount, string? encryptionKeys, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await Execute(connection, transaction, $"SELECT pg_advisory_xact_lock({AdvisoryLock})", [], cancellationToken);
        var recorded = new Dictionary<string, string>(StringComparer.Ordinal);
        await using (var read = Command(connection, transaction, "SELECT Name, Fingerprint FROM OrleansOrchestratorKeyFingerprints", []))
        await using (var reader = await read.ExecuteReaderAsync(cancellationToken))
            while (await reader.ReadAsync(cancellationToken)) recorded[reader.GetString(0)] = reader.GetString(1);

        var refusal = KeyFingerprints.Refusal(recorded.GetValueOrDefault(ServiceAccountRow), recorded.GetValueOrDefault(EncryptionKeysRow), serviceAccount, encryptionKeys);
        if (refusal is not null) return refusal;
        const string upsert = """
            INSERT INTO OrleansOrchestratorKeyFingerprints (Name, Fingerprint) VALUES (@name, @fingerprint)
            ON CONFLICT (Name) DO UPDATE SET Fingerprint = EXCLUDED.Fingerprint, UpdatedAt = now()
            """;
        if (serviceAccount is not null)
            await Execute(connection, transaction, upsert, [("name", ServiceAccountRow), ("fingerprint", serviceAccount)], cancellationToken);
        // The latest accepted key list: after a rotation ends (the old key removed), a silo still holding only the old key is refused.
        if (encryptionKeys is not null)
            await Execute(connection, transaction, upsert, [("name", EncryptionKeysRow), ("fingerprint", encryptionKeys)], cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return null;
    }

    private static DbCommand Command(DbConnection connection, DbTransaction transaction, string text, IReadOnlyList<(string Name, string Value)> parameters)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = text;
        foreach (var (name, value) in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value;
            command.Parameters.Add(parameter);
        }
        return command;
    }

    private static async Task Execute(DbConnection connection, DbTransaction transaction, string text, IReadOnlyList<(string Name, string Value)> parameters, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, transaction, text, parameters);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
