using System.Diagnostics;
using System.Text.Json.Nodes;
using OrleansOrchestrator.Bench.Infrastructure;

namespace OrleansOrchestrator.Bench.Scenarios;

/// <summary>
/// Issue 13, stateful and batch workloads on simulated nodes: a StatefulSet (podManagementPolicy Parallel) from
/// create to every pod Running, and a Job from create to every completion, each against a Deployment of the same
/// size in the same run (the anchor), alternating which goes first. Target: each ≥ 0.8× the Deployment's pods/s,
/// as the median of the runs.
/// </summary>
public sealed class WorkloadsScenario : IScenario
{
    public string Name => "workloads";

    public string Usage => "[--nodes 100] [--statefulset 100] [--job 1000] [--runs 3]";

    public async Task<int> Run(Options options)
    {
        var nodes = options.Int("--nodes", 100);
        var stsSize = options.Int("--statefulset", 100);
        var jobSize = options.Int("--job", 1000);
        var runs = options.Int("--runs", 3);
        options.CheckAllKnown();

        await using var silo = await BenchSilo.Start(new SiloSettings { SimulatedNodes = nodes });
        using var api = silo.Client();
        Console.WriteLine($"silo up (pid {silo.ProcessId}); waiting for {nodes:N0} simulated nodes to be Ready…");
        await api.WaitForReadyNodes(nodes, TimeSpan.FromMinutes(10));

        var results = new List<(string Pair, double Anchor, double Workload)>();
        for (var run = 0; run < runs; run++)
        {
            var deploymentFirst = run % 2 == 0;
            Console.WriteLine($"run {run + 1}/{runs}: StatefulSet of {stsSize} against a Deployment of {stsSize} ({(deploymentFirst ? "Deployment" : "StatefulSet")} first)…");
            results.Add(await Pair("statefulset", deploymentFirst,
                () => Running(api, $"r{run}-deploy-s", stsSize, Workloads.Deployment("d", stsSize, Workloads.SimulatedContainer()), "/apis/apps/v1", "deployments"),
                () => Running(api, $"r{run}-sts", stsSize, StatefulSet("s", stsSize), "/apis/apps/v1", "statefulsets")));
            Console.WriteLine($"run {run + 1}/{runs}: Job of {jobSize} completions against a Deployment of {jobSize}…");
            results.Add(await Pair("job", deploymentFirst,
                () => Running(api, $"r{run}-deploy-j", jobSize, Workloads.Deployment("d", jobSize, Workloads.SimulatedContainer()), "/apis/apps/v1", "deployments"),
                () => Completed(api, $"r{run}-job", jobSize)));
            // Each pair's pods leave room for the next: nodes would otherwise fill over the runs.
            foreach (var ns in new[] { "deploy-s", "sts", "deploy-j", "job" })
                await api.Send(HttpMethod.Delete, $"/api/v1/namespaces/r{run}-{ns}");
        }

        var report = new Report("workload", "size", "runs", "Deployment pods/s (median, min–max)", "workload pods/s (median, min–max)", "ratio (median, min–max)");
        foreach (var (pair, size) in new[] { ("statefulset", stsSize), ("job", jobSize) })
        {
            var mine = results.Where(r => r.Pair == pair).ToList();
            var ratios = mine.Select(r => r.Workload / r.Anchor).ToList();
            report.Row(pair == "job" ? "Job (parallelism = completions)" : "StatefulSet (Parallel)", size, mine.Count,
                Spread(mine.Select(r => r.Anchor)), Spread(mine.Select(r => r.Workload)), $"{Stats.Median(ratios):F2}× ({ratios.Min():F2}–{ratios.Max():F2})");
            report.Target($"{pair} ≥ 0.8× a Deployment of the same size", Stats.Median(ratios) >= 0.8, $"{Stats.Median(ratios):F2}×");
        }
        report.Note($"{nodes:N0} simulated nodes; pods/s = pods (or completions) over the seconds from the create request to the last one Running (or the Job's succeeded count reaching its size), watched.");
        report.Print();
        return 0;
    }

    private static string Spread(IEnumerable<double> values)
    {
        var list = values.ToList();
        return $"{Stats.Median(list):F0} ({list.Min():F0}–{list.Max():F0})";
    }

    private static async Task<(string, double, double)> Pair(string name, bool anchorFirst, Func<Task<double>> anchor, Func<Task<double>> workload)
    {
        double a, w;
        if (anchorFirst) { a = await anchor(); w = await workload(); }
        else { w = await workload(); a = await anchor(); }
        Console.WriteLine($"  {name}: Deployment {a:F0} pods/s, {name} {w:F0} pods/s ({w / a:F2}×)");
        return (name, a, w);
    }

    /// <summary>Creates a workload in a fresh namespace and answers its pods per second, from the create to the last pod seen Running.</summary>
    private static async Task<double> Running(BenchClient api, string ns, int pods, string body, string group, string plural)
    {
        await api.CreateNamespace(ns);
        await using var watch = await PodWatch.Start(api, ns);
        var clock = Stopwatch.StartNew();
        using (Ticker.Start(() => $"{plural} in {ns}: {watch.RunningCount:N0}/{pods:N0} Running"))
        {
            var code = await api.Send(HttpMethod.Post, $"{group}/namespaces/{ns}/{plural}", body);
            if (code != 201) throw new InvalidOperationException($"creating {plural} in {ns} answered {code}");
            await watch.WhenRunning(pods).WaitAsync(TimeSpan.FromMinutes(5));
        }
        return pods / clock.Elapsed.TotalSeconds;
    }

    /// <summary>Creates a Job of <paramref name="completions"/> short pods, all at once, and answers completions per second.</summary>
    private static async Task<double> Completed(BenchClient api, string ns, int completions)
    {
        await api.CreateNamespace(ns);
        var clock = Stopwatch.StartNew();
        var succeeded = 0;
        using (Ticker.Start(() => $"job in {ns}: {Volatile.Read(ref succeeded):N0}/{completions:N0} succeeded"))
        {
            var code = await api.Send(HttpMethod.Post, $"/apis/batch/v1/namespaces/{ns}/jobs", Job("j", completions));
            if (code != 201) throw new InvalidOperationException($"creating the job in {ns} answered {code}");
            while (Volatile.Read(ref succeeded) < completions)
            {
                if (clock.Elapsed > TimeSpan.FromMinutes(5)) throw new TimeoutException($"the job reached {succeeded}/{completions} in 5 minutes");
                var status = (await api.Json($"/apis/batch/v1/namespaces/{ns}/jobs/j"))["status"];
                Volatile.Write(ref succeeded, status?["succeeded"]?.GetValue<int>() ?? 0);
                if (succeeded < completions) await Task.Delay(100);
            }
        }
        return completions / clock.Elapsed.TotalSeconds;
    }

    private static string StatefulSet(string name, int replicas) => new JsonObject
    {
        ["apiVersion"] = "apps/v1",
        ["kind"] = "StatefulSet",
        ["metadata"] = new JsonObject { ["name"] = name },
        ["spec"] = new JsonObject
        {
            ["replicas"] = replicas,
            ["podManagementPolicy"] = "Parallel",
            ["serviceName"] = name,
            ["selector"] = new JsonObject { ["matchLabels"] = new JsonObject { ["app"] = name } },
            ["template"] = new JsonObject
            {
                ["metadata"] = new JsonObject { ["labels"] = new JsonObject { ["app"] = name } },
                ["spec"] = new JsonObject { ["containers"] = new JsonArray(Workloads.SimulatedContainer()) },
            },
        },
    }.ToJsonString();

    private static string Job(string name, int completions) => new JsonObject
    {
        ["apiVersion"] = "batch/v1",
        ["kind"] = "Job",
        ["metadata"] = new JsonObject { ["name"] = name },
        ["spec"] = new JsonObject
        {
            ["completions"] = completions,
            ["parallelism"] = completions,
            ["template"] = new JsonObject
            {
                ["spec"] = new JsonObject
                {
                    ["restartPolicy"] = "Never",
                    ["containers"] = new JsonArray(Workloads.SimulatedJobContainer()),
                },
            },
        },
    }.ToJsonString();
}
