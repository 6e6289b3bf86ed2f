using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace OrleansOrchestrator.Silo.Storage;

/// <summary>
/// The database behind the store: the embedded SQLite file (one silo) or PostgreSQL (several silos).
/// Knows its Orleans ADO.NET invariant, how to open a connection, and which schema scripts it needs.
/// </summary>
public abstract class StorageBackend
{
    public abstract string Invariant { get; }
    public abstract string ConnectionString { get; }
    public abstract IReadOnlyList<string> SchemaScripts { get; }

    public abstract DbConnection CreateConnection();

    /// <summary>Runs once before the silo starts, after the schema is in place.</summary>
    public virtual Task Prepare(DbConnection connection, CancellationToken cancellationToken) => Task.CompletedTask;

    public static StorageBackend Sqlite(string path) => new SqliteBackend(path);

    public static StorageBackend PostgreSql(string connectionString) => new PostgreSqlBackend(connectionString);

    private sealed class SqliteBackend(string path) : StorageBackend
    {
        // Orleans knows Microsoft.Data.Sqlite under the invariant of the older System.Data.SQLite provider.
        public override string Invariant => "System.Data.SQLite";

        public override string ConnectionString { get; } = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Default,
        }.ToString();

        public override IReadOnlyList<string> SchemaScripts => ["Sqlite-Main.sql", "Sqlite-Persistence.sql"];

        public override DbConnection CreateConnection() => new TunedSqliteConnection(ConnectionString);

        /// <summary>WAL is a property of the file: set once, it lets readers run beside the one writer.</summary>
        public override async Task Prepare(DbConnection connection, CancellationToken cancellationToken)
        {
            await using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA journal_mode=WAL;";
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    private sealed class PostgreSqlBackend(string connectionString) : StorageBackend
    {
        public override string Invariant => "Npgsql";
        public override string ConnectionString => connectionString;
        public override IReadOnlyList<string> SchemaScripts =>
            ["PostgreSQL-Main.sql", "PostgreSQL-Persistence.sql", "PostgreSQL-Clustering.sql", "PostgreSQL-Reminders.sql"];

        public override DbConnection CreateConnection() => new NpgsqlConnection(connectionString);
    }
}
