using System.Text;
using Microsoft.Data.Sqlite;
using OrleansOrchestrator.Contracts;
using OrleansOrchestrator.Silo.Operations;
using OrleansOrchestrator.Silo.Storage;
using OrleansOrchestrator.Silo.Storage.Encryption;

namespace OrleansOrchestrator.Silo.Tests.Operations;

/// <summary><c>snapshot save/restore/status</c> over real SQLite store files holding the kinds of rows Orleans writes.</summary>
public sealed class SnapshotTests : IAsyncLifetime
{
    private readonly string _dir = Directory.CreateTempSubdirectory("oo-snapshot-").FullName;
    private StorageBackend _source = null!;

    private string SourceStore => Path.Combine(_dir, "source", "store.db");
    private string SnapshotFile => Path.Combine(_dir, "backup.snapshot");

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(SourceStore)!);
        _source = StorageBackend.Sqlite(SourceStore);
        await SchemaInstaller.Apply(_source);
    }

    public Task DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task SaveThenRestore_IntoANewDataFolder_KeepsEveryRowAsItWas()
    {
        using var envelope = new SecretEnvelope([("k1", new byte[32])]);
        await Insert("t1/pods/default/web-1", Encoding.UTF8.GetBytes("pod"), version: 7, modified: new DateTime(2026, 12, 1, 10, 0, 0).AddTicks(1234560));
        await Insert("t2/configmaps/prod/settings", Encoding.UTF8.GetBytes("cm"), version: 2);
        await Insert("t1/secrets/default/db", SealedSecretRow.Seal(envelope, "t1/secrets/default/db", Encoding.UTF8.GetBytes("pw")), version: 3);
        await Insert("t1/pods/default/deleted", payload: null, version: 4); // a deleted object keeps its row and version
        await Insert("node-a", Encoding.UTF8.GetBytes("node"), version: 1, state: "node");
        var before = await Rows(_source);

        var saved = await Snapshot.Save(_source, "sqlite", SnapshotFile, default);
        Assert.Equal(5, saved.Rows);

        var status = await Snapshot.Status(SnapshotFile, default);
        Assert.True(status.ChecksumMatches);
        Assert.Equal(3, status.Objects);
        Assert.Equal(new Dictionary<string, long> { ["t1"] = 2, ["t2"] = 1 }, status.ObjectsByTenant);
        Assert.Equal(7, status.LatestRowVersion);
        Assert.Equal(new Dictionary<string, int> { ["k1"] = 1 }, status.SecretsByKey);
        Assert.Contains("matches the rows", SnapshotCommand.Describe(status));

        var restoredDir = Path.Combine(_dir, "restored");
        var output = new StringWriter();
        var code = await SnapshotCommand.Run(["snapshot", "restore", SnapshotFile, "--data-dir", restoredDir], output, new StringWriter());
        Assert.Equal(0, code);
        Assert.Contains("Restored 5 rows", output.ToString());
        Assert.Contains("encryption-keys", output.ToString());
        Assert.Equal(before, await Rows(StorageBackend.Sqlite(Path.Combine(restoredDir, "store.db"))));
    }

    [Fact]
    public async Task Restore_RefusesADataFolderThatAlreadyHasAStore_AndLeavesItAsItWas()
    {
        await Insert("t1/pods/default/web-1", Encoding.UTF8.GetBytes("pod"), version: 1);
        await Snapshot.Save(_source, "sqlite", SnapshotFile, default);
        await Insert("t1/pods/default/web-2", Encoding.UTF8.GetBytes("pod"), version: 1);
        var before = await Rows(_source);

        var error = new StringWriter();
        var code = await SnapshotCommand.Run(["snapshot", "restore", SnapshotFile, "--data-dir", Path.GetDirectoryName(SourceStore)!], new StringWriter(), error);

        Assert.Equal(1, code);
        Assert.Contains("already exists", error.ToString());
        Assert.Equal(before, await Rows(_source));
    }

    [Fact]
    public async Task Save_NeverWritesOverAFile_AndStatusTellsAFileThatIsNoSnapshot()
    {
        await File.WriteAllTextAsync(SnapshotFile, "precious");
        var error = new StringWriter();
        Assert.Equal(1, await SnapshotCommand.Run(["snapshot", "save", SnapshotFile, "--data-dir", Path.GetDirectoryName(SourceStore)!], new StringWriter(), error));
        Assert.Contains("already exists", error.ToString());
        Assert.Equal("precious", await File.ReadAllTextAsync(SnapshotFile));

        error = new StringWriter();
        Assert.Equal(1, await SnapshotCommand.Run(["snapshot", "status", SourceStore], new StringWriter(), error));
        Assert.Contains("is not a snapshot", error.ToString());
    }

    [Fact]
    public async Task ADamagedSnapshot_FailsItsStatus_AndIsNotRestored()
    {
        await Insert("t1/pods/default/web-1", Encoding.UTF8.GetBytes("pod"), version: 1);
        await Snapshot.Save(_source, "sqlite", SnapshotFile, default);
        await using (var connection = new SqliteConnection($"Data Source={SnapshotFile};Pooling=False"))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "UPDATE OrleansStorage SET Version = 99";
            await command.ExecuteNonQueryAsync();
        }

        var output = new StringWriter();
        Assert.Equal(1, await SnapshotCommand.Run(["snapshot", "status", SnapshotFile], output, new StringWriter()));
        Assert.Contains("DOES NOT MATCH", output.ToString());
        var error = new StringWriter();
        var restoredDir = Path.Combine(_dir, "restored");
        Assert.Equal(1, await SnapshotCommand.Run(["snapshot", "restore", SnapshotFile, "--data-dir", restoredDir], new StringWriter(), error));
        Assert.Contains("damaged", error.ToString());
    }

    [Fact]
    public async Task Restore_OfAMissingOrDamagedSnapshot_LeavesNoStoreBehind_SoThatTheRetrySucceeds()
    {
        var restoredDir = Path.Combine(_dir, "restored");
        var restoredStore = Path.Combine(restoredDir, "store.db");
        var error = new StringWriter();
        Assert.Equal(1, await SnapshotCommand.Run(["snapshot", "restore", SnapshotFile, "--data-dir", restoredDir], new StringWriter(), error));
        Assert.Contains("does not exist", error.ToString());
        Assert.False(File.Exists(restoredStore));

        await Insert("t1/pods/default/web-1", Encoding.UTF8.GetBytes("pod"), version: 1);
        await Snapshot.Save(_source, "sqlite", SnapshotFile, default);
        var damaged = Path.Combine(_dir, "damaged.snapshot");
        File.Copy(SnapshotFile, damaged);
        await using (var connection = new SqliteConnection($"Data Source={damaged};Pooling=False"))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "UPDATE OrleansStorage SET Version = 99";
            await command.ExecuteNonQueryAsync();
        }
        Assert.Equal(1, await SnapshotCommand.Run(["snapshot", "restore", damaged, "--data-dir", restoredDir], new StringWriter(), new StringWriter()));
        Assert.False(File.Exists(restoredStore));

        Assert.Equal(0, await SnapshotCommand.Run(["snapshot", "restore", SnapshotFile, "--data-dir", restoredDir], new StringWriter(), new StringWriter()));
        Assert.Equal(await Rows(_source), await Rows(StorageBackend.Sqlite(restoredStore)));
    }

    [Fact]
    public async Task Save_WithoutPostgresOrDataDir_ReadsTheStoreTheSiloIsConfiguredWith()
    {
        // A SQLite store in the configured data folder, and a configured PostgreSQL that nothing answers: the silo would use
        // PostgreSQL, so the snapshot must come from there (and fail), not from the SQLite file it would never read.
        await Insert("t1/pods/default/web-1", Encoding.UTF8.GetBytes("pod"), version: 1);
        var environment = new Dictionary<string, string>
        {
            ["OO__DataDir"] = Path.GetDirectoryName(SourceStore)!,
            ["OO__Postgres"] = $"Host=127.0.0.1;Port={ClosedPort()};Username=oo;Password=oo;Database=oo;Timeout=3",
        };
        var error = new StringWriter();
        Assert.Equal(1, await SnapshotCommand.Run(["snapshot", "save", SnapshotFile], new StringWriter(), error, environment));
        Assert.Contains("snapshot save failed", error.ToString());
        Assert.False(File.Exists(SnapshotFile));

        // Named on the command line, the data folder is read even so.
        Assert.Equal(0, await SnapshotCommand.Run(["snapshot", "save", SnapshotFile, "--data-dir", Path.GetDirectoryName(SourceStore)!], new StringWriter(), new StringWriter(), environment));
    }

    [Theory]
    [InlineData("snapshot")]
    [InlineData("snapshot save")]
    [InlineData("snapshot restore x.db")]
    [InlineData("snapshot save x.db --data-dir a --postgres b")]
    [InlineData("snapshot status x.db --data-dir a")]
    [InlineData("snapshot save x.db --bogus 1")]
    public async Task UsageErrors_Exit2WithTheUsage(string commandLine)
    {
        var error = new StringWriter();
        Assert.Equal(2, await SnapshotCommand.Run(commandLine.Split(' '), new StringWriter(), error));
        Assert.Contains("usage:", error.ToString());
    }

    /// <summary>A local port nothing listens on (one the system just handed out and took back).</summary>
    private static int ClosedPort()
    {
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private async Task Insert(string key, byte[]? payload, int version, DateTime? modified = null, string state = StorageNames.ObjectState)
    {
        await using var connection = await _source.DataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await StoreRows.Insert(connection, transaction, One(new StoreRow(key.GetHashCode(), 0, 0, state.GetHashCode(), state, key,
            ClusterIdentity.ServiceId, payload, modified ?? new DateTime(2026, 12, 2, 9, 30, 15), version)), default);
        await transaction.CommitAsync();
    }

    private static async IAsyncEnumerable<StoreRow> One(StoreRow row)
    {
        await Task.CompletedTask;
        yield return row;
    }

    /// <summary>Every row, comparable as text (payloads in hex).</summary>
    private static async Task<List<string>> Rows(StorageBackend backend)
    {
        await using var connection = await backend.DataSource.OpenConnectionAsync();
        var rows = new List<string>();
        await foreach (var r in StoreRows.Read(connection, null, StoreRows.CanonicalOrder))
            rows.Add($"{r.GrainIdHash}|{r.GrainIdN0}|{r.GrainIdN1}|{r.GrainTypeHash}|{r.GrainTypeString}|{r.GrainIdExtensionString}|{r.ServiceId}|"
                     + $"{(r.PayloadBinary is null ? "null" : Convert.ToHexString(r.PayloadBinary))}|{r.ModifiedOn.Ticks}|{r.Version}");
        return rows;
    }
}
