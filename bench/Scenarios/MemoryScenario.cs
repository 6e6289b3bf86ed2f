using System.Diagnostics;
using OrleansOrchestrator.Bench.Infrastructure;

namespace OrleansOrchestrator.Bench.Scenarios;

/// <summary>
/// Scenario 5, memory and scale: pods on simulated nodes (Deployments of 100, in namespaces of at most
/// 10,000 pods each), growing in steps of 10,000 up to 150,000 by default — each step waits until its pods run,
/// as Kubernetes' density tests pace their load, instead of creating 100,000 pods at once; at each step the time it took and
/// the silo's memory (VmRSS now, VmHWM peak, from /proc). Stops when the time budget ends, inside a step
/// if need be, and reports how far it got. Target: 150,000 pods held in one silo under 4 GiB.
/// </summary>
public sealed class MemoryScenario : IScenario
{
    public string Name => "memory";

    public string Usage => "[--nodes 5000] [--steps 10000,20000,…,150000] [--per-deployment 100] [--per-namespace 10000] [--budget-minutes 25] [--gcdump FILE]";

    /// <summary>Pods in the store, all namespaces (the list's first item plus remainingItemCount).</summary>
    private static async Task<int> StoredPods(BenchClient api)
    {
        var page = await api.Json("/api/v1/pods?limit=1");
        return page["items"]!.AsArray().Count + (int)(page["metadata"]?["remainingItemCount"]?.GetValue<long>() ?? 0);
    }

    public async Task<int> Run(Options options)
    {
        var nodes = options.Int("--nodes", 5000);
        var steps = options.Ints("--steps", Enumerable.Range(1, 15).Select(i => i * 10_000).ToArray());
        var perDeployment = options.Int("--per-deployment", 100);
        var perNamespace = options.Int("--per-namespace", 10_000);
        var budget = TimeSpan.FromMinutes(options.Int("--budget-minutes", 25));
        var gcdump = options.String("--gcdump");
        options.CheckAllKnown();

        var total = Stopwatch.StartNew();
        // The budget counts from here, silo start and node registration included.
        await using var silo = await BenchSilo.Start(new SiloSettings { SimulatedNodes = nodes });
        using var api = silo.Client();
        Console.WriteLine($"silo up (pid {silo.ProcessId}, {silo.MemoryMiB():F0} MiB); waiting for {nodes:N0} simulated nodes to be Ready…");
        var nodesClock = Stopwatch.StartNew();
        await api.WaitForReadyNodes(nodes, TimeSpan.FromMinutes(10));
        var nodesReady = nodesClock.Elapsed;
        var report = new Report("pods Running", "pods stored", "nodes", "step", "seconds for the step", "pods/s in the step", "silo RSS after", "silo peak (VmHWM)", "RSS per stored pod");
        var baseline = silo.MemoryMiB();
        report.Row(0, 0, nodes, $"{nodes:N0} nodes Ready", $"{nodesReady.TotalSeconds:F1}", "—", $"{baseline:F0} MiB", $"{silo.PeakMemoryMiB():F0} MiB", "—");

        var held = 0;
        var stored = 0;
        var namespaceCount = 0;
        double lastRate = 0;
        string? stoppedBecause = null;
        foreach (var target in steps)
        {
            var add = target - held;
            if (add <= 0) continue;
            // A step runs until done or until the budget ends (then it reports how far it got); none starts in the last minute.
            var remaining = budget - total.Elapsed;
            if (remaining < TimeSpan.FromMinutes(1))
            {
                stoppedBecause = $"stopped before the {target:N0}-pod step: less than a minute of the {budget.TotalMinutes:F0}-minute budget remained (last step: {lastRate:F0} pods/s)";
                break;
            }
            var namespaces = new List<string>();
            for (var left = add; left > 0; left -= perNamespace)
            {
                var ns = $"m{namespaceCount++}";
                await api.CreateNamespace(ns);
                namespaces.Add(ns);
            }
            Console.WriteLine($"step to {target:N0} pods: +{add:N0} over {namespaces.Count} namespaces…");
            PodLoadResult result;
            try
            {
                result = await PodLoad.Run(api, silo, namespaces, add, perDeployment, barePods: false, prefix: $"s{target}-", stallAfter: TimeSpan.FromMinutes(3),
                    deadline: budget - total.Elapsed);
            }
            catch (TimeoutException stalled)
            {
                // The steps done so far are measurements still: report them, and where this one stalled.
                stoppedBecause = $"the {target:N0}-pod step {stalled.Message}; silo RSS then {silo.MemoryMiB():F0} MiB";
                break;
            }
            held += result.Pods;
            if (!result.Complete)
                stoppedBecause = $"the {budget.TotalMinutes:F0}-minute budget ran out during the {target:N0}-pod step: {held:N0} pods Running, the rest created and pending";
            lastRate = result.PodsPerSecond;
            // Let the collectors run once before reading the resident size the silo keeps for these pods.
            await Task.Delay(TimeSpan.FromSeconds(5));
            var rss = silo.MemoryMiB();
            stored = await StoredPods(api);
            report.Row(held, stored, nodes, result.Complete ? $"+{add:N0}" : $"+{add:N0} asked, +{result.Pods:N0} Running when time ran out", $"{result.Elapsed.TotalSeconds:F1}", $"{result.PodsPerSecond:F0}", $"{rss:F0} MiB", $"{silo.PeakMemoryMiB():F0} MiB",
                $"{(rss - baseline) * 1024 / Math.Max(stored, 1):F1} KiB");
            if (!result.Complete) break;
        }
        // Read before any heap snapshot: walking the heap raises the peak.
        var peak = silo.PeakMemoryMiB();
        var perPodKiB = (silo.MemoryMiB() - baseline) * 1024 / Math.Max(stored, 1);
        if (gcdump is not null)
        {
            // What the memory is: a heap snapshot of the silo at its largest (dotnet-gcdump, a global tool), and its top types.
            Console.WriteLine($"heap snapshot of the silo into {gcdump}…");
            var tool = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".dotnet", "tools", "dotnet-gcdump");
            await Shell.Run(tool, ["collect", "-p", $"{silo.ProcessId}", "-o", gcdump], TimeSpan.FromMinutes(5));
            var top = await Shell.Run(tool, ["report", gcdump], TimeSpan.FromMinutes(2));
            Console.WriteLine(string.Join('\n', top.Split('\n').Take(40)));
        }
        if (held >= 150_000)
            report.Target("150,000 pods in one silo under 4 GiB", peak < 4096, $"peak {peak:F0} MiB");
        else
            report.Undecided("150,000 pods in one silo under 4 GiB",
                $"this run reached {held:N0} pods Running ({stored:N0} stored), peak {peak:F0} MiB; at its RSS per stored pod, 150,000 would take ≈{baseline + perPodKiB * 150_000 / 1024:F0} MiB (a projection, not a measurement)");
        if (stoppedBecause is not null) report.Note(stoppedBecause);
        report.Note($"Total {total.Elapsed.TotalMinutes:F1} min.");
        report.Print();
        return 0;
    }
}
