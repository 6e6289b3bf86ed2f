using OrleansOrchestrator.EndToEnd.Tests.Infrastructure;

namespace OrleansOrchestrator.EndToEnd.Tests.Hosting;

/// <summary>
/// The data folder holds the store (Secrets in plain text until they are encrypted at rest), the tokens and
/// the keys: after a start, nobody but its owner can read any of it — also when an earlier version left it open.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class DataFolderTests
{
    private const UnixFileMode OwnerOnlyFolder = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode OwnerOnlyFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    [Fact]
    public async Task SiloStart_FolderLeftOpen_FolderAndEveryFileOwnerOnly()
    {
        await using var silo = new SiloProcess();
        File.SetUnixFileMode(silo.DataDir, OwnerOnlyFolder | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);

        await silo.Start();
        // The store's -wal and -shm files come with its first writes, which the start-up's bootstrap makes.
        await Eventually.True(() => File.Exists(Path.Combine(silo.DataDir, "store.db-wal")), "the store's write-ahead log");

        var entries = new DirectoryInfo(silo.DataDir).EnumerateFileSystemInfos("*", SearchOption.AllDirectories).Prepend(new DirectoryInfo(silo.DataDir)).ToList();
        Assert.Contains(entries, e => e.Name == "store.db-shm");
        Assert.Contains(entries, e => e.Name == "apiserver.crt");
        var open = entries
            .Where(e => e.UnixFileMode != (e is DirectoryInfo ? OwnerOnlyFolder : OwnerOnlyFile))
            .Select(e => $"{Path.GetRelativePath(silo.DataDir, e.FullName)} {Convert.ToString((int)e.UnixFileMode, 8)}");
        Assert.Empty(open);
    }
}
