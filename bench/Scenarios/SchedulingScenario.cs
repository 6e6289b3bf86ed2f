using OrleansOrchestrator.Bench.Infrastructure;

namespace OrleansOrchestrator.Bench.Scenarios;

/// <summary>
/// Scenario 1, scheduling and reconcile throughput: pods on simulated nodes, as Deployments or as bare pods,
/// from the first create until a watch has seen every one Running.
/// Target: ≥ 1,000 pods/s at 5,000 simulated nodes (Kubernetes' floors: 680 pods/s for 10,000 pods, 810 for 50,000).
/// </summary>
public sealed class SchedulingScenario : IScenario
{
    public string Name => "scheduling";

    public string Usage => "[--nodes 100] [--pods 1000] [--per-deployment 100] [--bare-pods] [--parallelism 16]";

    public async Task<int> Run(Options options)
    {
        var nodes = options.Int("--nodes", 100);
        var pods = options.Int("--pods", 1000);
        var perDeployment = options.Int("--per-deployment", 100);
        var bare = options.Flag("--bare-pods");
        var parallelism = options.Int("--parallelism", 16);
        options.CheckAllKnown();

        await using var silo = await BenchSilo.Start(new SiloSettings { SimulatedNodes = nodes });
        using var api = silo.Client();
        Console.WriteLine($"silo up (pid {silo.ProcessId}); waiting for {nodes:N0} simulated nodes to be Ready…");
        await api.WaitForReadyNodes(nodes, TimeSpan.FromMinutes(10));
        await api.CreateNamespace("bench");

        var shape = bare ? $"bare pods, {parallelism} creates in flight" : $"Deployments of {perDeployment}";
        Console.WriteLine($"creating {pods:N0} pods ({shape})…");
        var result = await PodLoad.Run(api, silo, ["bench"], pods, perDeployment, bare, parallelism: parallelism);
        Console.WriteLine($"created in {result.CreateTime.TotalSeconds:F1} s; all Running after {result.Elapsed.TotalSeconds:F1} s");

        var report = new Report("scenario", "nodes", "pods", "seconds to all Running (watched)", "pods/s",
            "Running since start p50/p90/p99 (s)", "create→Running p50/p90/p99 (ms)", "silo peak memory");
        var s = result.SinceStartMs;
        var c = result.CreateToRunningMs;
        report.Row($"scheduling ({shape})", nodes, pods, $"{result.Elapsed.TotalSeconds:F1}", $"{result.PodsPerSecond:F0}",
            $"{s.P50 / 1000:F1} / {s.P90 / 1000:F1} / {s.P99 / 1000:F1}",
            c is null ? "—" : $"{Report.Ms(c.P50)} / {Report.Ms(c.P90)} / {Report.Ms(c.P99)}",
            $"{silo.PeakMemoryMiB():F0} MiB");
        report.Target($"≥ 1,000 pods/s scheduled-and-running at 5,000 simulated nodes{(nodes < 5000 ? $" (this run: {nodes:N0} nodes)" : "")}",
            result.PodsPerSecond >= 1000, $"{result.PodsPerSecond:F0} pods/s");
        if (result.WatchRelists > 0)
            report.Note($"The bench's watch fell behind the store's history {result.WatchRelists}× and listed again; pods first seen on such a list count at the list's time (later than they were).");
        report.Print();
        return 0;
    }
}
