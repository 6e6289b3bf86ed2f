using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using Npgsql;
using Orleans.Configuration;
using Orleans.Storage;

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

    /// <summary>Where object grains keep their objects (made once, on first use, from the silo's services).</summary>
    public IObjectStorage ObjectStorage(IServiceProvider services)
    {
        if (_objectStorage is { } made) return made;
        lock (this) return _objectStorage ??= CreateObjectStorage(services);
    }

    private IObjectStorage? _objectStorage;

    protected abstract IObjectStorage CreateObjectStorage(IServiceProvider services);

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

        /// <summary>Group commit on the file, sharing the data source's one-writer gate (see <see cref="SqliteObjectStorage"/>).</summary>
        protected override IObjectStorage CreateObjectStorage(IServiceProvider services)
        {
            var options = services.GetRequiredService<IOptionsMonitor<AdoNetGrainStorageOptions>>().Get(StorageNames.Store);
            var dataSource = (SqliteStoreDataSource)DataSource;
            return new SqliteObjectStorage(
                dataSource.ConnectionString,
                dataSource.Gate,
                options.GrainStorageSerializer ?? throw new InvalidOperationException("the store's grain storage serializer is not configured"),
                services.GetRequiredService<IOptions<ClusterOptions>>().Value.ServiceId,
                options.HashPicker ?? throw new InvalidOperationException("the store's hash picker is not configured"));
        }

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

        /// <summary>Orleans' own provider: several silos share the database, each write its own transaction.</summary>
        protected override IObjectStorage CreateObjectStorage(IServiceProvider services) =>
            new GrainStorageObjectStorage(services.GetRequiredKeyedService<IGrainStorage>(StorageNames.Store));
    }
}
