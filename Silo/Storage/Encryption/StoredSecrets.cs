using System.Data.Common;
using OrleansOrchestrator.Contracts;
using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Contracts.Store;

namespace OrleansOrchestrator.Silo.Storage.Encryption;

/// <summary>
/// The Secrets' rows of the store, read and rewritten as bytes (no Orleans needed): what the start-up check counts per
/// key, and what <c>--rewrite-secrets</c> seals again under the first key. A rewrite keeps the row's version, so a
/// running silo's object grains (whose ETag is that version) go on undisturbed, and it is conditional on that
/// version, so a write that lands meanwhile is never overwritten with older content.
/// </summary>
public static class StoredSecrets
{
    public sealed record Row(string Key, int Version, byte[] Payload);

    public sealed record RewriteResult(int Total, int Rewritten, int AlreadyCurrent, IReadOnlyList<string> Failures);

    /// <summary>The envelope's prefix with the longest key name.</summary>
    private const int HeadBytes = 128;

    private const string SecretRows = """
        FROM OrleansStorage
        WHERE ServiceId = @ServiceId AND GrainTypeString = @StateName AND GrainIdN0 = 0 AND GrainIdN1 = 0
          AND GrainIdExtensionString LIKE @Pattern AND PayloadBinary IS NOT NULL
        """;

    /// <param name="headOnly">Only the payloads' first bytes, enough for the prefix naming their key (the start-up check).</param>
    public static async Task<IReadOnlyList<Row>> Read(DbDataSource dataSource, CancellationToken cancellationToken, bool headOnly = false)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        // substr of a BLOB (SQLite) or a bytea (PostgreSQL) is bytes.
        var payload = headOnly ? $"substr(PayloadBinary, 1, {HeadBytes})" : "PayloadBinary";
        command.CommandText = $"SELECT GrainIdExtensionString, Version, {payload} {SecretRows}";
        AddRowFilter(command);
        var rows = new List<Row>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var key = reader.GetString(0);
            if (!IsSecretKey(key)) continue;
            rows.Add(new Row(key, reader.GetInt32(1), (byte[])reader.GetValue(2)));
        }
        return rows;
    }

    /// <summary>How many stored Secrets each key has sealed (plaintext rows from before encryption are not counted).</summary>
    public static IReadOnlyDictionary<string, int> CountByKey(IEnumerable<Row> rows) =>
        rows.Select(r => SecretEnvelope.SealedWith(r.Payload)).OfType<string>()
            .GroupBy(name => name, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);

    /// <summary>Seals every stored Secret not yet sealed under the first key (plaintext ones included) under it.</summary>
    public static async Task<RewriteResult> Rewrite(DbDataSource dataSource, SecretEnvelope envelope, CancellationToken cancellationToken)
    {
        int total = 0, rewritten = 0, current = 0;
        var failures = new List<string>();
        foreach (var first in await Read(dataSource, cancellationToken))
        {
            total++;
            var row = first;
            for (var attempt = 0; ; attempt++)
            {
                if (SecretEnvelope.SealedWith(row.Payload) == envelope.WriteKeyName)
                {
                    current++;
                    break;
                }
                byte[] resealed;
                try
                {
                    var (sealedFor, payload) = SealedSecretRow.Open(envelope, row.Payload);
                    if (sealedFor is not null && sealedFor != row.Key) throw SealedSecretRow.Misplaced(row.Key, sealedFor, Describe(row.Key));
                    resealed = SealedSecretRow.Seal(envelope, row.Key, payload.Span);
                }
                catch (SecretDecryptionException e)
                {
                    failures.Add(e.Message.StartsWith("unable", StringComparison.Ordinal) ? e.Message : e.For(Describe(row.Key)).Message);
                    break;
                }
                if (await Replace(dataSource, row, resealed, cancellationToken))
                {
                    rewritten++;
                    break;
                }
                // Written meanwhile (or deleted): look again at what is stored now.
                if (await ReadOne(dataSource, row.Key, cancellationToken) is not { } now) break;
                if (attempt == 5)
                {
                    failures.Add($"Secret \"{Describe(row.Key)}\" kept changing while it was rewritten; run --rewrite-secrets again");
                    break;
                }
                row = now;
            }
        }
        return new RewriteResult(total, rewritten, current, failures);
    }

    /// <summary><c>tenant/secrets/namespace/name</c> as the operator reads it: <c>namespace/name</c> of tenant <c>tenant</c>.</summary>
    public static string Describe(string key)
    {
        var (tenant, _, ns, name) = StoreKeys.ParseObject(key);
        return $"{ns}/{name}\" of tenant \"{tenant}";
    }

    internal static bool IsSecretKey(string key) => key.Split('/') is [_, var resource, _, _] && resource == ResourceKinds.Secret.Resource;

    private static async Task<Row?> ReadOne(DbDataSource dataSource, string key, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT Version, PayloadBinary {SecretRows} AND GrainIdExtensionString = @Key";
        AddRowFilter(command);
        Add(command, "@Key", key);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? new Row(key, reader.GetInt32(0), (byte[])reader.GetValue(1)) : null;
    }

    private static async Task<bool> Replace(DbDataSource dataSource, Row row, byte[] payload, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            UPDATE OrleansStorage SET PayloadBinary = @Payload
            WHERE ServiceId = @ServiceId AND GrainTypeString = @StateName AND GrainIdN0 = 0 AND GrainIdN1 = 0
              AND GrainIdExtensionString = @Key AND Version = @Version AND PayloadBinary IS NOT NULL
            """;
        Add(command, "@ServiceId", ClusterIdentity.ServiceId);
        Add(command, "@StateName", StorageNames.ObjectState);
        Add(command, "@Key", row.Key);
        Add(command, "@Version", row.Version);
        Add(command, "@Payload", payload);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    private static void AddRowFilter(DbCommand command)
    {
        Add(command, "@ServiceId", ClusterIdentity.ServiceId);
        Add(command, "@StateName", StorageNames.ObjectState);
        Add(command, "@Pattern", $"%/{ResourceKinds.Secret.Resource}/%");
    }

    private static void Add(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }
}
