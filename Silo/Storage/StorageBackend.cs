using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace OrleansOrchestrator.Silo.Storage;

/// <summary>
/// The database behind the store: the embedded SQLite file (one silo) or PostgreSQL (several silos).
/// Knows its Orleans ADO.NET invariant, the data source every connection comes from (Orleans' and ours),
/// and which schema scripts it needs.
/// </summary>
public abstract class StorageBackend
{
    public abstract string Invariant { get; }
    public abstract DbDataSource DataSource { get; }
    public abstract IReadOnlyList<string> SchemaScripts { get; }
    public abstract string Description { get; }

    /// <summary>Runs once before the silo starts, after the schema is in place.</summary>
    public virtual Task Prepare(DbConnection connection, CancellationToken cancellationToken) => Task.CompletedTask;

    public static StorageBackend Sqlite(string path) => new SqliteBackend(path);

    public static StorageBackend PostgreSql(string connectionString) => new PostgreSqlBackend(connectionString);

    private sealed class SqliteBackend(string path) : StorageBackend
    {
        // Orleans knows Microsoft.Data.Sqlite under the invariant of the older System.Data.SQLite provider.
        public override string Invariant => "System.Data.SQLite";

        public override DbDataSource DataSource { get; } = new SqliteStoreDataSource(
            new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadWriteCreate }.ToString());

        public override IReadOnlyList<string> SchemaScripts => ["Sqlite-Main.sql", "Sqlite-Persistence.sql"];

        public override string Description => $"embedded SQLite at {path}";

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
        public override DbDataSource DataSource { get; } = NpgsqlDataSource.Create(connectionString);
        public override IReadOnlyList<string> SchemaScripts =>
            ["PostgreSQL-Main.sql", "PostgreSQL-Persistence.sql", "PostgreSQL-Clustering.sql", "PostgreSQL-Reminders.sql"];
        public override string Description => $"PostgreSQL at {new NpgsqlConnectionStringBuilder(connectionString).Host}";
    }
}
