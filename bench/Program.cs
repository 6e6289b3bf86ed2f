using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;

// Benchmarks of the running product (docs/benchmarks.md). Each scenario starts its own silo process on
// loopback, prints progress every second, and ends with a table.
//
//   dotnet run -c Release --project bench -- scheduling --nodes 100 --pods 1000 [--per-deployment 100]
var arguments = args.ToList();
if (arguments.Count == 0 || arguments[0] != "scheduling")
{
    Console.Error.WriteLine("usage: bench scheduling [--nodes N] [--pods N] [--per-deployment N]");
    return 2;
}
int Option(string name, int fallback) =>
    arguments.IndexOf(name) is var at and >= 0 && at + 1 < arguments.Count ? int.Parse(arguments[at + 1], CultureInfo.InvariantCulture) : fallback;
var nodes = Option("--nodes", 100);
var pods = Option("--pods", 1000);
var perDeployment = Option("--per-deployment", 100);

await using var silo = await BenchSilo.Start(nodes);
using var api = silo.Client();
Console.WriteLine($"silo up (pid {silo.ProcessId}); waiting for {nodes} simulated nodes to be Ready…");
await Until(async () => (await api.Json("/api/v1/nodes"))["items"]!.AsArray().Count(n =>
    n!["status"]?["conditions"]?.AsArray().Any(c => c!["type"]!.GetValue<string>() == "Ready" && c["status"]!.GetValue<string>() == "True") == true) >= nodes,
    TimeSpan.FromMinutes(5), "nodes Ready");

await api.Send(HttpMethod.Post, "/api/v1/namespaces", """{"metadata":{"name":"bench"}}""");
var startVersion = (await api.Json("/api/v1/namespaces/bench/pods"))["metadata"]!["resourceVersion"]!.GetValue<string>();
var running = new HashSet<string>();
var watchStop = new CancellationTokenSource();
var watch = Task.Run(async () =>
{
    using var response = await api.Http.GetAsync($"/api/v1/namespaces/bench/pods?watch=true&resourceVersion={startVersion}", HttpCompletionOption.ResponseHeadersRead, watchStop.Token);
    using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(watchStop.Token));
    while (await reader.ReadLineAsync(watchStop.Token) is { } line)
    {
        var obj = JsonNode.Parse(line)!["object"]!;
        if (obj["status"]?["phase"]?.GetValue<string>() == "Running")
            lock (running) running.Add(obj["metadata"]!["name"]!.GetValue<string>());
    }
});

var clock = Stopwatch.StartNew();
var deployments = (pods + perDeployment - 1) / perDeployment;
await Parallel.ForEachAsync(Enumerable.Range(0, deployments), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, _) =>
{
    var replicas = Math.Min(perDeployment, pods - i * perDeployment);
    var labels = new JsonObject { ["app"] = $"d{i}" };
    var body = new JsonObject
    {
        ["apiVersion"] = "apps/v1",
        ["kind"] = "Deployment",
        ["metadata"] = new JsonObject { ["name"] = $"d{i}" },
        ["spec"] = new JsonObject
        {
            ["replicas"] = replicas,
            ["selector"] = new JsonObject { ["matchLabels"] = labels.DeepClone() },
            ["template"] = new JsonObject
            {
                ["metadata"] = new JsonObject { ["labels"] = labels.DeepClone() },
                ["spec"] = JsonNode.Parse("""{"containers":[{"name":"c","image":"example/app:1","resources":{"requests":{"cpu":"10m","memory":"16Mi"}}}]}"""),
            },
        },
    }.ToJsonString();
    var code = await api.Send(HttpMethod.Post, "/apis/apps/v1/namespaces/bench/deployments", body);
    if (code != 201) throw new InvalidOperationException($"creating deployment d{i} answered {code}");
});
Console.WriteLine($"created {deployments} deployments in {clock.Elapsed.TotalSeconds:F1} s");

var last = 0;
var lastAt = clock.Elapsed;
while (true)
{
    int now;
    lock (running) now = running.Count;
    if (now >= pods) break;
    if (clock.Elapsed - lastAt > TimeSpan.FromMinutes(2) && now == last) throw new TimeoutException($"stalled at {now}/{pods} Running");
    if (now != last) { last = now; lastAt = clock.Elapsed; }
    Console.WriteLine($"  {clock.Elapsed.TotalSeconds,6:F1} s  {now,7}/{pods} Running");
    await Task.Delay(1000);
}
var elapsed = clock.Elapsed;
await watchStop.CancelAsync();
await watch.ContinueWith(_ => { });

Console.WriteLine();
Console.WriteLine("| scenario | nodes | pods | seconds to all Running | pods/s | silo peak memory |");
Console.WriteLine("|---|---|---|---|---|---|");
Console.WriteLine($"| scheduling (Deployments of {perDeployment}) | {nodes} | {pods} | {elapsed.TotalSeconds:F1} | {pods / elapsed.TotalSeconds:F0} | {silo.PeakMemoryMiB():F0} MiB |");
return 0;

static async Task Until(Func<Task<bool>> condition, TimeSpan timeout, string what)
{
    var clock = Stopwatch.StartNew();
    while (!await condition())
    {
        if (clock.Elapsed > timeout) throw new TimeoutException($"timed out waiting for {what}");
        await Task.Delay(500);
    }
}

/// <summary>A silo process for one benchmark run, with its own data folder and loopback ports.</summary>
sealed class BenchSilo : IAsyncDisposable
{
    private readonly Process _process;

    private BenchSilo(Process process, string dataDir, int apiPort)
    {
        _process = process;
        DataDir = dataDir;
        ApiPort = apiPort;
    }

    public string DataDir { get; }
    public int ApiPort { get; }
    public int ProcessId => _process.Id;

    public static async Task<BenchSilo> Start(int simulatedNodes)
    {
        var root = AppContext.BaseDirectory;
        var dll = Path.GetFullPath(Path.Combine(root, "..", "..", "..", "..", "Silo", "bin",
            root.Contains("/Release/", StringComparison.Ordinal) ? "Release" : "Debug", "net10.0", "OrleansOrchestrator.Silo.dll"));
        var dataDir = Directory.CreateTempSubdirectory("oo-bench-").FullName;
        var apiPort = FreePort();
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { dll, "--data-dir", dataDir, "--api-port", $"{apiPort}", "--dashboard-port", $"{FreePort()}",
                     "--silo-port", $"{FreePort()}", "--gateway-port", $"{FreePort()}", "--no-agent", "--simulated-nodes", $"{simulatedNodes}" })
            info.ArgumentList.Add(a);
        var ready = new TaskCompletionSource();
        var process = Process.Start(info)!;
        process.OutputDataReceived += (_, e) => { if (e.Data?.TrimStart().StartsWith("Agent:", StringComparison.Ordinal) == true) ready.TrySetResult(); };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await ready.Task.WaitAsync(TimeSpan.FromMinutes(2));
        return new BenchSilo(process, dataDir, apiPort);
    }

    public BenchClient Client()
    {
        using var certificate = X509Certificate2.CreateFromPem(File.ReadAllText(Path.Combine(DataDir, "tls", "apiserver.crt")));
        var thumbprint = certificate.Thumbprint;
        var token = File.ReadLines(Path.Combine(DataDir, "tokens.csv")).First(l => l.Contains("system:masters", StringComparison.Ordinal)).Split(',')[0];
        var http = new HttpClient(new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, c, _, _) => c?.Thumbprint == thumbprint })
        {
            BaseAddress = new Uri($"https://127.0.0.1:{ApiPort}"),
            Timeout = Timeout.InfiniteTimeSpan,
        };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return new BenchClient(http);
    }

    /// <summary>The silo's peak resident memory (VmHWM), the measure the memory targets use.</summary>
    public double PeakMemoryMiB()
    {
        var line = File.ReadLines($"/proc/{_process.Id}/status").First(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024.0;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
        _process.Dispose();
        Directory.Delete(DataDir, recursive: true);
    }
}

sealed class BenchClient(HttpClient http) : IDisposable
{
    public HttpClient Http => http;

    public async Task<JsonNode> Json(string path) => JsonNode.Parse(await http.GetStringAsync(path))!;

    public async Task<int> Send(HttpMethod method, string path, string body)
    {
        using var request = new HttpRequestMessage(method, path) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        using var response = await http.SendAsync(request);
        return (int)response.StatusCode;
    }

    public void Dispose() => http.Dispose();
}
