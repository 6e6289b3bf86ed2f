namespace OrleansOrchestrator.Silo.Hosting;

/// <summary>
/// The data folder holds the store (Secrets in it encrypted with the key file beside it), the tokens,
/// the kubeconfig and the keys: it is its owner's only (0700, the silo's files in it 0600), and what an
/// earlier version left open is closed at start. The local agent's pod volumes (<see cref="SiloOptions.AgentDataDir"/>)
/// are left as they are: containers running as other users read their files.
/// </summary>
public static class DataFolder
{
    public const UnixFileMode Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    public static void Prepare(SiloOptions options)
    {
        CreateFolder(options.DataDir);
        // ASP.NET's data protection would make this one open.
        CreateFolder(options.DashboardKeysPath);
        // A separate credentials folder may be a mounted secret or another host's share: its modes are its owner's to set.
        var credentialsHere = options.CredentialsDir is null;
        foreach (var folder in new[] { options.DashboardKeysPath, credentialsHere ? options.TlsDir : null }.OfType<string>().Where(Directory.Exists))
        {
            CreateFolder(folder);
            foreach (var file in Directory.EnumerateFiles(folder)) OwnerOnlyFile.Tighten(file);
        }
        // Only the silo's own files: the folder may be one the user also keeps other things in.
        string[] files = [options.SqlitePath, $"{options.SqlitePath}-wal", $"{options.SqlitePath}-shm", options.KubeconfigPath,
            .. credentialsHere ? [options.TokenFilePath, Path.Combine(options.DataDir, Storage.Encryption.EncryptionKeyFile.DefaultName), options.ServiceAccountKeyPath] : Array.Empty<string>()];
        foreach (var file in files.Where(File.Exists)) OwnerOnlyFile.Tighten(file);
    }

    /// <summary>Creates an owner-only folder, or makes an existing one owner-only.</summary>
    public static void CreateFolder(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
            return;
        }
        Directory.CreateDirectory(path, Mode);
        File.SetUnixFileMode(path, Mode);
    }
}
