using Microsoft.Data.Sqlite;

namespace OrleansOrchestrator.Silo.Storage;

/// <summary>
/// A SQLite connection that applies the per-connection settings our write pattern needs as it opens:
/// <c>synchronous=NORMAL</c> (durable across process crashes in WAL mode, one fsync per checkpoint
/// rather than per commit) and a <c>busy_timeout</c> so that a writer waits inside SQLite instead of
/// failing or sleeping in the driver. These cannot be put in a connection string.
/// </summary>
public sealed class TunedSqliteConnection(string connectionString) : SqliteConnection(connectionString)
{
    public override void Open()
    {
        base.Open();
        using var command = CreateCommand();
        command.CommandText = "PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=10000;";
        command.ExecuteNonQuery();
    }
}
