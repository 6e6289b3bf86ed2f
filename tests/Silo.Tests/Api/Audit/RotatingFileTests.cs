using OrleansOrchestrator.Silo.Api.Audit;

namespace OrleansOrchestrator.Silo.Tests.Api.Audit;

/// <summary>The audit log is moved aside when it would pass its size, and only the newest moved-aside files are kept.</summary>
public sealed class RotatingFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("oo-rotate-").FullName;

    [Fact]
    public void WritingPastMaxSize_RotatesKeepingMaxBackups_NoLineLostOrSplitInTheKeptFiles()
    {
        var clock = new ManualClock(new DateTimeOffset(2026, 12, 3, 1, 0, 0, TimeSpan.Zero));
        var path = Path.Combine(_dir, "audit.log");
        var line = new string('x', 99); // with the two digits in front of 97 of them and the newline: 100 bytes
        using (var file = new RotatingFile(path, maxBytes: 1000, maxBackups: 3, clock))
        {
            for (var i = 0; i < 55; i++)
            {
                file.WriteLine($"{i:D2}{line[2..]}");
                clock.Advance(TimeSpan.FromSeconds(1));
            }
            Assert.Equal(3, file.Backups().Count);
        }

        var files = Directory.GetFiles(_dir).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(4, files.Count);
        Assert.All(files, f => Assert.True(new FileInfo(f).Length <= 1000, $"{f} is {new FileInfo(f).Length} bytes"));
        // 55 lines of 100 bytes, 10 a file: five rotations; the two oldest backups (lines 0-19) are gone.
        var backups = files.Where(f => f != path).ToList();
        Assert.All(backups, b => Assert.Matches(@"audit-2026-12-03T01-00-\d\d\.\d{7}\.log$", b));
        var kept = backups.Append(path).SelectMany(File.ReadAllLines).ToList();
        Assert.Equal(Enumerable.Range(20, 35).Select(i => i.ToString("D2")), kept.Select(l => l[..2]));
        Assert.All(kept, l => Assert.Equal(99, l.Length));
    }

    [Fact]
    public void MaxSizeZero_NeverRotates_MaxBackupsZero_KeepsEveryBackup()
    {
        var clock = new ManualClock(DateTimeOffset.UnixEpoch);
        using (var never = new RotatingFile(Path.Combine(_dir, "never.log"), 0, 1, clock))
            for (var i = 0; i < 100; i++) never.WriteLine("line");
        using (var all = new RotatingFile(Path.Combine(_dir, "all.log"), 10, 0, clock))
            for (var i = 0; i < 6; i++) all.WriteLine("12345678"); // same instant: names still distinct

        Assert.Equal(100, File.ReadAllLines(Path.Combine(_dir, "never.log")).Length);
        Assert.Equal(5, Directory.GetFiles(_dir, "all-*.log").Length);
    }

    [Fact]
    public void OtherFilesSharingThePrefix_AreNotTakenForBackups()
    {
        var path = Path.Combine(_dir, "audit.log");
        File.WriteAllText(Path.Combine(_dir, "audit-notes.log"), "mine");
        using (var file = new RotatingFile(path, 10, 1, new ManualClock(DateTimeOffset.UnixEpoch)))
            for (var i = 0; i < 4; i++) file.WriteLine("12345678");

        Assert.Equal("mine", File.ReadAllText(Path.Combine(_dir, "audit-notes.log")));
    }

    public void Dispose() => Directory.Delete(_dir, true);

    /// <summary>A clock that moves only when the test moves it, so backup names are known.</summary>
    private sealed class ManualClock(DateTimeOffset now) : TimeProvider
    {
        private DateTimeOffset _now = now;
        public override DateTimeOffset GetUtcNow() => _now;
        public void Advance(TimeSpan by) => _now += by;
    }
}
