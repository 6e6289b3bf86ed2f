using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography.X509Certificates;

namespace OrleansOrchestrator.Bench.Infrastructure;

/// <summary>How a benchmark's silo is started: simulated nodes, the local Docker agent, PostgreSQL.</summary>
public sealed record SiloSettings
{
    public int SimulatedNodes { get; init; }
    /// <summary>Run the main command's local agent on the Docker engine under this node name (null: <c>--no-agent</c>).</summary>
    public string? DockerNodeName { get; init; }
    public string? PostgreSql { get; init; }
    /// <summary>Ask the silo for its gauges line (<c>--metrics-interval</c>) this often; <see cref="BenchSilo.Metrics"/> holds the latest.</summary>
    public int? MetricsSeconds { get; init; }
    /// <summary>More options of the main command, e.g. <c>--event-ttl 300</c>.</summary>
    public IReadOnlyList<string> ExtraArgs { get; init; } = [];
    /// <summary>Another build of the silo than this checkout's (e.g. to compare before and after a change).</summary>
    public string? SiloDll { get; init; }
    /// <summary>The token file (<c>tokens.csv</c> lines) to start with, e.g. to add a read-only user (null: the silo makes one admin token).</summary>
    public string? Tokens { get; init; }

    /// <summary>The silo's <c>--credentials-dir</c>, which the silos of one database share (null: its data folder).</summary>
    public string? CredentialsDir { get; init; }
    /// <summary>Variables added to the silo process's environment (e.g. a heap limit).</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();
}

/// <summary>
/// A silo process for one benchmark run (the product's main command, as users run it), with its own data
/// folder and loopback ports. Killed, with its data folder removed, on dispose — also when the run fails.
/// </summary>
public sealed class BenchSilo : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Queue<string> _lastLines = new();
    private IDisposable[] _signals = [];

    private BenchSilo(Process process, string dataDir, string credentialsPath, int apiPort, int dashboardPort)
    {
        _process = process;
        DataDir = dataDir;
        CredentialsPath = credentialsPath;
        ApiPort = apiPort;
        DashboardPort = dashboardPort;
    }

    public string DataDir { get; }
    /// <summary>Where the silo's certificate and tokens are: its <c>--credentials-dir</c> (silos of one database share one), or its data folder.</summary>
    public string CredentialsPath { get; }
    public int ApiPort { get; }
    public int DashboardPort { get; }
    public int ProcessId => _process.Id;
    public bool HasExited => _process.HasExited;

    /// <summary>Completes when the silo's process exits.</summary>
    public Task Exit => _process.WaitForExitAsync();

    /// <summary>The silo's last lines of output, for a failure message.</summary>
    public string Tail { get { lock (_lastLines) return string.Join('\n', _lastLines); } }

    public static async Task<BenchSilo> Start(SiloSettings settings)
    {
        var root = AppContext.BaseDirectory;
        var dll = settings.SiloDll is { } other ? Path.GetFullPath(other) : Path.GetFullPath(Path.Combine(root, "..", "..", "..", "..", "Silo", "bin",
            root.Contains("/Release/", StringComparison.Ordinal) ? "Release" : "Debug", "net10.0", "OrleansOrchestrator.Silo.dll"));
        if (!File.Exists(dll)) throw new FileNotFoundException($"build the silo first (dotnet build -c Release bench): {dll}");
        var dataDir = Directory.CreateTempSubdirectory("oo-bench-").FullName;
        var credentialsPath = settings.CredentialsDir ?? dataDir;
        if (settings.Tokens is { } tokens) File.WriteAllText(Path.Combine(credentialsPath, "tokens.csv"), tokens);
        var apiPort = FreePort();
        var dashboardPort = FreePort();
        var args = new List<string>
        {
            dll, "--data-dir", dataDir, "--api-port", $"{apiPort}", "--dashboard-port", $"{dashboardPort}",
            "--silo-port", $"{FreePort()}", "--gateway-port", $"{FreePort()}",
        };
        if (settings.SimulatedNodes > 0) args.AddRange(["--simulated-nodes", $"{settings.SimulatedNodes}"]);
        if (settings.DockerNodeName is { } node) args.AddRange(["--node-name", node]);
        else args.Add("--no-agent");
        if (settings.PostgreSql is { } pg) args.AddRange(["--postgres", pg]);
        if (settings.CredentialsDir is { } credentials) args.AddRange(["--credentials-dir", credentials]);
        if (settings.MetricsSeconds is { } metrics) args.AddRange(["--metrics-interval", $"{metrics}"]);
        args.AddRange(settings.ExtraArgs);

        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) info.ArgumentList.Add(a);
        foreach (var (name, value) in settings.Environment) info.Environment[name] = value;
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var silo = new BenchSilo(process, dataDir, credentialsPath, apiPort, dashboardPort);
        void Collect(string? line)
        {
            if (line is null) return;
            if (line.StartsWith(MetricsLinePrefix, StringComparison.Ordinal))
            {
                silo.Metrics = ParseMetrics(line[MetricsLinePrefix.Length..]);
                return;
            }
            lock (silo._lastLines)
            {
                silo._lastLines.Enqueue(line);
                while (silo._lastLines.Count > 40) silo._lastLines.Dequeue();
            }
            // The start-up banner ends with the agent's line.
            if (line.TrimStart().StartsWith("Agent:", StringComparison.Ordinal)) ready.TrySetResult();
        }
        process.OutputDataReceived += (_, e) => Collect(e.Data);
        process.ErrorDataReceived += (_, e) => Collect(e.Data);
        process.Exited += (_, _) => ready.TrySetException(new InvalidOperationException($"the silo exited with code {process.ExitCode}:\n{silo.Tail}"));
        process.Start();
        // Ctrl-C or a kill of the bench must not leave the silo running.
        silo._signals = [
            System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGINT, _ => silo.KillNow()),
            System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, _ => silo.KillNow()),
        ];
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await ready.Task.WaitAsync(TimeSpan.FromMinutes(2));
        }
        catch
        {
            await silo.DisposeAsync();
            throw;
        }
        return silo;
    }

    // The silo's MetricsLog.LinePrefix (the bench runs the silo as a process and does not reference it).
    private const string MetricsLinePrefix = "metrics:";

    /// <summary>The silo's latest gauges line (with <see cref="SiloSettings.MetricsSeconds"/>), by instrument name; empty before the first.</summary>
    public IReadOnlyDictionary<string, long> Metrics { get; private set; } = new Dictionary<string, long>();

    private static Dictionary<string, long> ParseMetrics(string text) =>
        text.Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Select(pair => pair.Split('=', 2))
            .Where(pair => pair.Length == 2 && long.TryParse(pair[1], NumberStyles.None, CultureInfo.InvariantCulture, out _))
            .ToDictionary(pair => pair[0], pair => long.Parse(pair[1], NumberStyles.None, CultureInfo.InvariantCulture));

    /// <summary>The administrator's token the silo wrote to its kubeconfig (its token file keeps only the token's hash).</summary>
    public string AdminToken() =>
        File.ReadLines(Path.Combine(DataDir, "kubeconfig")).Select(l => l.Trim()).First(l => l.StartsWith("token: ", StringComparison.Ordinal))["token: ".Length..].Trim();

    /// <param name="token">Whose token the client sends (null: the administrator's).</param>
    public BenchClient Client(string? token = null)
    {
        using var certificate = X509Certificate2.CreateFromPem(File.ReadAllText(Path.Combine(CredentialsPath, "tls", "apiserver.crt")));
        var thumbprint = certificate.Thumbprint;
        token ??= AdminToken();
        var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = 256,
            SslOptions = { RemoteCertificateValidationCallback = (_, c, _, _) => c is X509Certificate2 c2 && c2.Thumbprint == thumbprint },
        };
        var http = new HttpClient(handler) { BaseAddress = new Uri($"https://127.0.0.1:{ApiPort}"), Timeout = Timeout.InfiniteTimeSpan };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return new BenchClient(http);
    }

    /// <summary>The silo's peak resident memory (VmHWM), the measure the memory target uses.</summary>
    public double PeakMemoryMiB() => Status("VmHWM:") / 1024.0;

    /// <summary>The silo's resident memory now (VmRSS).</summary>
    public double MemoryMiB() => Status("VmRSS:") / 1024.0;

    /// <summary>The silo's threads now.</summary>
    public double Threads() => Status("Threads:");

    /// <summary>A number field of /proc/PID/status (memory in KiB); NaN once the process is gone.</summary>
    private double Status(string field)
    {
        try
        {
            var line = File.ReadLines($"/proc/{_process.Id}/status").First(l => l.StartsWith(field, StringComparison.Ordinal));
            return long.Parse(line[field.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is IOException or InvalidOperationException)
        {
            return double.NaN;
        }
    }

    /// <summary>CPU time the silo process has used so far (user + system).</summary>
    public TimeSpan CpuTime()
    {
        try { _process.Refresh(); return _process.TotalProcessorTime; }
        catch (InvalidOperationException) { return TimeSpan.Zero; }
    }

    /// <summary>The test harness' picker: outside the ranges where the kernel, node ports and agents' DNS take ports.</summary>
    public static int FreePort() => OrleansOrchestrator.EndToEnd.Tests.Infrastructure.FreePort.Next();

    /// <summary>SIGKILL, and nothing else: the data folder stays until <see cref="DisposeAsync"/> (a timed kill must not include a clean-up).</summary>
    public void Kill() => KillNow();

    private void KillNow()
    {
        try { if (!_process.HasExited) _process.Kill(entireProcessTree: true); }
        catch (InvalidOperationException) { }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var s in _signals) s.Dispose();
        try
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        }
        catch (InvalidOperationException) { }
        _process.Dispose();
        try { Directory.Delete(DataDir, recursive: true); }
        catch (IOException) { }
    }
}
