using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace OrleansOrchestrator.Silo.Storage;

/// <summary>
/// How the silo opens the SQLite file. Each connection gets the settings our write pattern needs as it
/// opens (they cannot be put in a connection string): <c>synchronous=NORMAL</c>, durable across process
/// crashes in WAL mode, and a <c>busy_timeout</c>. And one connection is open at a time, awaited
/// asynchronously: SQLite has one writer anyway, and Microsoft.Data.Sqlite's own busy retries sleep on
/// the calling thread, which would stall Orleans' scheduler and stretch the latency tail to seconds
/// (measured in ../shared/SETUP.md: the gate bounds the worst write at tens of milliseconds).
/// </summary>
public sealed class SqliteStoreDataSource(string connectionString) : DbDataSource
{
    private readonly SemaphoreSlim _gate = new(1, 1);

    /// <summary>
    /// The one writer of the SQLite file at any moment: a connection of Orleans' ADO.NET layer while it is
    /// open, or the object writer (<see cref="SqliteObjectStorage"/>) while it runs a batch.
    /// </summary>
    internal SemaphoreSlim Gate => _gate;

    public override string ConnectionString => connectionString;

    protected override DbConnection CreateDbConnection() => new GatedConnection(connectionString, _gate);

    protected override DbConnection OpenDbConnection()
    {
        var connection = CreateDbConnection();
        connection.Open();
        return connection;
    }

    protected override async ValueTask<DbConnection> OpenDbConnectionAsync(CancellationToken cancellationToken = default)
    {
        var connection = CreateDbConnection();
        await connection.OpenAsync(cancellationToken);
        return connection;
    }

    private sealed class GatedConnection(string connectionString, SemaphoreSlim gate) : SqliteConnection(connectionString)
    {
        private bool _holdsGate;

        public override void Open()
        {
            gate.Wait();
            OpenHoldingGate();
        }

        public override async Task OpenAsync(CancellationToken cancellationToken)
        {
            await gate.WaitAsync(cancellationToken);
            OpenHoldingGate();
        }

        private void OpenHoldingGate()
        {
            _holdsGate = true;
            try
            {
                base.Open();
                using var command = CreateCommand();
                command.CommandText = "PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=10000;";
                command.ExecuteNonQuery();
            }
            catch
            {
                ReleaseGate();
                throw;
            }
        }

        public override void Close()
        {
            base.Close();
            ReleaseGate();
        }

        protected override void Dispose(bool disposing)
        {
            base.Dispose(disposing);
            ReleaseGate();
        }

        private void ReleaseGate()
        {
            if (!_holdsGate) return;
            _holdsGate = false;
            gate.Release();
        }
    }
}
