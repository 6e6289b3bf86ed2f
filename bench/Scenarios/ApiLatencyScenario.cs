using System.Collections.Concurrent;
using System.Diagnostics;
using OrleansOrchestrator.Bench.Infrastructure;

namespace OrleansOrchestrator.Bench.Scenarios;

/// <summary>
/// Scenario 2, API latency under churn: one client does single-object create/get/update/delete of ConfigMaps
/// and lists a namespace of ConfigMaps, one call after another, while background writers create, update and
/// delete other ConfigMaps at a fixed rate (open loop: a write is issued on schedule whether or not earlier
/// ones have answered). The rates run one after another against the same silo; rate 0 is the baseline.
/// Target: single-object p99 ≤ 50 ms at 200 writes/s. Anchors (Kubernetes' SLOs): single-object p99 ≤ 1 s, list p99 ≤ 5 s.
/// </summary>
public sealed class ApiLatencyScenario : IScenario
{
    public string Name => "api-latency";

    public string Usage => "[--rates 0,20,200] [--seconds 30] [--list-size 500] [--payload 1024] [--probe-interval-ms 50]";

    public async Task<int> Run(Options options)
    {
        var rates = options.Ints("--rates", 0, 20, 200);
        var seconds = options.Int("--seconds", 30);
        var listSize = options.Int("--list-size", 500);
        var payload = options.Int("--payload", 1024);
        var probeInterval = TimeSpan.FromMilliseconds(options.Int("--probe-interval-ms", 50));
        options.CheckAllKnown();

        await using var silo = await BenchSilo.Start(new SiloSettings());
        using var api = silo.Client();
        Console.WriteLine($"silo up (pid {silo.ProcessId})");
        foreach (var ns in new[] { "churn", "probe", "listed" }) await api.CreateNamespace(ns);

        Console.WriteLine($"filling namespace 'listed' with {listSize:N0} ConfigMaps of {payload:N0} bytes…");
        var filled = 0;
        using (Ticker.Start(() => $"{Volatile.Read(ref filled):N0}/{listSize:N0}"))
            await Parallel.ForEachAsync(Enumerable.Range(0, listSize), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, _) =>
            {
                await api.Timed(HttpMethod.Post, "/api/v1/namespaces/listed/configmaps", Workloads.ConfigMap($"l{i}", payload), 201);
                Interlocked.Increment(ref filled);
            });

        var report = new Report("churn (writes/s asked → done)", "call", "samples", "p50 ms", "p90 ms", "p99 ms", "max ms", "errors");
        var verdicts = new List<(int Rate, double SingleP99, double ListP99)>();
        var probeSequence = 0;
        foreach (var rate in rates)
        {
            Console.WriteLine($"phase: {rate} background writes/s for {seconds} s");
            var samples = new Dictionary<string, ConcurrentBag<double>>
            {
                ["create"] = new(), ["get"] = new(), ["update"] = new(), ["delete"] = new(), ["list"] = new(), ["churn write"] = new(),
            };
            var errors = new ConcurrentDictionary<string, int>();
            using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
            var churnDone = 0;
            var churn = Churn(api, rate, payload, samples["churn write"], errors, () => Interlocked.Increment(ref churnDone), stop.Token);
            var probe = Task.Run(async () =>
            {
                while (!stop.IsCancellationRequested)
                {
                    var name = $"p{probeSequence++}";
                    var path = $"/api/v1/namespaces/probe/configmaps";
                    await Measure("create", () => api.Timed(HttpMethod.Post, path, Workloads.ConfigMap(name, payload), 201));
                    await Measure("get", () => api.Timed(HttpMethod.Get, $"{path}/{name}", expected: 200));
                    await Measure("update", () => api.Timed(HttpMethod.Put, $"{path}/{name}", Workloads.ConfigMap(name, payload, 1), 200));
                    await Measure("delete", () => api.Timed(HttpMethod.Delete, $"{path}/{name}", expected: 200));
                    await Measure("list", () => api.Timed(HttpMethod.Get, "/api/v1/namespaces/listed/configmaps", expected: 200));
                    await Task.Delay(probeInterval);
                }
            });

            async Task Measure(string call, Func<Task<double>> request)
            {
                try { samples[call].Add(await request()); }
                catch (Exception e) when (e is InvalidOperationException or HttpRequestException)
                {
                    errors.AddOrUpdate(call, 1, (_, n) => n + 1);
                }
            }

            var clock = Stopwatch.StartNew();
            using (Ticker.Start(() =>
                       $"churn {Volatile.Read(ref churnDone) / Math.Max(clock.Elapsed.TotalSeconds, 0.001),6:F0} writes/s  probe cycles {samples["get"].Count,5}  last p99 create {new Stats(samples["create"]).P99,6:F1} ms  silo {silo.MemoryMiB(),5:F0} MiB"))
                await Task.WhenAll(churn, probe);
            var achieved = churnDone / clock.Elapsed.TotalSeconds;

            var single = new Stats(new[] { "create", "get", "update", "delete" }.SelectMany(c => samples[c]));
            foreach (var call in new[] { "create", "get", "update", "delete", "list", "churn write" })
            {
                var s = new Stats(samples[call]);
                report.Row($"{rate} → {achieved:F0}", call == "list" ? $"list ({listSize:N0} ConfigMaps)" : call, s.Count,
                    Report.Ms(s.P50), Report.Ms(s.P90), Report.Ms(s.P99), Report.Ms(s.Max), errors.GetValueOrDefault(call));
            }
            report.Row($"{rate} → {achieved:F0}", "**all single-object**", single.Count, Report.Ms(single.P50), Report.Ms(single.P90), Report.Ms(single.P99), Report.Ms(single.Max), "");
            verdicts.Add((rate, single.P99, new Stats(samples["list"]).P99));
        }

        report.Note($"Probe writes (create, update, delete: ≈3 per cycle, one cycle every {probeInterval.TotalMilliseconds:F0} ms plus the calls' own time) come on top of the background rate. Silo peak memory: {silo.PeakMemoryMiB():F0} MiB.");
        foreach (var (rate, singleP99, listP99) in verdicts.Where(v => v.Rate >= 200))
        {
            report.Target($"single-object p99 ≤ 50 ms at {rate} writes/s", singleP99 <= 50, $"{singleP99:F1} ms");
            report.Target($"anchor: single-object p99 ≤ 1 s at {rate} writes/s", singleP99 <= 1000, $"{singleP99:F1} ms");
            report.Target($"anchor: namespace list p99 ≤ 5 s at {rate} writes/s", listP99 <= 5000, $"{listP99:F1} ms");
        }
        report.Print();
        return 0;
    }

    /// <summary>
    /// Writes at a fixed rate until cancelled: a ring of 100 ConfigMaps, each write the next step of
    /// create → update → delete on its slot, so the namespace stays small and every write is a real change.
    /// </summary>
    private static async Task Churn(BenchClient api, int rate, int payload, ConcurrentBag<double> latencies, ConcurrentDictionary<string, int> errors,
        Action done, CancellationToken cancellationToken)
    {
        if (rate <= 0)
        {
            try { await Task.Delay(Timeout.Infinite, cancellationToken); } catch (OperationCanceledException) { }
            return;
        }
        const int slots = 100;
        var step = new int[slots];
        var slotGates = Enumerable.Range(0, slots).Select(_ => new SemaphoreSlim(1, 1)).ToArray();
        await OpenLoop.Run(rate, async n =>
        {
            var slot = (int)(n % slots);
            await slotGates[slot].WaitAsync();
            try
            {
                var path = "/api/v1/namespaces/churn/configmaps";
                var name = $"r{rate}-c{slot}";
                var ms = (step[slot]++ % 3) switch
                {
                    0 => await api.Timed(HttpMethod.Post, path, Workloads.ConfigMap(name, payload), 201),
                    1 => await api.Timed(HttpMethod.Put, $"{path}/{name}", Workloads.ConfigMap(name, payload, 1), 200),
                    _ => await api.Timed(HttpMethod.Delete, $"{path}/{name}", expected: 200),
                };
                latencies.Add(ms);
                done();
            }
            catch (Exception e) when (e is InvalidOperationException or HttpRequestException)
            {
                errors.AddOrUpdate("churn write", 1, (_, k) => k + 1);
            }
            finally
            {
                slotGates[slot].Release();
            }
        }, cancellationToken);
    }
}
