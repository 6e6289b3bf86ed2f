using System.Globalization;
using System.Text;
using System.Threading.Channels;
using Microsoft.Data.Sqlite;
using Orleans.Storage;
using OrleansOrchestrator.Silo.Store;

namespace OrleansOrchestrator.Silo.Storage;

/// <summary>
/// Grain state storage on the embedded SQLite file with group commit (object and node grains). Every object write of the silo used to be
/// its own trip through Orleans' ADO.NET layer — a pooled connection opened, the connection pragmas run, a
/// multi-statement query parsed and prepared again, one transaction — about a millisecond of CPU each, and a
/// pod's life takes several. Here one writer thread keeps one connection with its statements prepared once,
/// takes every operation queued meanwhile and runs them in one transaction; each caller is answered only
/// after that transaction has committed (WAL, <c>synchronous=NORMAL</c>: durable across a process crash, as
/// every write was before), so no write is acknowledged before it is durable. The rows are the ones Orleans
/// writes (same columns, hashes, payload serializer and version-as-ETag contract), so either can read the
/// other's. The writer holds the data source's gate while it works, keeping SQLite's single writer rule
/// without busy waits on Orleans' threads.
/// </summary>
public sealed class SqliteObjectStorage : IObjectStorage, IDisposable
{
    /// <summary>Operations per transaction at most: bounds how long one commit holds the gate.</summary>
    internal const int MaxBatch = 512;

    private readonly string _connectionString;
    private readonly SemaphoreSlim _gate;
    private readonly IGrainStorageSerializer _serializer;
    private readonly string _serviceId;
    private readonly IStorageHasherPicker _hashers;
    private readonly Channel<Operation> _queue = Channel.CreateUnbounded<Operation>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Thread _writer;
    private Statements? _statements;

    public SqliteObjectStorage(string connectionString, SemaphoreSlim gate, IGrainStorageSerializer serializer, string serviceId, IStorageHasherPicker hashers)
    {
        _connectionString = connectionString;
        _gate = gate;
        _serializer = serializer;
        _serviceId = serviceId;
        _hashers = hashers;
        _writer = new Thread(Run) { IsBackground = true, Name = "sqlite-object-writer" };
        _writer.Start();
    }

    public async Task<(T State, string? ETag)> ReadState<T>(string stateName, GrainId grain, string key) where T : class, new()
    {
        var operation = new Operation(OperationKind.Read, stateName, key, null, null, 0, 0);
        await Enqueue(operation);
        var (payload, version) = operation.ReadResult;
        var state = payload is null ? null : _serializer.Deserialize<T>(new BinaryData(payload));
        return (state ?? new T(), version?.ToString(CultureInfo.InvariantCulture));
    }

    public async Task<string> WriteState<T>(string stateName, GrainId grain, string key, T state, string? etag) where T : class, new()
    {
        // Serialised and hashed on the caller's thread: the writer thread only runs statements.
        var payload = _serializer.Serialize(state).ToArray();
        var (idHash, typeHash) = etag is null ? Hashes(stateName, grain, state) : (0, 0);
        var operation = new Operation(OperationKind.Write, stateName, key, ParseETag(etag), payload, idHash, typeHash);
        await Enqueue(operation);
        return operation.NewVersion?.ToString(CultureInfo.InvariantCulture) ?? throw Conflict("write", stateName, key, etag);
    }

    public async Task<string?> ClearState<T>(string stateName, GrainId grain, string key, string? etag) where T : class, new()
    {
        if (etag is null) return null; // never stored: nothing to clear
        var operation = new Operation(OperationKind.Clear, stateName, key, ParseETag(etag), null, 0, 0);
        await Enqueue(operation);
        return operation.NewVersion?.ToString(CultureInfo.InvariantCulture) ?? throw Conflict("clear", stateName, key, etag);
    }

    /// <summary>The two hashes Orleans' ADO.NET provider stores with a row of a string-keyed grain (its own hasher, its own byte order).</summary>
    private (int IdHash, int TypeHash) Hashes<T>(string stateName, GrainId grain, T state)
    {
        var hasher = _hashers.PickHasher(_serviceId, StorageNames.Store, stateName, grain, new GrainState<T>(state))
            ?? throw new InvalidOperationException("no storage hasher configured");
        var idBytes = Encoding.UTF8.GetBytes(grain.Key.ToString()!);
        if (BitConverter.IsLittleEndian) Array.Reverse(idBytes);
        return (hasher.Hash(idBytes), hasher.Hash(Encoding.UTF8.GetBytes(stateName)));
    }

    private static int? ParseETag(string? etag) => etag is null ? null : int.Parse(etag, CultureInfo.InvariantCulture);

    private static InconsistentStateException Conflict(string operation, string stateName, string key, string? etag) =>
        new($"Version conflict ({operation}): State={stateName} GrainId={key} ETag={etag}.");

    private Task Enqueue(Operation operation)
    {
        if (!_queue.Writer.TryWrite(operation)) throw new ObjectDisposedException(nameof(SqliteObjectStorage));
        return operation.Done.Task;
    }

    private void Run()
    {
        var batch = new List<Operation>(MaxBatch);
        while (true)
        {
            try
            {
                if (!_queue.Reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult()) return;
            }
            catch (Exception)
            {
                return;
            }
            batch.Clear();
            while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var operation)) batch.Add(operation);
            _gate.Wait();
            try
            {
                RunBatch(batch);
            }
            finally
            {
                _gate.Release();
            }
        }
    }

    /// <summary>
    /// All operations in one transaction, answered after the commit. If the transaction fails as a whole, each
    /// operation is tried again in a transaction of its own, so one bad operation cannot fail the others.
    /// </summary>
    private void RunBatch(List<Operation> batch)
    {
        try
        {
            var statements = _statements ??= Statements.Open(_connectionString, _serviceId);
            using (var transaction = statements.Connection.BeginTransaction(deferred: false))
            {
                foreach (var operation in batch) statements.Execute(operation, transaction);
                transaction.Commit();
            }
            foreach (var operation in batch) operation.Done.TrySetResult();
            return;
        }
        catch (Exception)
        {
            ResetConnection();
        }
        foreach (var operation in batch)
        {
            try
            {
                var statements = _statements ??= Statements.Open(_connectionString, _serviceId);
                using (var transaction = statements.Connection.BeginTransaction(deferred: false))
                {
                    statements.Execute(operation, transaction);
                    transaction.Commit();
                }
                operation.Done.TrySetResult();
            }
            catch (Exception e)
            {
                ResetConnection();
                operation.Done.TrySetException(e);
            }
        }
    }

    private void ResetConnection()
    {
        try
        {
            _statements?.Dispose();
        }
        catch (Exception)
        {
            // the connection is being discarded anyway
        }
        _statements = null;
    }

    public void Dispose()
    {
        _queue.Writer.TryComplete();
        _writer.Join(TimeSpan.FromSeconds(5));
        ResetConnection();
    }

    private enum OperationKind { Read, Write, Clear }

    private sealed class Operation(OperationKind kind, string stateName, string key, int? version, byte[]? payload, int idHash, int typeHash)
    {
        public OperationKind Kind { get; } = kind;
        public string StateName { get; } = stateName;
        public string Key { get; } = key;
        public int? Version { get; } = version;
        public byte[]? Payload { get; } = payload;
        public int IdHash { get; } = idHash;
        public int TypeHash { get; } = typeHash;
        public (byte[]? Payload, int? Version) ReadResult { get; set; }
        public int? NewVersion { get; set; }

        /// <summary>Completed by the writer thread; continuations must not run on it.</summary>
        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    /// <summary>The writer's connection and its prepared statements (prepared once, reused for every operation).</summary>
    private sealed class Statements : IDisposable
    {
        // The row of a string-keyed grain's state, found through IX_OrleansStorage_Type_Key.
        private const string Row = """
            GrainTypeString = @GrainTypeString AND GrainIdExtensionString = @Key
            AND ServiceId = @ServiceId AND GrainIdN0 = 0 AND GrainIdN1 = 0
            """;

        private readonly SqliteCommand _read;
        private readonly SqliteCommand _update;
        private readonly SqliteCommand _insert;
        private readonly SqliteCommand _clear;

        private Statements(SqliteConnection connection, string serviceId)
        {
            Connection = connection;
            _read = Prepare(connection, serviceId, $"SELECT PayloadBinary, Version FROM OrleansStorage WHERE {Row} LIMIT 1;");
            _update = Prepare(connection, serviceId, $"""
                UPDATE OrleansStorage SET PayloadBinary = @Payload, ModifiedOn = datetime('now'), Version = Version + 1
                WHERE {Row} AND Version = @Version
                RETURNING Version;
                """, "@Payload", "@Version");
            _insert = Prepare(connection, serviceId, $"""
                INSERT INTO OrleansStorage (GrainIdHash, GrainIdN0, GrainIdN1, GrainTypeHash, GrainTypeString, GrainIdExtensionString, ServiceId, PayloadBinary, ModifiedOn, Version)
                SELECT @IdHash, 0, 0, @TypeHash, @GrainTypeString, @Key, @ServiceId, @Payload, datetime('now'), 1
                WHERE NOT EXISTS (SELECT 1 FROM OrleansStorage WHERE {Row})
                RETURNING Version;
                """, "@Payload", "@IdHash", "@TypeHash");
            _clear = Prepare(connection, serviceId, $"""
                UPDATE OrleansStorage SET PayloadBinary = NULL, ModifiedOn = datetime('now'), Version = Version + 1
                WHERE {Row} AND Version = @Version
                RETURNING Version;
                """, "@Version");
        }

        public SqliteConnection Connection { get; }

        public static Statements Open(string connectionString, string serviceId)
        {
            var connection = new SqliteConnection(connectionString);
            try
            {
                connection.Open();
                using (var pragmas = connection.CreateCommand())
                {
                    pragmas.CommandText = "PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=10000;";
                    pragmas.ExecuteNonQuery();
                }
                return new Statements(connection, serviceId);
            }
            catch
            {
                connection.Dispose();
                throw;
            }
        }

        private static SqliteCommand Prepare(SqliteConnection connection, string serviceId, string text, params string[] parameters)
        {
            var command = connection.CreateCommand();
            command.CommandText = text;
            command.Parameters.Add("@GrainTypeString", SqliteType.Text);
            command.Parameters.AddWithValue("@ServiceId", serviceId);
            command.Parameters.Add("@Key", SqliteType.Text);
            foreach (var name in parameters) command.Parameters.Add(name, name == "@Payload" ? SqliteType.Blob : SqliteType.Integer);
            command.Prepare();
            return command;
        }

        public void Execute(Operation operation, SqliteTransaction transaction)
        {
            switch (operation.Kind)
            {
                case OperationKind.Read:
                    _read.Transaction = transaction;
                    _read.Parameters["@GrainTypeString"].Value = operation.StateName;
                    _read.Parameters["@Key"].Value = operation.Key;
                    using (var reader = _read.ExecuteReader())
                        operation.ReadResult = reader.Read()
                            ? (reader.IsDBNull(0) ? null : (byte[])reader.GetValue(0), reader.IsDBNull(1) ? null : reader.GetInt32(1))
                            : (null, null);
                    break;
                case OperationKind.Write when operation.Version is { } version:
                    _update.Parameters["@Version"].Value = version;
                    operation.NewVersion = Returned(_update, transaction, operation);
                    break;
                case OperationKind.Write:
                    _insert.Parameters["@IdHash"].Value = operation.IdHash;
                    _insert.Parameters["@TypeHash"].Value = operation.TypeHash;
                    operation.NewVersion = Returned(_insert, transaction, operation);
                    break;
                case OperationKind.Clear:
                    _clear.Parameters["@Version"].Value = operation.Version!.Value;
                    operation.NewVersion = Returned(_clear, transaction, operation);
                    break;
            }
        }

        /// <summary>Runs a write; the new version, or null when no row matched (a version conflict).</summary>
        private static int? Returned(SqliteCommand command, SqliteTransaction transaction, Operation operation)
        {
            command.Transaction = transaction;
            command.Parameters["@GrainTypeString"].Value = operation.StateName;
            command.Parameters["@Key"].Value = operation.Key;
            if (command.Parameters.Contains("@Payload")) command.Parameters["@Payload"].Value = operation.Payload;
            using var reader = command.ExecuteReader();
            return reader.Read() ? reader.GetInt32(0) : null;
        }

        public void Dispose()
        {
            _read.Dispose();
            _update.Dispose();
            _insert.Dispose();
            _clear.Dispose();
            Connection.Dispose();
        }
    }
}
