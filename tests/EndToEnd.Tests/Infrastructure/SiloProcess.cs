using System.Diagnostics;
using System.Text;

namespace OrleansOrchestrator.EndToEnd.Tests.Infrastructure;

/// <summary>
/// The product's main command as a child process (the real thing: its own ports, data folder, TLS,
/// kubeconfig), which a test can stop, kill and start again over the same data.
/// </summary>
public sealed class SiloProcess : IAsyncDisposable
{
    private readonly StringBuilder _output = new();
    private Process? _process;

    private readonly IReadOnlyList<string> _extraArgs;
    private readonly IReadOnlyDictionary<string, string> _environment;
    private readonly string _readyMarker;

    /// <param name="dockerAgent">Run the main command's local agent on the Docker engine (off by default: tests share one engine).</param>
    /// <param name="environment">Variables added to the process's environment (e.g. a heap limit).</param>
    /// <param name="servicePrefixLength">The prefix of the silo's service range (20 to 28): a test that fills much of it asks for a small one.</param>
    public SiloProcess(string? dataDir = null, string? postgres = null, IReadOnlyList<string>? extraArgs = null, bool dockerAgent = false,
        IReadOnlyDictionary<string, string>? environment = null, int servicePrefixLength = 20)
    {
        _servicePrefixLength = servicePrefixLength;
        _environment = environment ?? new Dictionary<string, string>();
        _extraArgs = dockerAgent ? extraArgs ?? [] : [.. extraArgs ?? [], "--no-agent"];
        // Silos of one database are one control plane and share one credentials folder, as an operator's do (a silo with
        // other keys is refused), unless the test names a folder itself.
        var credentials = _extraArgs.ToList().IndexOf("--credentials-dir");
        CredentialsDir = credentials >= 0 ? _extraArgs[credentials + 1] : postgres is null ? null : CredentialsOfDatabase.GetOrAdd(postgres, _ => Directory.CreateTempSubdirectory("oo-credentials-").FullName);
        if (credentials < 0 && CredentialsDir is not null) _extraArgs = [.. _extraArgs, "--credentials-dir", CredentialsDir];
        _readyMarker = "Agent:";
        DataDir = dataDir ?? Directory.CreateTempSubdirectory("oo-silo-").FullName;
        Postgres = postgres;
        ApiPort = FreePort.Next();
        DashboardPort = FreePort.Next();
        SiloPort = FreePort.Next();
        GatewayPort = FreePort.Next();
        // One database, one cluster: its silos share the service range too (the certificate names the kubernetes Service's address).
        _network = postgres is null ? NetworkSlice.Lease() : NetworkOfDatabase.Take(postgres);
        _postgresNetwork = postgres;
    }

    /// <summary>This silo's own service range and node ports, which no other test silo on the machine uses meanwhile.</summary>
    private readonly NetworkSlice _network;
    private readonly string? _postgresNetwork;

    private static readonly SharedSlices NetworkOfDatabase = new();

    /// <summary>Network slices shared by the silos of one database, given back when the last of them is disposed.</summary>
    private sealed class SharedSlices
    {
        private readonly Dictionary<string, (NetworkSlice Slice, int Users)> _slices = new(StringComparer.Ordinal);

        public NetworkSlice Take(string database)
        {
            lock (_slices)
            {
                var (slice, users) = _slices.TryGetValue(database, out var held) ? held : (NetworkSlice.Lease(), 0);
                _slices[database] = (slice, users + 1);
                return slice;
            }
        }

        public void Give(string database)
        {
            lock (_slices)
            {
                var (slice, users) = _slices[database];
                if (users > 1) { _slices[database] = (slice, users - 1); return; }
                _slices.Remove(database);
                slice.Dispose();
            }
        }
    }

    private readonly int _servicePrefixLength;

    /// <summary>
    /// The main command as README starts it: <c>dotnet run --project Silo</c> from <paramref name="workingDirectory"/>,
    /// without <c>--data-dir</c> (the data folder is expected at <c>./data</c>); only the ports are its own.
    /// </summary>
    public static SiloProcess AsReadmeRunsIt(string workingDirectory) => new(workingDirectory, readme: true);

    private SiloProcess(string workingDirectory, bool readme) : this(Path.Combine(workingDirectory, "data"))
    {
        _workingDirectory = workingDirectory;
        _dotnetRun = readme;
    }

    private readonly string? _workingDirectory;
    private readonly bool _dotnetRun;

    /// <summary>The main command in <c>--dashboard-only</c> mode: the dashboard as an Orleans client of a running silo.</summary>
    public static SiloProcess DashboardOnly(SiloProcess silo) => new(silo);

    private SiloProcess(SiloProcess silo) : this(silo.DataDir)
    {
        _extraArgs = ["--dashboard-only", $"127.0.0.1:{silo.GatewayPort}"];
        // The dashboard-only banner ends with the dashboard's line.
        _readyMarker = "Dashboard:";
        OwnsDataDir = false;
    }

    /// <summary>Whether disposing deletes the data folder (not when it is another process's).</summary>
    private bool OwnsDataDir { get; } = true;

    public string DataDir { get; }
    public string? Postgres { get; }
    public int ApiPort { get; }
    public int DashboardPort { get; }
    public int SiloPort { get; }
    public int GatewayPort { get; }
    /// <summary>The silo's <c>--service-cidr</c>: a /20 (or a smaller part of it, see the constructor) no other test silo on this machine has.</summary>
    public string ServiceCidr => _network.Cidr(_servicePrefixLength);

    /// <summary>The silo's <c>--service-node-port-range</c>: a slice of 30000–32767 no other test silo on this machine has.</summary>
    public int NodePortMin => _network.NodePortMin;

    public int NodePortMax => _network.NodePortMax;

    /// <summary>The silo's <c>--credentials-dir</c>: shared by the silos of one test database; null: the data folder.</summary>
    public string? CredentialsDir { get; }

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> CredentialsOfDatabase = new();

    public string KubeconfigPath => Path.Combine(DataDir, "kubeconfig");
    /// <summary>Where this silo's credentials are: <see cref="CredentialsDir"/>, or its data folder.</summary>
    public string CredentialsPath => CredentialsDir ?? DataDir;
    public string TokenFilePath => Path.Combine(CredentialsPath, "tokens.csv");
    /// <summary>The API's generated certificate (PEM), which clients trust.</summary>
    public string CertificatePath => Path.Combine(CredentialsPath, "tls", "apiserver.crt");
    public Uri ApiUri => new($"https://127.0.0.1:{ApiPort}");

    /// <summary>Started, and exited since (a crash, a kill or a stop).</summary>
    public bool HasExited => _process is { HasExited: true };

    /// <summary>Completes when the started process exits.</summary>
    public Task Exit => (_process ?? throw new InvalidOperationException("the silo was not started")).WaitForExitAsync();

    /// <summary>The exit code of the started process, once it has exited.</summary>
    public int ExitCode => (_process ?? throw new InvalidOperationException("the silo was not started")).ExitCode;

    public string Output { get { lock (_output) return _output.ToString(); } }

    /// <summary>The silo's process (with the main command, its local agent runs inside it).</summary>
    public int ProcessId => (_process ?? throw new InvalidOperationException("the silo was not started")).Id;

    public async Task Start(TimeSpan? timeout = null)
    {
        List<string> args = _dotnetRun
            ? ["run", "--no-build", "-c", RepoPaths.Configuration, "--project", Path.Combine(RepoPaths.Root, "Silo"), "--"]
            : [RepoPaths.SiloDll, "--data-dir", DataDir];
        args.AddRange(["--api-port", $"{ApiPort}", "--dashboard-port", $"{DashboardPort}", "--silo-port", $"{SiloPort}", "--gateway-port", $"{GatewayPort}",
            "--service-cidr", ServiceCidr, "--service-node-port-range", $"{NodePortMin}-{NodePortMax}"]);
        if (Postgres is not null) args.AddRange(["--postgres", Postgres]);
        args.AddRange(_extraArgs);
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (_workingDirectory is not null) info.WorkingDirectory = _workingDirectory;
        foreach (var a in args) info.ArgumentList.Add(a);
        foreach (var (name, value) in _environment) info.Environment[name] = value;
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        void Collect(string? line)
        {
            if (line is null) return;
            lock (_output) _output.AppendLine(line);
            if (line.TrimStart().StartsWith(_readyMarker, StringComparison.Ordinal)) ready.TrySetResult();
        }
        process.OutputDataReceived += (_, e) => Collect(e.Data);
        process.ErrorDataReceived += (_, e) => Collect(e.Data);
        process.Exited += (_, _) => _ = ProcessExit.Report(process, code => ready.TrySetException(new InvalidOperationException($"the silo exited with code {code}:\n{Output}")));
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;
        try
        {
            await ready.Task.WaitAsync(timeout ?? TimeSpan.FromSeconds(60));
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"the silo did not start in time:\n{Output}");
        }
    }

    /// <summary>SIGKILL: no shutdown code runs, as in a crash.</summary>
    public async Task Kill()
    {
        if (_process is not { HasExited: false } p) return;
        p.Kill(entireProcessTree: true);
        await p.WaitForExitAsync();
    }

    /// <summary>SIGTERM and wait: the graceful stop an operator does.</summary>
    public async Task Stop()
    {
        if (_process is not { HasExited: false } p) return;
        Process.Start("kill", ["-TERM", p.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]).WaitForExit();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try { await p.WaitForExitAsync(timeout.Token); }
        catch (OperationCanceledException) { await Kill(); }
    }

    private int _disposed;

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        await Kill();
        _process?.Dispose();
        if (_postgresNetwork is null) _network.Dispose();
        else NetworkOfDatabase.Give(_postgresNetwork);
        if (!OwnsDataDir) return;
        try { Directory.Delete(DataDir, recursive: true); }
        catch (IOException) { }
    }
}
