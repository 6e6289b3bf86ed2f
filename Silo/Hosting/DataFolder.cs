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

    /// <returns>The folder of the dashboard's cookie keys (see <see cref="DashboardKeys"/>).</returns>
    public static string Prepare(SiloOptions options)
    {
        CreateFolder(options.DataDir);
        var dashboardKeys = DashboardKeys(options);
        // A separate credentials folder may be a mounted secret or another host's share: its modes are its owner's to set.
        var credentialsHere = options.CredentialsDir is null;
        foreach (var folder in new[] { dashboardKeys, credentialsHere ? options.TlsDir : null }.OfType<string>().Where(Directory.Exists))
        {
            CreateFolder(folder);
            foreach (var file in Directory.EnumerateFiles(folder)) OwnerOnlyFile.Tighten(file);
        }
        // Only the silo's own files: the folder may be one the user also keeps other things in.
        string[] files = [options.SqlitePath, $"{options.SqlitePath}-wal", $"{options.SqlitePath}-shm", options.KubeconfigPath,
            .. credentialsHere ? [options.TokenFilePath, Path.Combine(options.DataDir, Storage.Encryption.EncryptionKeyFile.DefaultName), options.ServiceAccountKeyPath] : Array.Empty<string>()];
        foreach (var file in files.Where(File.Exists)) OwnerOnlyFile.Tighten(file);
        return dashboardKeys;
    }

    /// <summary>
    /// Makes (owner-only: ASP.NET's data protection would make it open) the folder of the dashboard's cookie keys:
    /// <see cref="SiloOptions.DashboardKeysPath"/> in the credentials folder, so that every silo of a control plane
    /// reads the sessions any of them began and a load balancer may move a signed-in user. A credentials folder that
    /// cannot be written (a read-only mounted secret) leaves the keys to each silo's data folder, as with one silo.
    /// </summary>
    private static string DashboardKeys(SiloOptions options)
    {
        try
        {
            CreateFolder(options.DashboardKeysPath);
            return options.DashboardKeysPath;
        }
        catch (Exception e) when (options.CredentialsDir is not null && e is UnauthorizedAccessException or IOException)
        {
            var own = Path.Combine(options.DataDir, SiloOptions.DashboardKeysFolder);
            Console.Error.WriteLine($"warning: {options.DashboardKeysPath} cannot be made or written ({e.Message}); the dashboard's sessions are this silo's own ({own}): a user a load balancer moves to another silo signs in again.");
            CreateFolder(own);
            return own;
        }
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
