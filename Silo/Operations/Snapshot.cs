using System.Data;
using System.Data.Common;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Npgsql;
using OrleansOrchestrator.Contracts;
using OrleansOrchestrator.Silo.Hosting;
using OrleansOrchestrator.Silo.Storage;
using OrleansOrchestrator.Silo.Storage.Encryption;

namespace OrleansOrchestrator.Silo.Operations;

/// <summary>
/// Snapshots of the store, as <c>etcdctl snapshot save/restore/status</c>. A snapshot is one SQLite file with the
/// embedded store's schema holding every row of the store's table, whichever back-end it came from, plus a
/// <c>SnapshotInfo</c> table (format, source, time, row count, checksum). It is read in one read-only transaction, so
/// it is consistent while the control plane runs and takes writes. Orleans' membership and reminder tables are left
/// out: a restored cluster forms anew, and no grain of ours keeps a reminder.
/// Secrets stay sealed in it: the encryption key file must be kept with the snapshot.
/// </summary>
public static class Snapshot
{
    public const int Format = 1;

    public sealed record Info(int Format, string Source, DateTimeOffset Created, long Rows, string Checksum);

    /// <summary>What <c>snapshot status</c> shows.</summary>
    public sealed record Summary(
        Info Info, bool ChecksumMatches, long Objects, IReadOnlyDictionary<string, long> ObjectsByTenant, long OtherStates,
        int LatestRowVersion, DateTime? LatestWrite, IReadOnlyDictionary<string, int> SecretsByKey, int PlaintextSecrets);

    public sealed class SnapshotException(string message) : Exception(message);

    /// <summary>Writes a snapshot of <paramref name="source"/> to <paramref name="file"/>, which must not exist.</summary>
    public static async Task<Info> Save(StorageBackend source, string sourceName, string file, CancellationToken cancellationToken)
    {
        if (File.Exists(file)) throw new SnapshotException($"{file} already exists: a snapshot is never written over a file.");
        // Written beside its final name and moved there when complete: a snapshot file is whole or absent.
        var partial = file + ".partial";
        File.Delete(partial);
        try
        {
            await CreateEmpty(partial, cancellationToken);
            await using var reader = await source.DataSource.OpenConnectionAsync(cancellationToken);
            await using var readTransaction = await BeginConsistentRead(reader, cancellationToken);
            await using (var target = await Open(partial, cancellationToken))
            {
                await using var transaction = (SqliteTransaction)await target.BeginTransactionAsync(cancellationToken);
                var rows = await StoreRows.Insert(target, transaction, StoreRows.Read(reader, readTransaction, cancellationToken: cancellationToken), cancellationToken);
                var checksum = await StoreRows.Checksum(StoreRows.Read(target, transaction, StoreRows.CanonicalOrder, cancellationToken), cancellationToken);
                var info = new Info(Format, sourceName, DateTimeOffset.UtcNow, rows, checksum);
                await WriteInfo(target, transaction, info, cancellationToken);
                await transaction.CommitAsync(cancellationToken);
                await using var finish = target.CreateCommand();
                // One self-contained file: no WAL beside it.
                finish.CommandText = "PRAGMA journal_mode=DELETE;";
                await finish.ExecuteNonQueryAsync(cancellationToken);
                SqliteConnection.ClearPool(target);
                await target.CloseAsync();
                File.Move(partial, file);
                OwnerOnlyFile.Tighten(file);
                return info;
            }
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            File.Delete(partial);
            File.Delete(partial + "-wal");
            File.Delete(partial + "-shm");
            File.Delete(partial + "-journal");
        }
    }

    /// <summary>Copies a snapshot's rows into an empty store (its schema installed first); refuses a store that holds any row.</summary>
    public static async Task<Info> Restore(string file, StorageBackend target, CancellationToken cancellationToken) =>
        await Restore(await Verify(file, cancellationToken), file, target, cancellationToken);

    /// <summary>The snapshot's description once its rows are known to match its checksum; throws for a missing, foreign or damaged file.</summary>
    public static async Task<Summary> Verify(string file, CancellationToken cancellationToken)
    {
        var summary = await Status(file, cancellationToken);
        if (!summary.ChecksumMatches) throw new SnapshotException($"{file} is damaged: its rows do not match the checksum it was saved with.");
        return summary;
    }

    /// <summary>As <see cref="Restore(string, StorageBackend, CancellationToken)"/>, with the snapshot already checked by <see cref="Verify"/>.</summary>
    public static async Task<Info> Restore(Summary verified, string file, StorageBackend target, CancellationToken cancellationToken)
    {
        var summary = verified;
        await SchemaInstaller.Apply(target, cancellationToken);
        await using var snapshot = await Open(file, cancellationToken, readOnly: true);
        await using var connection = await target.DataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        if (await StoreRows.Count(connection, transaction, cancellationToken) is var existing and > 0)
            throw new SnapshotException($"The target store is not empty ({existing} rows): restore into a new data folder or an empty database.");
        await StoreRows.Insert(connection, transaction, StoreRows.Read(snapshot, null, cancellationToken: cancellationToken), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return summary.Info;
    }

    /// <summary>Reads a snapshot's description and checks its rows against the checksum it was saved with.</summary>
    public static async Task<Summary> Status(string file, CancellationToken cancellationToken)
    {
        if (!File.Exists(file)) throw new SnapshotException($"{file} does not exist.");
        await using var connection = await Open(file, cancellationToken, readOnly: true);
        var info = await ReadInfo(connection, file, cancellationToken);
        var checksum = await StoreRows.Checksum(StoreRows.Read(connection, null, StoreRows.CanonicalOrder, cancellationToken), cancellationToken);
        long objects = 0, other = 0;
        var byTenant = new SortedDictionary<string, long>(StringComparer.Ordinal);
        var latestVersion = 0;
        DateTime? latestWrite = null;
        var secrets = new List<StoredSecrets.Row>();
        await foreach (var row in StoreRows.Read(connection, null, cancellationToken: cancellationToken))
        {
            latestVersion = Math.Max(latestVersion, row.Version ?? 0);
            if (latestWrite is null || row.ModifiedOn > latestWrite) latestWrite = row.ModifiedOn;
            if (row.PayloadBinary is null) continue;
            if (row.GrainTypeString != StorageNames.ObjectState || row.GrainIdExtensionString is not { } key)
            {
                other++;
                continue;
            }
            objects++;
            var tenant = key[..Math.Max(0, key.IndexOf('/', StringComparison.Ordinal))];
            byTenant[tenant] = byTenant.GetValueOrDefault(tenant) + 1;
            if (row.ServiceId == ClusterIdentity.ServiceId && StoredSecrets.IsSecretKey(key))
                secrets.Add(new StoredSecrets.Row(key, row.Version ?? 0, row.PayloadBinary));
        }
        var sealedByKey = StoredSecrets.CountByKey(secrets);
        return new Summary(info, checksum == info.Checksum, objects, byTenant, other, latestVersion, latestWrite, sealedByKey,
            secrets.Count - sealedByKey.Values.Sum());
    }

    /// <summary>
    /// One transaction that sees the store as of one moment and blocks no writer: a deferred SQLite transaction on the
    /// WAL file (its snapshot is taken at the first read), or a PostgreSQL REPEATABLE READ READ ONLY transaction.
    /// </summary>
    private static async Task<DbTransaction> BeginConsistentRead(DbConnection connection, CancellationToken cancellationToken)
    {
        switch (connection)
        {
            case SqliteConnection sqlite:
                return sqlite.BeginTransaction(deferred: true);
            case NpgsqlConnection postgres:
                var transaction = await postgres.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken);
                await using (var readOnly = new NpgsqlCommand("SET TRANSACTION READ ONLY", postgres, transaction))
                    await readOnly.ExecuteNonQueryAsync(cancellationToken);
                return transaction;
            default:
                throw new NotSupportedException(connection.GetType().Name);
        }
    }

    private static async Task CreateEmpty(string file, CancellationToken cancellationToken)
    {
        // The embedded store's own schema: the snapshot is itself a store file (with one table more).
        await SchemaInstaller.Apply(StorageBackend.Sqlite(OwnerOnlyFile.Touch(file)), cancellationToken);
        SqliteConnection.ClearAllPools();
        await using var connection = await Open(file, cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "CREATE TABLE SnapshotInfo (Key TEXT NOT NULL PRIMARY KEY, Value TEXT NOT NULL);";
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<SqliteConnection> Open(string file, CancellationToken cancellationToken, bool readOnly = false)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = file,
            Mode = readOnly ? SqliteOpenMode.ReadOnly : SqliteOpenMode.ReadWrite,
            Pooling = false,
        }.ToString());
        await connection.OpenAsync(cancellationToken);
        return connection;
    }

    private static async Task WriteInfo(SqliteConnection connection, SqliteTransaction transaction, Info info, CancellationToken cancellationToken)
    {
        foreach (var (key, value) in new[]
                 {
                     ("format", info.Format.ToString(CultureInfo.InvariantCulture)), ("source", info.Source),
                     ("created", info.Created.ToString("O", CultureInfo.InvariantCulture)),
                     ("rows", info.Rows.ToString(CultureInfo.InvariantCulture)), ("checksum", info.Checksum),
                 })
        {
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = "INSERT INTO SnapshotInfo (Key, Value) VALUES (@Key, @Value)";
            command.Parameters.AddWithValue("@Key", key);
            command.Parameters.AddWithValue("@Value", value);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    private static async Task<Info> ReadInfo(SqliteConnection connection, string file, CancellationToken cancellationToken)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        try
        {
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT Key, Value FROM SnapshotInfo LIMIT 100";
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken)) values[reader.GetString(0)] = reader.GetString(1);
        }
        catch (SqliteException e)
        {
            throw new SnapshotException($"{file} is not a snapshot ({e.Message}).");
        }
        if (!values.TryGetValue("format", out var format) || !int.TryParse(format, CultureInfo.InvariantCulture, out var number)
            || !values.TryGetValue("checksum", out var checksum) || !values.TryGetValue("rows", out var rows)
            || !DateTimeOffset.TryParse(values.GetValueOrDefault("created"), CultureInfo.InvariantCulture, DateTimeStyles.None, out var created))
            throw new SnapshotException($"{file} is not a snapshot (its SnapshotInfo is incomplete).");
        if (number > Format) throw new SnapshotException($"{file} is a snapshot of format {number}; this silo reads format {Format} at most.");
        return new Info(number, values.GetValueOrDefault("source", "?"), created, long.Parse(rows, CultureInfo.InvariantCulture), checksum);
    }
}
