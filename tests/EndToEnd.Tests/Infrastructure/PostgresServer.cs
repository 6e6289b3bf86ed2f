using System.Diagnostics;

namespace OrleansOrchestrator.EndToEnd.Tests.Infrastructure;

/// <summary>
/// A throwaway PostgreSQL server on a free loopback port, in a temporary folder owned by the
/// <c>postgres</c> user (initdb refuses root), as ../shared/SETUP.md describes. Stopped and removed on dispose.
/// </summary>
public sealed class PostgresServer : IAsyncLifetime
{
    private readonly string _dir = Directory.CreateTempSubdirectory("oo-pg-").FullName;

    public int Port { get; } = FreePort.Next();

    public string ConnectionString(string database) =>
        $"Host=127.0.0.1;Port={Port};Username=postgres;Database={database};Maximum Pool Size=20";

    private static string Bin(string tool)
    {
        var candidates = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin", tool)).Where(File.Exists).ToList()
            : [];
        return candidates.Count > 0
            ? candidates.OrderDescending().First()
            : throw new InvalidOperationException($"PostgreSQL's {tool} is not installed (.ci/run installs the postgresql package)");
    }

    public async Task InitializeAsync()
    {
        await Run("chown", "-R", "postgres:", _dir);
        await RunAsPostgres(Bin("initdb"), "-D", $"{_dir}/data", "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync");
        await Start();
    }

    /// <summary>Starts the server (again, after <see cref="Stop"/>) on the same port and data.</summary>
    public Task Start() =>
        RunAsPostgres(Bin("pg_ctl"), "-D", $"{_dir}/data", "-l", $"{_dir}/log", "-w", "-o",
            $"-p {Port} -c listen_addresses=127.0.0.1 -k {_dir} -c fsync=off", "start");

    /// <summary>Stops the server as an operator's restart does (fast: open connections are cut, committed data kept).</summary>
    public Task Stop() => RunAsPostgres(Bin("pg_ctl"), "-D", $"{_dir}/data", "-m", "fast", "-w", "stop");

    public async Task CreateDatabase(string name) =>
        await RunAsPostgres(Bin("createdb"), "-h", "127.0.0.1", "-p", $"{Port}", "-U", "postgres", name);

    /// <summary>The database as <c>pg_dump</c> writes it (plain SQL; <c>bytea</c> columns in hex).</summary>
    public Task<string> Dump(string database) =>
        Run("runuser", "-u", "postgres", "--", Bin("pg_dump"), "-h", "127.0.0.1", "-p", $"{Port}", "-U", "postgres", database);

    public async Task DisposeAsync()
    {
        try { await RunAsPostgres(Bin("pg_ctl"), "-D", $"{_dir}/data", "-m", "immediate", "stop"); }
        finally { Directory.Delete(_dir, recursive: true); }
    }

    private static Task RunAsPostgres(params string[] command) => Run("runuser", ["-u", "postgres", "--", .. command]);

    private static async Task<string> Run(string file, params string[] args)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) info.ArgumentList.Add(a);
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} failed ({process.ExitCode}): {await output}{await error}");
        return await output;
    }
}
