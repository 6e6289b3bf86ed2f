using System.Diagnostics;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using OrleansOrchestrator.Bench.Infrastructure;

namespace OrleansOrchestrator.Bench.Scenarios;

/// <summary>
/// Issue 12, Services: (1) HTTP through a cluster IP against the same pod's address directly, interleaved rounds
/// in one run (targets: throughput ≥ 0.9× direct, p99 ≤ 1.2×); (2) from a pod becoming Ready (the API shows it) to
/// its first answer through the cluster IP, and from <c>DELETE</c> of a Service to the last of its kernel rules gone
/// (target p99 ≤ 1 s each). Every request opens a new connection, so the kernel's DNAT is paid on each one.
/// All traffic stays on this host: the cluster IP is checked to route locally before anything is sent to it.
/// </summary>
public sealed class ServicesScenario : IScenario
{
    public string Name => "services";

    public string Usage => "[--rounds 3] [--seconds 10] [--concurrency 8] [--ready-runs 20] [--delete-runs 20]";

    public async Task<int> Run(Options options)
    {
        var rounds = options.Int("--rounds", 3);
        var seconds = options.Int("--seconds", 10);
        var concurrency = options.Int("--concurrency", 8);
        var readyRuns = options.Int("--ready-runs", 20);
        var deleteRuns = options.Int("--delete-runs", 20);
        options.CheckAllKnown();

        await DockerHost.EnsureEngineAndImage();
        var node = $"bench-{Guid.NewGuid().ToString("N")[..8]}";
        try
        {
            await using var silo = await BenchSilo.Start(new SiloSettings { DockerNodeName = node });
            using var api = silo.Client();
            Console.WriteLine($"silo up (pid {silo.ProcessId}) with its Docker agent as node {node}");
            await api.WaitForReadyNodes(1, TimeSpan.FromMinutes(1));
            await api.CreateNamespace("bench");
            await Create(api, "pods", WebPod("web"));
            await Create(api, "pods", WebPod("late"));
            await Create(api, "services", Service("web"));
            var clusterIp = await WaitFor(async () => (await api.Json("/api/v1/namespaces/bench/services/web"))["spec"]?["clusterIP"]?.GetValue<string>(), "the cluster IP");
            await RequireLocalRoute(clusterIp);
            var podIp = await WaitFor(async () => (await api.Json("/api/v1/namespaces/bench/pods/web"))["status"]?["podIP"]?.GetValue<string>(), "the pod's address");
            var direct = $"http://{podIp}:8080/";
            var viaService = $"http://{clusterIp}/";

            // Only `web` serves during the throughput rounds: `late` waits not ready.
            await Shell.Run("docker", ["exec", await MainContainer(node, "late"), "rm", "/tmp/ready"]);
            await WaitFor(async () => await NotReady(api, "late") ? "" : null, "late out of the endpoints");
            await WaitFor(async () => await Http.Answer(viaService) == "web" ? "" : null, "traffic through the cluster IP");

            Console.WriteLine($"throughput: {rounds} rounds of {seconds} s each way, {concurrency} concurrent clients, a new connection per request…");
            var directRuns = new List<LoadResult>();
            var serviceRuns = new List<LoadResult>();
            for (var round = 0; round < rounds; round++)
            {
                directRuns.Add(await Load($"round {round + 1} direct", direct, seconds, concurrency));
                serviceRuns.Add(await Load($"round {round + 1} cluster IP", viaService, seconds, concurrency));
            }

            Console.WriteLine($"ready → traffic: {readyRuns} runs…");
            var readyToTraffic = new List<double>();
            var lateContainer = await MainContainer(node, "late");
            using (Ticker.Start(() => $"run {readyToTraffic.Count}/{readyRuns}  p50 {new Stats(readyToTraffic).P50:F0} ms"))
                for (var run = 0; run < readyRuns; run++)
                {
                    await Shell.Run("docker", ["exec", lateContainer, "touch", "/tmp/ready"]);
                    await WaitFor(async () => await Ready(api, "late") ? "" : null, "late ready", pollMs: 5);
                    var readyAt = Stopwatch.GetTimestamp();
                    await WaitFor(async () => (await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Http.Answer(viaService)))).Contains("late") ? "" : null,
                        "late answering through the cluster IP", pollMs: 0);
                    readyToTraffic.Add(Stopwatch.GetElapsedTime(readyAt).TotalMilliseconds);
                    await Shell.Run("docker", ["exec", lateContainer, "rm", "/tmp/ready"]);
                    await WaitFor(async () => await NotReady(api, "late") ? "" : null, "late out of the endpoints");
                }

            Console.WriteLine($"delete → rules gone: {deleteRuns} runs…");
            var deleteToGone = new List<double>();
            using (Ticker.Start(() => $"run {deleteToGone.Count}/{deleteRuns}  p50 {new Stats(deleteToGone).P50:F0} ms"))
                for (var run = 0; run < deleteRuns; run++)
                {
                    var name = $"gone-{run}";
                    await Create(api, "services", Service(name));
                    var ip = await WaitFor(async () => (await api.Json($"/api/v1/namespaces/bench/services/{name}"))["spec"]?["clusterIP"]?.GetValue<string>(), "the cluster IP");
                    await WaitFor(async () => (await Shell.Run("iptables-save", ["-t", "nat"])).Contains($"{ip}/32") ? "" : null, "the Service's rules");
                    var deleting = Stopwatch.GetTimestamp();
                    await api.Timed(HttpMethod.Delete, $"/api/v1/namespaces/bench/services/{name}");
                    await WaitFor(async () => (await Shell.Run("iptables-save", ["-t", "nat"])).Contains($"{ip}/32") ? null : "", "the rules gone", pollMs: 0);
                    deleteToGone.Add(Stopwatch.GetElapsedTime(deleting).TotalMilliseconds);
                }

            var report = new Report("path", "rounds", "requests/s (median, min–max)", "p50 ms", "p99 ms (median of rounds)", "errors");
            void Row(string path, List<LoadResult> runs) => report.Row(path, runs.Count,
                $"{Stats.Median(runs.Select(r => r.RequestsPerSecond)):F0} ({runs.Min(r => r.RequestsPerSecond):F0}–{runs.Max(r => r.RequestsPerSecond):F0})",
                Report.Ms(Stats.Median(runs.Select(r => r.Latency.P50))), Report.Ms(Stats.Median(runs.Select(r => r.Latency.P99))), runs.Sum(r => r.Errors));
            Row("pod address directly", directRuns);
            Row("through the cluster IP", serviceRuns);
            var throughputRatio = Stats.Median(serviceRuns.Select(r => r.RequestsPerSecond)) / Stats.Median(directRuns.Select(r => r.RequestsPerSecond));
            var p99Ratio = Stats.Median(serviceRuns.Select(r => r.Latency.P99)) / Stats.Median(directRuns.Select(r => r.Latency.P99));
            var ready = new Stats(readyToTraffic);
            var gone = new Stats(deleteToGone);
            report.Note($"pod Ready → its first answer through the cluster IP: p50 {Report.Ms(ready.P50)} ms, p99 {Report.Ms(ready.P99)} ms, max {Report.Ms(ready.Max)} ms ({ready.Count} runs)");
            report.Note($"DELETE of a Service → its rules gone from the kernel: p50 {Report.Ms(gone.P50)} ms, p99 {Report.Ms(gone.P99)} ms, max {Report.Ms(gone.Max)} ms ({gone.Count} runs)");
            report.Target("throughput through the cluster IP ≥ 0.9× direct", throughputRatio >= 0.9, $"{throughputRatio:F2}×");
            report.Target("p99 through the cluster IP ≤ 1.2× direct", p99Ratio <= 1.2, $"{p99Ratio:F2}×");
            report.Target("pod Ready → traffic p99 ≤ 1 s", ready.P99 <= 1000, $"{Report.Ms(ready.P99)} ms");
            report.Target("Service deleted → rules gone p99 ≤ 1 s", gone.P99 <= 1000, $"{Report.Ms(gone.P99)} ms");
            report.Print();
            return 0;
        }
        finally
        {
            await DockerHost.RemoveLabelled($"io.orleans-orchestrator.node={node}");
            // The node's proxy rules outlive its agent, as they should in a cluster: this node is gone for good.
            await Agents.Networking.Proxy.ServiceProxy.Cleanup(Agents.Networking.Proxy.ProxyChainNames.For(Contracts.ClusterIdentity.DefaultClusterId, node));
        }
    }

    private sealed record LoadResult(double RequestsPerSecond, Stats Latency, int Errors);

    /// <summary>Closed loop: <paramref name="concurrency"/> clients, each sending its next request when the last answered.</summary>
    private static async Task<LoadResult> Load(string label, string url, int seconds, int concurrency)
    {
        var latencies = new List<double>();
        var errors = 0;
        var until = Stopwatch.GetTimestamp() + (long)(seconds * Stopwatch.Frequency);
        var clock = Stopwatch.StartNew();
        using (Ticker.Start(() => $"{label}: {Volatile.Read(ref errors)} errors, {latencies.Count} requests"))
            await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
            {
                var mine = new List<double>();
                while (Stopwatch.GetTimestamp() < until)
                {
                    var start = Stopwatch.GetTimestamp();
                    if (await Http.Answer(url) is null) Interlocked.Increment(ref errors);
                    else mine.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                }
                lock (latencies) latencies.AddRange(mine);
            }));
        return new LoadResult(latencies.Count / clock.Elapsed.TotalSeconds, new Stats(latencies), errors);
    }


    /// <summary>
    /// A new connection per request (<c>Connection: close</c>), as most clients of a Service open one. The client
    /// ends each with a reset (linger 0) instead of a FIN: closing first, it would keep every connection in
    /// TIME_WAIT for 60 s, and at ≈ 2,000 connections a second the host's ≈ 28,000 ephemeral ports towards one
    /// address run out within the first round — both paths then measure the port search, not the DNAT.
    /// </summary>
    private static class Http
    {
        private static readonly HttpClient Client = new(new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.Zero,
            ConnectCallback = async (context, ct) =>
            {
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true, LingerState = new LingerOption(true, 0) };
                try
                {
                    await socket.ConnectAsync(context.DnsEndPoint, ct);
                    return new ResetOnDispose(socket);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        }) { Timeout = TimeSpan.FromSeconds(2) };

        /// <summary>NetworkStream shuts an owned socket down (a FIN) before closing it; this one only closes it, so linger 0 sends the reset.</summary>
        private sealed class ResetOnDispose(Socket socket) : NetworkStream(socket, ownsSocket: false)
        {
            protected override void Dispose(bool disposing)
            {
                if (disposing) Socket.Dispose();
                base.Dispose(disposing);
            }
        }

        public static async Task<string?> Answer(string url)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, url);
            request.Headers.ConnectionClose = true;
            try
            {
                using var response = await Client.SendAsync(request);
                return response.IsSuccessStatusCode ? (await response.Content.ReadAsStringAsync()).Trim() : null;
            }
            catch (HttpRequestException) { return null; }
            catch (TaskCanceledException) { return null; }
        }
    }

    private static async Task RequireLocalRoute(string address)
    {
        var route = await Shell.Run("ip", ["route", "get", address]);
        if (route.Contains(" via ", StringComparison.Ordinal))
            throw new InvalidOperationException($"the service range does not route locally ({route.Trim()}): refusing to send to {address}");
    }

    private static async Task<string> MainContainer(string node, string pod) =>
        await WaitFor(async () =>
        {
            var id = (await Shell.Run("docker", ["ps", "-q", "--filter", $"label=io.orleans-orchestrator.node={node}",
                "--filter", $"label=io.kubernetes.pod.name={pod}", "--filter", "label=io.kubernetes.container.name=web"])).Trim();
            return id.Length > 0 ? id : null;
        }, $"the container of {pod}");

    private static async Task<bool> Ready(BenchClient api, string pod) =>
        (await api.Json($"/api/v1/namespaces/bench/pods/{pod}"))["status"]?["conditions"]?.AsArray()
            .Any(c => c!["type"]!.GetValue<string>() == "Ready" && c["status"]!.GetValue<string>() == "True") == true;

    private static async Task<bool> NotReady(BenchClient api, string pod)
    {
        var subsets = (await api.Json("/api/v1/namespaces/bench/endpoints/web"))["subsets"]?.AsArray() ?? [];
        return !subsets.SelectMany(s => s!["addresses"]?.AsArray() ?? []).Any(a => a!["targetRef"]?["name"]?.GetValue<string>() == pod);
    }

    private static async Task<string> WaitFor(Func<Task<string?>> probe, string what, int pollMs = 50)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            try { if (await probe() is { } value) return value; }
            catch (HttpRequestException) { }
            if (clock.Elapsed > TimeSpan.FromMinutes(2)) throw new TimeoutException($"waited 2 minutes for {what}");
            if (pollMs > 0) await Task.Delay(pollMs);
        }
    }

    private static async Task Create(BenchClient api, string resource, string body)
    {
        var code = await api.Send(HttpMethod.Post, $"/api/v1/namespaces/bench/{resource}", body);
        if (code != 201) throw new InvalidOperationException($"creating {resource} answered {code}");
    }

    /// <summary>busybox httpd answering its pod's name; ready while /tmp/ready exists (probed every second).</summary>
    private static string WebPod(string name) => new JsonObject
    {
        ["apiVersion"] = "v1",
        ["kind"] = "Pod",
        ["metadata"] = new JsonObject { ["name"] = name, ["labels"] = new JsonObject { ["app"] = "web" } },
        ["spec"] = new JsonObject
        {
            ["terminationGracePeriodSeconds"] = 1,
            ["containers"] = new JsonArray(new JsonObject
            {
                ["name"] = "web",
                ["image"] = DockerHost.Image,
                ["imagePullPolicy"] = "IfNotPresent",
                ["command"] = new JsonArray("sh", "-c", $"mkdir -p /www && echo {name} > /www/index.html && touch /tmp/ready && exec httpd -f -p 8080 -h /www"),
                ["ports"] = new JsonArray(new JsonObject { ["containerPort"] = 8080 }),
                ["readinessProbe"] = new JsonObject
                {
                    ["exec"] = new JsonObject { ["command"] = new JsonArray("cat", "/tmp/ready") },
                    ["periodSeconds"] = 1,
                    ["failureThreshold"] = 1,
                },
            }),
        },
    }.ToJsonString();

    private static string Service(string name) => new JsonObject
    {
        ["apiVersion"] = "v1",
        ["kind"] = "Service",
        ["metadata"] = new JsonObject { ["name"] = name },
        ["spec"] = new JsonObject
        {
            ["selector"] = new JsonObject { ["app"] = "web" },
            ["ports"] = new JsonArray(new JsonObject { ["port"] = 80, ["targetPort"] = 8080 }),
        },
    }.ToJsonString();
}
