using System.Data;
using System.Data.Common;
using System.Security.Cryptography;
using System.Text;

namespace OrleansOrchestrator.Silo.Operations;

/// <summary>One row of the store's one table (<c>OrleansStorage</c>), exactly as either back-end keeps it.</summary>
public sealed record StoreRow(
    int GrainIdHash, long GrainIdN0, long GrainIdN1, int GrainTypeHash, string GrainTypeString, string? GrainIdExtensionString,
    string ServiceId, byte[]? PayloadBinary, DateTime ModifiedOn, int? Version);

/// <summary>
/// Reads and writes the store's rows verbatim on SQLite or PostgreSQL (the same column names; PostgreSQL folds them to
/// lower case). Every column is copied, the provider's hashes and the version that is each object grain's ETag
/// included, so a silo on the copy finds every object where Orleans looks for it and goes on from the same versions.
/// </summary>
public static class StoreRows
{
    private const string Columns =
        "GrainIdHash, GrainIdN0, GrainIdN1, GrainTypeHash, GrainTypeString, GrainIdExtensionString, ServiceId, PayloadBinary, ModifiedOn, Version";

    /// <summary>A deterministic order on SQLite (BINARY collation): the order the checksum is taken in.</summary>
    public const string CanonicalOrder = "GrainTypeString, GrainIdExtensionString, ServiceId, GrainIdN0, GrainIdN1, GrainIdHash, GrainTypeHash";

    public static async IAsyncEnumerable<StoreRow> Read(DbConnection connection, DbTransaction? transaction, string? orderBy = null,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"SELECT {Columns} FROM OrleansStorage" + (orderBy is null ? "" : $" ORDER BY {orderBy}");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            yield return new StoreRow(
                reader.GetInt32(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt32(3), reader.GetString(4),
                reader.IsDBNull(5) ? null : reader.GetString(5), reader.GetString(6),
                reader.IsDBNull(7) ? null : (byte[])reader.GetValue(7), reader.GetDateTime(8),
                reader.IsDBNull(9) ? null : reader.GetInt32(9));
        }
    }

    public static async Task<long> Count(DbConnection connection, DbTransaction? transaction, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT COUNT(*) FROM OrleansStorage";
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Inserts rows with one prepared statement, in the caller's transaction; how many.</summary>
    public static async Task<long> Insert(DbConnection connection, DbTransaction transaction, IAsyncEnumerable<StoreRow> rows, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"INSERT INTO OrleansStorage ({Columns}) VALUES (@IdHash, @N0, @N1, @TypeHash, @TypeString, @Extension, @ServiceId, @Payload, @ModifiedOn, @Version)";
        var idHash = Add(command, "@IdHash", DbType.Int32);
        var n0 = Add(command, "@N0", DbType.Int64);
        var n1 = Add(command, "@N1", DbType.Int64);
        var typeHash = Add(command, "@TypeHash", DbType.Int32);
        var typeString = Add(command, "@TypeString", DbType.String);
        var extension = Add(command, "@Extension", DbType.String);
        var serviceId = Add(command, "@ServiceId", DbType.String);
        var payload = Add(command, "@Payload", DbType.Binary);
        // DateTime2: "timestamp without time zone" on PostgreSQL (Npgsql maps DateTime to the zoned type), text on SQLite.
        var modifiedOn = Add(command, "@ModifiedOn", DbType.DateTime2);
        var version = Add(command, "@Version", DbType.Int32);
        long count = 0;
        await foreach (var row in rows.WithCancellation(cancellationToken))
        {
            idHash.Value = row.GrainIdHash;
            n0.Value = row.GrainIdN0;
            n1.Value = row.GrainIdN1;
            typeHash.Value = row.GrainTypeHash;
            typeString.Value = row.GrainTypeString;
            extension.Value = (object?)row.GrainIdExtensionString ?? DBNull.Value;
            serviceId.Value = row.ServiceId;
            payload.Value = (object?)row.PayloadBinary ?? DBNull.Value;
            modifiedOn.Value = DateTime.SpecifyKind(row.ModifiedOn, DateTimeKind.Unspecified);
            version.Value = (object?)row.Version ?? DBNull.Value;
            await command.ExecuteNonQueryAsync(cancellationToken);
            count++;
        }
        return count;
    }

    /// <summary>
    /// SHA-256 over rows in <see cref="CanonicalOrder"/>, every field length-prefixed: equal for two stores exactly
    /// when they hold the same rows (times to the microsecond, PostgreSQL's precision).
    /// </summary>
    public static async Task<string> Checksum(IAsyncEnumerable<StoreRow> orderedRows, CancellationToken cancellationToken)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[8];
        void Number(long value)
        {
            System.Buffers.Binary.BinaryPrimitives.WriteInt64BigEndian(buffer, value);
            hash.AppendData(buffer);
        }
        void Bytes(byte[]? value)
        {
            Number(value?.Length ?? -1);
            if (value is not null) hash.AppendData(value);
        }
        void Text(string? value) => Bytes(value is null ? null : Encoding.UTF8.GetBytes(value));
        await foreach (var row in orderedRows.WithCancellation(cancellationToken))
        {
            Number(row.GrainIdHash);
            Number(row.GrainIdN0);
            Number(row.GrainIdN1);
            Number(row.GrainTypeHash);
            Text(row.GrainTypeString);
            Text(row.GrainIdExtensionString);
            Text(row.ServiceId);
            Bytes(row.PayloadBinary);
            Number(row.ModifiedOn.Ticks / 10 * 10);
            Number(row.Version ?? long.MinValue);
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    private static DbParameter Add(DbCommand command, string name, DbType type)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.DbType = type;
        command.Parameters.Add(parameter);
        return parameter;
    }
}
