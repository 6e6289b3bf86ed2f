using System.Globalization;
using OrleansOrchestrator.Silo.Hosting;
using OrleansOrchestrator.Silo.Storage;

namespace OrleansOrchestrator.Silo.Operations;

/// <summary>
/// <c>snapshot save FILE [--data-dir D | --postgres CONN]</c>, <c>snapshot restore FILE (--data-dir NEW | --postgres CONN)</c>
/// and <c>snapshot status FILE</c>: the store's backup and restore, and with them the move from the embedded SQLite
/// file to PostgreSQL (save from one, restore into the other). Exit codes: 0 done, 1 refused or failed, 2 usage.
/// </summary>
public static class SnapshotCommand
{
    public const string Usage = """
        usage: OrleansOrchestrator.Silo snapshot save FILE [--data-dir DIR | --postgres CONNECTION]
               OrleansOrchestrator.Silo snapshot restore FILE (--data-dir NEW_DIR | --postgres CONNECTION)
               OrleansOrchestrator.Silo snapshot status FILE
        """;

    /// <summary>Whether the command line is this subcommand's (dispatched before the main command's options are parsed).</summary>
    public static bool Handles(IReadOnlyList<string> args) => args is ["snapshot", ..];

    /// <param name="environment">The environment the main command's options are read from (default the process's).</param>
    public static async Task<int> Run(IReadOnlyList<string> args, TextWriter output, TextWriter error, System.Collections.IDictionary? environment = null)
    {
        if (Parse(args) is not { } command)
        {
            error.WriteLine(Usage);
            return 2;
        }
        try
        {
            switch (command.Verb)
            {
                case "save":
                    return await Save(command, output, error, environment);
                case "restore":
                    return await Restore(command, output);
                default:
                    var summary = await Snapshot.Status(command.File, CancellationToken.None);
                    output.Write(Describe(summary));
                    return summary.ChecksumMatches ? 0 : 1;
            }
        }
        catch (Snapshot.SnapshotException e)
        {
            error.WriteLine(e.Message);
            return 1;
        }
        catch (Exception e)
        {
            // An operator's command: the reason in one line, not a stack trace.
            error.WriteLine($"snapshot {command.Verb} failed: {e.Message}");
            return 1;
        }
    }

    private sealed record Command(string Verb, string File, string? DataDir, string? Postgres);

    private static Command? Parse(IReadOnlyList<string> args)
    {
        if (args.Count < 3 || args[1] is not ("save" or "restore" or "status") || args[2].StartsWith("--", StringComparison.Ordinal)) return null;
        var (verb, file, rest) = (args[1], args[2], args.Skip(3).ToArray());
        string? dataDir = null, postgres = null;
        for (var i = 0; i < rest.Length; i += 2)
        {
            if (i + 1 >= rest.Length || rest[i + 1].Length == 0) return null;
            switch (rest[i])
            {
                case "--data-dir" when dataDir is null && verb != "status":
                    dataDir = Path.GetFullPath(rest[i + 1]);
                    break;
                case "--postgres" when postgres is null && verb != "status":
                    postgres = rest[i + 1];
                    break;
                default:
                    return null;
            }
        }
        if (dataDir is not null && postgres is not null) return null;
        if (verb == "restore" && dataDir is null && postgres is null) return null;
        return new Command(verb, Path.GetFullPath(file), dataDir, postgres);
    }

    private static async Task<int> Save(Command command, TextWriter output, TextWriter error, System.Collections.IDictionary? environment)
    {
        StorageBackend source;
        string sourceName;
        // Without --postgres or --data-dir, the store the silo itself would use: its options from appsettings.json and OO__ variables.
        var options = SiloOptions.Parse(command.DataDir is null ? [] : ["--data-dir", command.DataDir], environment);
        if ((command.Postgres ?? (command.DataDir is null ? options.PostgreSql : null)) is { } connection)
        {
            (source, sourceName) = (StorageBackend.PostgreSql(connection), "postgresql");
        }
        else
        {
            if (!File.Exists(options.SqlitePath)) throw new Snapshot.SnapshotException($"There is no store at {options.SqlitePath}.");
            (source, sourceName) = (StorageBackend.Sqlite(options.SqlitePath), "sqlite");
        }
        var info = await Snapshot.Save(source, sourceName, command.File, CancellationToken.None);
        output.WriteLine($"Snapshot saved at {command.File}: {info.Rows} rows, checksum {info.Checksum}.");
        error.WriteLine("Secrets stay encrypted in it: keep the encryption key file (encryption-keys in the data folder, or --encryption-key-file) with the snapshot; without it they cannot be read.");
        return 0;
    }

    private static async Task<int> Restore(Command command, TextWriter output)
    {
        // The snapshot first: a missing or damaged file must leave nothing behind.
        var verified = await Snapshot.Verify(command.File, CancellationToken.None);
        if (command.Postgres is { } connection)
        {
            var info = await Snapshot.Restore(verified, command.File, StorageBackend.PostgreSql(connection), CancellationToken.None);
            Restored(output, command, info, "Start the silos with --postgres and the snapshot's encryption key file (--encryption-key-file).");
            return 0;
        }
        var options = SiloOptions.Parse(["--data-dir", command.DataDir!]);
        // A new data folder: a store file already there (even an empty one) is another cluster's.
        if (File.Exists(options.SqlitePath))
            throw new Snapshot.SnapshotException($"{options.SqlitePath} already exists: restore into a new, empty data folder.");
        var folderCreated = !Directory.Exists(options.DataDir);
        try
        {
            DataFolder.CreateFolder(options.DataDir);
            var info = await Snapshot.Restore(verified, command.File, StorageBackend.Sqlite(OwnerOnlyFile.Touch(options.SqlitePath)), CancellationToken.None);
            Restored(output, command, info, $"Copy the snapshot's encryption key file to {options.EncryptionKeyFilePath} before starting a silo on {options.DataDir}.");
            return 0;
        }
        catch
        {
            // A store file left half-restored (or empty) would refuse the retry, and a silo started there would be an empty cluster.
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            foreach (var suffix in new[] { "", "-wal", "-shm", "-journal" }) File.Delete(options.SqlitePath + suffix);
            if (folderCreated && !Directory.EnumerateFileSystemEntries(options.DataDir).Any()) Directory.Delete(options.DataDir);
            throw;
        }
    }

    private static void Restored(TextWriter output, Command command, Snapshot.Info info, string keyAdvice)
    {
        output.WriteLine($"Restored {info.Rows} rows from {command.File} (saved {info.Created.ToString("u", CultureInfo.InvariantCulture)} from {info.Source}).");
        output.WriteLine(keyAdvice);
    }

    public static string Describe(Snapshot.Summary summary)
    {
        var text = new System.Text.StringBuilder();
        var info = summary.Info;
        text.AppendLine(CultureInfo.InvariantCulture, $"format:          {info.Format}");
        text.AppendLine(CultureInfo.InvariantCulture, $"source:          {info.Source}");
        text.AppendLine(CultureInfo.InvariantCulture, $"saved:           {info.Created.ToString("u", CultureInfo.InvariantCulture)}");
        text.AppendLine(CultureInfo.InvariantCulture, $"rows:            {info.Rows}");
        text.AppendLine(CultureInfo.InvariantCulture, $"objects:         {summary.Objects}");
        text.AppendLine(CultureInfo.InvariantCulture, $"tenants:         {summary.ObjectsByTenant.Count} ({string.Join(", ", summary.ObjectsByTenant.Select(t => $"{t.Key}: {t.Value}"))})");
        text.AppendLine(CultureInfo.InvariantCulture, $"other states:    {summary.OtherStates}");
        text.AppendLine(CultureInfo.InvariantCulture, $"latest version:  {summary.LatestRowVersion}");
        text.AppendLine(CultureInfo.InvariantCulture, $"latest write:    {summary.LatestWrite?.ToString("u", CultureInfo.InvariantCulture) ?? "-"}");
        text.AppendLine(CultureInfo.InvariantCulture, $"secrets:         {string.Join(", ", summary.SecretsByKey.Select(k => $"{k.Value} sealed with key \"{k.Key}\"").Append($"{summary.PlaintextSecrets} unencrypted"))}");
        text.AppendLine(CultureInfo.InvariantCulture, $"checksum:        {info.Checksum} ({(summary.ChecksumMatches ? "matches the rows" : "DOES NOT MATCH the rows: the file is damaged")})");
        return text.ToString();
    }
}
