namespace OrleansOrchestrator.Silo.Hosting;

/// <summary>Files holding secrets (keys, tokens, kubeconfigs, the store) are readable by their owner only.</summary>
public static class OwnerOnlyFile
{
    public const UnixFileMode Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    public static void Write(string path, string contents)
    {
        // Made owner-only, never open for a moment between a create and a chmod; an existing file is tightened too.
        using (var stream = new FileStream(path, Options(FileMode.Create)))
        using (var writer = new StreamWriter(stream))
            writer.Write(contents);
        Tighten(path);
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

    private static FileStreamOptions Options(FileMode mode)
    {
        var options = new FileStreamOptions { Mode = mode, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = Mode;
        return options;
    }
}
