namespace OrleansOrchestrator.Bench.Infrastructure;

/// <summary>
/// A throwaway PostgreSQL server on a free loopback port, in a temporary folder owned by the <c>postgres</c>
/// user (initdb refuses root), as ../shared/SETUP.md and the end-to-end tests do. Durable by default
/// (fsync and synchronous_commit on, as a user would run it). Stopped and removed on dispose.
/// </summary>
public sealed class PostgresServer : IAsyncDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("oo-bench-pg-").FullName;
    private bool _started;

    public int Port { get; } = BenchSilo.FreePort();

    public string ConnectionString(string database) =>
        $"Host=127.0.0.1;Port={Port};Username=postgres;Database={database};Maximum Pool Size=20";

    private static string Bin(string tool)
    {
        var candidates = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin", tool)).Where(File.Exists).ToList()
            : [];
        return candidates.Count > 0
            ? candidates.OrderDescending().First()
            : throw new InvalidOperationException($"PostgreSQL's {tool} is not installed (apt-get install -y postgresql)");
    }

    public static async Task<PostgresServer> Start(bool fsync)
    {
        var server = new PostgresServer();
        try
        {
            await Shell.Run("chown", ["-R", "postgres:", server._dir]);
            await AsPostgres(Bin("initdb"), "-D", $"{server._dir}/data", "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync");
            server._started = true;
            await AsPostgres(Bin("pg_ctl"), "-D", $"{server._dir}/data", "-l", $"{server._dir}/log", "-w", "-o",
                $"-p {server.Port} -c listen_addresses=127.0.0.1 -k {server._dir} -c fsync={(fsync ? "on" : "off")}", "start");
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    public Task CreateDatabase(string name) => AsPostgres(Bin("createdb"), "-h", "127.0.0.1", "-p", $"{Port}", "-U", "postgres", name);

    private static Task<string> AsPostgres(params string[] command) => Shell.Run("runuser", ["-u", "postgres", "--", .. command]);

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_started) await AsPostgres(Bin("pg_ctl"), "-D", $"{_dir}/data", "-m", "immediate", "stop");
        }
        catch (Exception e)
        {
            Console.Error.WriteLine($"stopping PostgreSQL failed: {e.Message}");
        }
        finally
        {
            try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
        }
    }
}
