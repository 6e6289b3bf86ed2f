using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json.Nodes;
using OrleansOrchestrator.Bench.Infrastructure;

namespace OrleansOrchestrator.Bench.Scenarios;

/// <summary>
/// Issue 16's measure: three silos on a throwaway PostgreSQL; a write loop and a watch per namespace through the
/// first silo's API; simulated nodes only on the second. Each round kills the second with SIGKILL and measures, from
/// the kill: the first successful write through the first silo, the longest write, the requests refused (by status),
/// the watches ended (by status) and the changes no watch delivered, and when the dead silo's nodes are all NotReady.
/// The killed silo is started again (with the same simulated nodes) before the next round.
/// </summary>
public sealed class FailoverScenario : IScenario
{
    public string Name => "failover";

    public string Usage => "[--rounds 5] [--nodes 20] [--namespaces 6] [--grace 10] [--observe 25] [--silo-dll PATH]";

    private sealed record Round(
        int Number, double FirstWriteMs, double LongestWriteMs, int Writes, Dictionary<int, int> Refused,
        Dictionary<string, int> WatchEnds, int Undelivered, double NodesNotReadyMs);

    public async Task<int> Run(Options options)
    {
        var rounds = options.Int("--rounds", 5);
        var nodes = options.Int("--nodes", 20);
        var namespaces = options.Int("--namespaces", 6);
        var grace = options.Int("--grace", 10);
        var observe = TimeSpan.FromSeconds(options.Int("--observe", 25));
        var siloDll = options.String("--silo-dll");
        options.CheckAllKnown();
        if (observe < TimeSpan.FromSeconds(grace + 10)) throw new ArgumentException("--observe must exceed --grace by 10 s at least (nodes go NotReady after the grace period)");

        await using var postgres = await PostgresServer.Start(fsync: true);
        await postgres.CreateDatabase("failover");
        string[] common = ["--node-grace-period", $"{grace}"];
        // The silos of one control plane share one credentials folder (decision 46): one certificate, one admin token.
        var credentials = Directory.CreateTempSubdirectory("oo-bench-credentials-").FullName;
        // The victim's simulated nodes keep their names when it is started again (on new ports), as a restarted host's do.
        SiloSettings Settings(int simulated) => new()
        {
            PostgreSql = postgres.ConnectionString("failover"), SimulatedNodes = simulated, SiloDll = siloDll, CredentialsDir = credentials,
            ExtraArgs = simulated > 0 ? [.. common, "--simulated-node-prefix", "victim"] : common,
        };
        await using var front = await BenchSilo.Start(Settings(0));
        await using var bystander = await BenchSilo.Start(Settings(0));
        var victim = await BenchSilo.Start(Settings(nodes));
        using var api = front.Client();
        Console.WriteLine($"3 silos up (pids {front.ProcessId}, {bystander.ProcessId}, {victim.ProcessId}); {nodes} simulated nodes on the second");
        await api.WaitForReadyNodes(nodes, TimeSpan.FromMinutes(3));
        var names = Enumerable.Range(0, namespaces).Select(n => $"failover-{n}").ToList();
        foreach (var ns in names) await api.CreateNamespace(ns);

        // Every change a watch (or the relist after its end) told of, by namespace and name.
        var seen = new ConcurrentDictionary<string, byte>();
        var watchEnds = new ConcurrentQueue<(DateTime At, string How)>();
        using var stop = new CancellationTokenSource();
        var watchers = names.Select(ns => Task.Run(() => Follow(api, ns, seen, watchEnds, stop.Token))).ToList();

        var results = new List<Round>();
        try
        {
            for (var round = 1; round <= rounds; round++)
            {
                var outcome = await KillAndObserve(round, api, victim, names, nodes, observe, seen, watchEnds);
                results.Add(outcome);
                Console.WriteLine($"round {round}: first write {outcome.FirstWriteMs:F0} ms, longest {outcome.LongestWriteMs:F0} ms, refused {Describe(outcome.Refused)}, "
                    + $"watches ended {Describe(outcome.WatchEnds)}, undelivered {outcome.Undelivered}, nodes NotReady after {outcome.NodesNotReadyMs / 1000:F1} s");
                victim = await BenchSilo.Start(Settings(nodes));
                await api.WaitForReadyNodes(nodes, TimeSpan.FromMinutes(3));
            }
        }
        finally
        {
            await stop.CancelAsync();
            await Task.WhenAll(watchers.Select(w => w.ContinueWith(_ => { }, TaskScheduler.Default)));
            await victim.DisposeAsync();
        }

        var report = new Report("round", "first write after kill", "longest write", "writes", "refused (by status)", "watches ended (by status)", "undelivered changes", "nodes NotReady after");
        foreach (var r in results)
            report.Row($"{r.Number}", $"{r.FirstWriteMs:F0} ms", $"{r.LongestWriteMs:F0} ms", r.Writes, Describe(r.Refused), Describe(r.WatchEnds), r.Undelivered,
                double.IsNaN(r.NodesNotReadyMs) ? $"not within {observe.TotalSeconds:F0} s" : $"{r.NodesNotReadyMs / 1000:F1} s");
        var first = new Stats(results.Select(r => r.FirstWriteMs));
        var notReady = new Stats(results.Select(r => r.NodesNotReadyMs));
        report.Row("median", $"{first.P50:F0} ms", $"{Stats.Median(results.Select(r => r.LongestWriteMs)):F0} ms", "", "", "", "", $"{notReady.P50 / 1000:F1} s");
        var noWrite = results.Count(r => double.IsNaN(r.FirstWriteMs));
        report.Target("first successful write after a kill, p99 ≤ 2 s", noWrite == 0 && first.P99 <= 2000,
            noWrite == 0 ? $"p99 {first.P99:F0} ms (max over {rounds} rounds)" : $"{noWrite} of {rounds} rounds without a successful write");
        // A round whose nodes were not all NotReady within the observation counts against the target, never for it.
        var unseen = results.Count(r => double.IsNaN(r.NodesNotReadyMs));
        report.Target($"dead silo's nodes NotReady ≤ grace period + 5 s = {grace + 5} s", unseen == 0 && notReady.Max <= (grace + 5) * 1000.0,
            unseen == 0 ? $"max {notReady.Max / 1000:F1} s" : $"{unseen} of {rounds} rounds not within {observe.TotalSeconds:F0} s");
        report.Target("no watch silent: every acknowledged change delivered or its watch ended", results.All(r => r.Undelivered == 0), $"{results.Sum(r => r.Undelivered)} undelivered");
        report.Note($"3 silos on one PostgreSQL (fsync on), writes and watches through the first, {nodes} simulated nodes on the second (killed with SIGKILL each round), --node-grace-period {grace}.");
        report.Print();
        return 0;
    }

    private static async Task<Round> KillAndObserve(
        int number, BenchClient api, BenchSilo victim, IReadOnlyList<string> names, int nodes, TimeSpan observe,
        ConcurrentDictionary<string, byte> seen, ConcurrentQueue<(DateTime At, string How)> watchEnds)
    {
        // A few writes before the kill, so that grains of the round's names are spread over the silos.
        var acknowledged = new List<string>();
        var refused = new Dictionary<int, int>();
        var writes = 0;
        var i = 0;
        async Task<(int Code, double Ms)> Write()
        {
            var ns = names[i % names.Count];
            var name = $"r{number}-{i++}";
            var start = Stopwatch.GetTimestamp();
            int code;
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            try { code = await api.Send(HttpMethod.Post, $"/api/v1/namespaces/{ns}/configmaps", Workloads.ConfigMap(name, 256), cancellationToken: timeout.Token); }
            catch (OperationCanceledException) { code = 0; }
            catch (HttpRequestException) { code = -1; }
            if (code == 201) acknowledged.Add($"{ns}/{name}");
            return (code, Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        }
        for (var w = 0; w < 2 * names.Count; w++) await Write();

        var endsBefore = watchEnds.Count;
        var killedAt = DateTime.UtcNow;
        var clock = Stopwatch.StartNew();
        victim.Kill(); // its data folder is removed after the round
        double? firstWrite = null, notReady = null;
        var longest = 0.0;
        using (Ticker.Start(() => $"round {number}: {clock.Elapsed.TotalSeconds:F1} s after the kill, {writes} writes, first ok {(firstWrite is { } f ? $"{f:F0} ms" : "not yet")}, nodes NotReady {(notReady is { } n ? $"{n / 1000:F1} s" : "not yet")}"))
        {
            var nodeWatch = Task.Run(async () =>
            {
                while (clock.Elapsed < observe)
                {
                    try
                    {
                        var items = (await api.Json("/api/v1/nodes"))["items"]!.AsArray();
                        var ready = items.Count(n => n!["status"]?["conditions"]?.AsArray().Any(c => c!["type"]!.GetValue<string>() == "Ready" && c["status"]!.GetValue<string>() == "True") == true);
                        if (ready == 0 && items.Count >= nodes) { notReady = clock.Elapsed.TotalMilliseconds; return; }
                    }
                    catch (HttpRequestException) { }
                    await Task.Delay(200);
                }
            });
            while (clock.Elapsed < observe)
            {
                var (code, ms) = await Write();
                writes++;
                longest = Math.Max(longest, ms);
                if (code == 201) firstWrite ??= clock.Elapsed.TotalMilliseconds;
                else refused[code] = refused.GetValueOrDefault(code) + 1;
            }
            await nodeWatch;
        }
        await victim.DisposeAsync();

        // Every acknowledged create of the round reached a watch (or the relist after a watch's end) within a few seconds.
        var deadline = Stopwatch.StartNew();
        while (acknowledged.Any(a => !seen.ContainsKey(a)) && deadline.Elapsed < TimeSpan.FromSeconds(10)) await Task.Delay(100);
        var ends = watchEnds.Skip(endsBefore).GroupBy(e => e.How).ToDictionary(g => g.Key, g => g.Count());
        return new Round(number, firstWrite ?? double.NaN, longest, writes, refused, ends, acknowledged.Count(a => !seen.ContainsKey(a)), notReady ?? double.NaN);
    }

    /// <summary>
    /// Lists a namespace and watches it from the list's version, as an informer does; when the watch ends (an ERROR
    /// event, a close or a failed request), records how, and lists again.
    /// </summary>
    private static async Task Follow(BenchClient api, string ns, ConcurrentDictionary<string, byte> seen, ConcurrentQueue<(DateTime, string)> ends, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            var how = "close";
            try
            {
                var list = await api.Json($"/api/v1/namespaces/{ns}/configmaps", cancellationToken);
                foreach (var item in list["items"]!.AsArray()) seen.TryAdd($"{ns}/{item!["metadata"]!["name"]}", 0);
                var version = list["metadata"]!["resourceVersion"]!.GetValue<string>();
                using var response = await api.Http.GetAsync($"/api/v1/namespaces/{ns}/configmaps?watch=true&resourceVersion={version}",
                    HttpCompletionOption.ResponseHeadersRead, cancellationToken);
                if (!response.IsSuccessStatusCode) how = $"{(int)response.StatusCode} on start";
                else
                {
                    using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancellationToken));
                    while (await reader.ReadLineAsync(cancellationToken) is { } line)
                    {
                        var e = JsonNode.Parse(line)!;
                        if (e["type"]!.GetValue<string>() == "ERROR") how = $"ERROR {e["object"]?["code"]}";
                        else seen.TryAdd($"{ns}/{e["object"]!["metadata"]!["name"]}", 0);
                    }
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested) { return; }
            catch (Exception e) when (e is HttpRequestException or IOException) { how = "failed request"; }
            ends.Enqueue((DateTime.UtcNow, how));
            // Not at once: a control plane failing over would be asked in a tight loop (informers back off too).
            try { await Task.Delay(100, cancellationToken); }
            catch (OperationCanceledException) { return; }
        }
    }

    private static string Describe<T>(Dictionary<T, int> counts) where T : notnull =>
        counts.Count == 0 ? "none" : string.Join(", ", counts.OrderBy(c => c.Key).Select(c => $"{c.Key}: {c.Value}"));
}
