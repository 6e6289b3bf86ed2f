using System.Diagnostics;
using OrleansOrchestrator.Bench.Infrastructure;

namespace OrleansOrchestrator.Bench.Scenarios;

/// <summary>
/// Scenario 6, storage: the same write-heavy run on the embedded SQLite store and on PostgreSQL (a throwaway
/// server started here, durable: fsync and synchronous_commit on). The run: N ConfigMaps created, then each
/// updated, then each deleted, with a fixed number of requests in flight; then pods on simulated nodes as
/// Deployments. Ratio PostgreSQL/SQLite.
/// </summary>
public sealed class StorageScenario : IScenario
{
    public string Name => "storage";

    public string Usage => "[--objects 3000] [--concurrency 32] [--payload 1024] [--nodes 100] [--pods 1000] [--backends sqlite,postgres] [--pg-fsync on|off]";

    private sealed record Outcome(string Backend, Dictionary<string, (double PerSecond, Stats Latency)> Phases, double PodsPerSecond, double PeakMiB);

    public async Task<int> Run(Options options)
    {
        var objects = options.Int("--objects", 3000);
        var concurrency = options.Int("--concurrency", 32);
        var payload = options.Int("--payload", 1024);
        var nodes = options.Int("--nodes", 100);
        var pods = options.Int("--pods", 1000);
        var backends = (options.String("--backends") ?? "sqlite,postgres").Split(',');
        var fsync = (options.String("--pg-fsync") ?? "on") == "on";
        options.CheckAllKnown();

        var outcomes = new List<Outcome>();
        foreach (var backend in backends)
        {
            Console.WriteLine($"backend {backend}…");
            await using var postgres = backend == "postgres" ? await PostgresServer.Start(fsync) : null;
            if (postgres is not null) await postgres.CreateDatabase("bench");
            await using var silo = await BenchSilo.Start(new SiloSettings { SimulatedNodes = nodes, PostgreSql = postgres?.ConnectionString("bench") });
            using var api = silo.Client();
            Console.WriteLine($"silo up (pid {silo.ProcessId}) on {backend}");
            await api.WaitForReadyNodes(nodes, TimeSpan.FromMinutes(5));
            await api.CreateNamespace("writes");
            await api.CreateNamespace("bench");

            // Warm-up, not measured: the first requests pay for JIT, connection pools and grain activation code paths.
            await api.CreateNamespace("warmup");
            await Parallel.ForEachAsync(Enumerable.Range(0, 300), new ParallelOptions { MaxDegreeOfParallelism = concurrency }, async (i, _) =>
            {
                await api.Timed(HttpMethod.Post, "/api/v1/namespaces/warmup/configmaps", Workloads.ConfigMap($"w{i}", payload), 201);
                await api.Timed(HttpMethod.Put, $"/api/v1/namespaces/warmup/configmaps/w{i}", Workloads.ConfigMap($"w{i}", payload, 1), 200);
                await api.Timed(HttpMethod.Delete, $"/api/v1/namespaces/warmup/configmaps/w{i}", expected: 200);
            });

            var phases = new Dictionary<string, (double, Stats)>();
            foreach (var phase in new[] { "create", "update", "delete" })
            {
                var latencies = new System.Collections.Concurrent.ConcurrentBag<double>();
                var clock = Stopwatch.StartNew();
                using (Ticker.Start(() => $"{backend} {phase}: {latencies.Count:N0}/{objects:N0}  {latencies.Count / clock.Elapsed.TotalSeconds:F0}/s"))
                    await Parallel.ForEachAsync(Enumerable.Range(0, objects), new ParallelOptions { MaxDegreeOfParallelism = concurrency }, async (i, _) =>
                    {
                        const string path = "/api/v1/namespaces/writes/configmaps";
                        latencies.Add(phase switch
                        {
                            "create" => await api.Timed(HttpMethod.Post, path, Workloads.ConfigMap($"w{i}", payload), 201),
                            "update" => await api.Timed(HttpMethod.Put, $"{path}/w{i}", Workloads.ConfigMap($"w{i}", payload, 1), 200),
                            _ => await api.Timed(HttpMethod.Delete, $"{path}/w{i}", expected: 200),
                        });
                    });
                phases[phase] = (objects / clock.Elapsed.TotalSeconds, new Stats(latencies));
            }
            Console.WriteLine($"{backend}: {pods:N0} pods as Deployments of 100 on {nodes} simulated nodes…");
            var load = await PodLoad.Run(api, silo, ["bench"], pods, 100, barePods: false);
            outcomes.Add(new Outcome(backend, phases, load.PodsPerSecond, silo.PeakMemoryMiB()));
        }

        var report = new Report("backend", "run", "per second", "p50 ms", "p90 ms", "p99 ms", "max ms", "silo peak memory");
        foreach (var o in outcomes)
        {
            foreach (var (phase, (rate, s)) in o.Phases)
                report.Row(o.Backend, $"ConfigMap {phase} ×{objects:N0}, {concurrency} in flight", $"{rate:F0}", Report.Ms(s.P50), Report.Ms(s.P90), Report.Ms(s.P99), Report.Ms(s.Max), $"{o.PeakMiB:F0} MiB");
            report.Row(o.Backend, $"{pods:N0} pods (Deployments of 100) to Running", $"{o.PodsPerSecond:F0} pods/s", "", "", "", "", $"{o.PeakMiB:F0} MiB");
        }
        if (outcomes.Count == 2)
        {
            var (a, b) = (outcomes[0], outcomes[1]);
            foreach (var phase in a.Phases.Keys)
                report.Row($"ratio {b.Backend}/{a.Backend}", $"ConfigMap {phase}", $"{b.Phases[phase].PerSecond / a.Phases[phase].PerSecond:F2}×",
                    $"{b.Phases[phase].Latency.P50 / a.Phases[phase].Latency.P50:F2}×", "", $"{b.Phases[phase].Latency.P99 / a.Phases[phase].Latency.P99:F2}×", "", "");
            report.Row($"ratio {b.Backend}/{a.Backend}", "pods to Running", $"{b.PodsPerSecond / a.PodsPerSecond:F2}×", "", "", "", "", "");
        }
        report.Note($"PostgreSQL: throwaway server on 127.0.0.1, fsync={(fsync ? "on" : "off")}, the silo's own pool settings.");
        report.Print();
        return 0;
    }
}
