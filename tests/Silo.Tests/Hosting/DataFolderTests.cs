using Microsoft.Data.Sqlite;
using OrleansOrchestrator.Silo.Hosting;

namespace OrleansOrchestrator.Silo.Tests.Hosting;

/// <summary>The data folder holds Secrets and tokens: its owner's only, however it came to be.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class DataFolderTests : IDisposable
{
    private const UnixFileMode Open = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
    private const UnixFileMode OpenFolder = Open | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;

    private readonly string _root = Directory.CreateTempSubdirectory("oo-data-folder-").FullName;

    [Fact]
    public void Prepare_NewFolder_IsOwnerOnly()
    {
        var options = new SiloOptions { DataDir = Path.Combine(_root, "data") };

        DataFolder.Prepare(options);

        Assert.Equal(DataFolder.Mode, File.GetUnixFileMode(options.DataDir));
        Assert.Equal(DataFolder.Mode, File.GetUnixFileMode(options.DashboardKeysPath));
    }

    [Fact]
    public void Prepare_FolderLeftOpenByAnEarlierVersion_ClosesItAndTheSilosFiles()
    {
        var options = new SiloOptions { DataDir = Path.Combine(_root, "data") };
        var silosFiles = new[]
        {
            options.SqlitePath, $"{options.SqlitePath}-wal", $"{options.SqlitePath}-shm", options.TokenFilePath, options.KubeconfigPath,
            Path.Combine(options.TlsDir, "apiserver.crt"), Path.Combine(options.TlsDir, "apiserver.key"), Path.Combine(options.DashboardKeysPath, "key-1.xml"),
        };
        var volume = Path.Combine(options.AgentDataDir, "pod-uid", "config", "app.properties");
        var usersOwn = Path.Combine(options.DataDir, "notes.txt");
        foreach (var file in silosFiles.Append(volume).Append(usersOwn)) MakeOpen(file);

        DataFolder.Prepare(options);

        foreach (var folder in new[] { options.DataDir, options.TlsDir, options.DashboardKeysPath })
            Assert.Equal(DataFolder.Mode, File.GetUnixFileMode(folder));
        foreach (var file in silosFiles)
            Assert.Equal(OwnerOnlyFile.Mode, File.GetUnixFileMode(file));
        // Containers running as other users read pod volumes; files the silo did not write are not its to change.
        Assert.Equal(Open, File.GetUnixFileMode(volume));
        Assert.Equal(Open, File.GetUnixFileMode(usersOwn));
    }

    [Fact]
    public void OwnerOnlyFile_TouchedStore_SqliteMakesItsWalAndShmOwnerOnly()
    {
        var store = OwnerOnlyFile.Touch(Path.Combine(_root, "store.db"));

        using (var connection = new SqliteConnection($"Data Source={store};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA journal_mode=WAL; CREATE TABLE t (x); INSERT INTO t VALUES (1);";
            command.ExecuteNonQuery();
            foreach (var file in new[] { store, $"{store}-wal", $"{store}-shm" })
                Assert.Equal(OwnerOnlyFile.Mode, File.GetUnixFileMode(file));
        }
    }

    [Fact]
    public void OwnerOnlyFile_Write_OverAnOpenFile_ClosesIt()
    {
        var path = Path.Combine(_root, "kubeconfig");
        MakeOpen(path);

        OwnerOnlyFile.Write(path, "apiVersion: v1");

        Assert.Equal(OwnerOnlyFile.Mode, File.GetUnixFileMode(path));
        Assert.Equal("apiVersion: v1", File.ReadAllText(path));
    }

    [Fact]
    public void OwnerOnlyFile_Write_ReplacesTheFileWhole_LeavingNothingBeside()
    {
        var path = Path.Combine(_root, "encryption-keys");
        OwnerOnlyFile.Write(path, "old:" + new string('a', 10_000));

        OwnerOnlyFile.Write(path, "new:AAAA");

        // A reader sees the old contents or the new ones, never a mix: the new file took the old one's place.
        Assert.Equal("new:AAAA", File.ReadAllText(path));
        Assert.Equal([path], Directory.GetFiles(_root));
        Assert.Equal(OwnerOnlyFile.Mode, File.GetUnixFileMode(path));
    }

    private static void MakeOpen(string file)
    {
        for (var folder = Path.GetDirectoryName(file)!; !Directory.Exists(folder) || File.GetUnixFileMode(folder) != OpenFolder; folder = Path.GetDirectoryName(folder)!)
        {
            Directory.CreateDirectory(folder);
            File.SetUnixFileMode(folder, OpenFolder);
        }
        File.WriteAllText(file, "x");
        File.SetUnixFileMode(file, Open);
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);
}
