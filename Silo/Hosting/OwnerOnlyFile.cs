namespace OrleansOrchestrator.Silo.Hosting;

/// <summary>Files holding secrets (keys, tokens, kubeconfigs, the store) are readable by their owner only.</summary>
public static class OwnerOnlyFile
{
    public const UnixFileMode Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>
    /// Replaces the file whole and durably: written beside it, flushed to the disk, renamed over it, and the rename
    /// flushed too. A reader (the token file's reload) never sees half a file, and a power loss right after the call
    /// never leaves an empty key file while the store already holds Secrets sealed under that key.
    /// </summary>
    public static void Write(string path, string contents)
    {
        var temporary = $"{path}.{Environment.ProcessId}.tmp";
        // Made owner-only, never open for a moment between a create and a chmod.
        using (var stream = new FileStream(temporary, Options(FileMode.Create)))
        {
            using (var writer = new StreamWriter(stream, leaveOpen: true))
                writer.Write(contents);
            stream.Flush(flushToDisk: true);
        }
        Tighten(temporary);
        File.Move(temporary, path, overwrite: true);
        FlushDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
    }

    /// <summary>
    /// Makes an empty owner-only file unless one exists, for what another library opens later: SQLite keeps the
    /// mode of a database it finds and gives its -wal and -shm files the database's own.
    /// </summary>
    public static string Touch(string path)
    {
        if (!File.Exists(path)) new FileStream(path, Options(FileMode.CreateNew)).Dispose();
        Tighten(path);
        return path;
    }

    public static void Tighten(string path)
    {
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, Mode);
    }

    /// <summary>A rename is durable once its folder is flushed (Linux: fsync of the folder).</summary>
    private static void FlushDirectory(string directory)
    {
        if (OperatingSystem.IsWindows()) return;
        var handle = Native.open(directory, Native.ReadOnlyDirectory);
        if (handle < 0) return; // best effort: the file itself is already on the disk
        try { Native.fsync(handle); }
        finally { Native.close(handle); }
    }

    private static class Native
    {
        public const int ReadOnlyDirectory = 0x10000; // O_RDONLY | O_DIRECTORY

        [System.Runtime.InteropServices.DllImport("libc", SetLastError = true)]
        public static extern int open([System.Runtime.InteropServices.MarshalAs(System.Runtime.InteropServices.UnmanagedType.LPUTF8Str)] string path, int flags);

        [System.Runtime.InteropServices.DllImport("libc", SetLastError = true)]
        public static extern int fsync(int fd);

        [System.Runtime.InteropServices.DllImport("libc", SetLastError = true)]
        public static extern int close(int fd);
    }

    private static FileStreamOptions Options(FileMode mode)
    {
        var options = new FileStreamOptions { Mode = mode, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = Mode;
        return options;
    }
}
