namespace OrleansOrchestrator.Silo.Hosting;

/// <summary>Files holding secrets (keys, tokens, kubeconfigs) are readable by their owner only.</summary>
public static class OwnerOnlyFile
{
    public static void Write(string path, string contents)
    {
        File.WriteAllText(path, contents);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }
}
