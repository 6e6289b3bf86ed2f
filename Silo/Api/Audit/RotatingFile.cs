using System.Globalization;
using System.Text;

namespace OrleansOrchestrator.Silo.Api.Audit;

/// <summary>
/// An append-only text file that is moved aside when a write would take it past <paramref name="maxBytes"/>, as
/// kube-apiserver's audit log rotates: the full file is renamed with the time it was rotated
/// (<c>audit-2026-12-03T01-02-03.4567890.log</c>, so names sort by age) and only the newest
/// <paramref name="maxBackups"/> of those are kept (0 keeps them all). <paramref name="maxBytes"/> 0 never rotates.
/// One writer at a time (the audit log's background writer).
/// </summary>
public sealed class RotatingFile(string path, long maxBytes, int maxBackups, TimeProvider clock) : IDisposable
{
    private FileStream? _stream;

    public string Path { get; } = System.IO.Path.GetFullPath(path);

    public void WriteLine(string line)
    {
        var bytes = Encoding.UTF8.GetBytes(line + "\n");
        var stream = _stream ??= Open();
        // A line longer than the limit on its own still goes in a file of its own, never split.
        if (maxBytes > 0 && stream.Length > 0 && stream.Length + bytes.Length > maxBytes)
        {
            Rotate();
            stream = _stream = Open();
        }
        stream.Write(bytes);
    }

    public void Flush() => _stream?.Flush(flushToDisk: false);

    /// <summary>The rotated files, oldest first.</summary>
    public IReadOnlyList<string> Backups()
    {
        var (folder, stem, extension) = Parts();
        return Directory.Exists(folder)
            ? [.. Directory.EnumerateFiles(folder, $"{stem}-*{extension}").Where(IsBackupName).Order(StringComparer.Ordinal)]
            : [];
    }

    private void Rotate()
    {
        _stream!.Dispose();
        _stream = null;
        var (folder, stem, extension) = Parts();
        var stamp = clock.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd'T'HH-mm-ss.fffffff", CultureInfo.InvariantCulture);
        var target = System.IO.Path.Combine(folder, $"{stem}-{stamp}{extension}");
        for (var n = 1; File.Exists(target); n++) target = System.IO.Path.Combine(folder, $"{stem}-{stamp}-{n:D3}{extension}");
        File.Move(Path, target);
        if (maxBackups <= 0) return;
        var backups = Backups();
        foreach (var old in backups.Take(Math.Max(0, backups.Count - maxBackups))) File.Delete(old);
    }

    private FileStream Open()
    {
        var options = new FileStreamOptions { Mode = FileMode.Append, Access = FileAccess.Write, Share = FileShare.Read };
        // Who did what in every tenant: the data folder's owner's only.
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        return new FileStream(Path, options);
    }

    private (string Folder, string Stem, string Extension) Parts() =>
        (System.IO.Path.GetDirectoryName(Path)!, System.IO.Path.GetFileNameWithoutExtension(Path), System.IO.Path.GetExtension(Path));

    private bool IsBackupName(string file)
    {
        var (_, stem, extension) = Parts();
        var name = System.IO.Path.GetFileName(file);
        var middle = name[(stem.Length + 1)..^extension.Length];
        // yyyy-MM-ddTHH-mm-ss.fffffff, perhaps with a -NNN suffix: not some other file that shares the prefix.
        return middle.Length >= 27 && char.IsAsciiDigit(middle[0]) && middle[10] == 'T';
    }

    public void Dispose()
    {
        _stream?.Dispose();
        _stream = null;
    }
}
