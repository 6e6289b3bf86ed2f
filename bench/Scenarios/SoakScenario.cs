using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using OrleansOrchestrator.Bench.Infrastructure;

namespace OrleansOrchestrator.Bench.Scenarios;

/// <summary>
/// Soak (issue 11): churn on simulated nodes for N minutes — ConfigMaps created, updated and deleted; bare pods
/// created and deleted; Deployments created, scaled, rolled out to a new image, scaled down and deleted — at a
/// fixed pace, and once a minute the silo's RSS and threads (/proc), its live grain activations and its node
/// lifecycle timers and sweeps (the silo's <c>--metrics-interval</c> line), its CPU time and the churn's API
/// latency. Verdict per series: flat when its least-squares slope over the second half of the run stays
/// within the stated bound, else growing. A timer or thread that leaks per sweep or per request shows here.
/// </summary>
public sealed class SoakScenario : IScenario
{
    private const string Namespace = "soak";

    // A slot runs one object through its life, step by step, then starts over under a new name.
    private static readonly string[][] Scripts =
    [
        ["create configmap", "update configmap", "delete configmap"],
        ["create pod", "delete pod"],
        ["create deployment", "scale deployment up", "set image", "scale deployment down", "delete deployment"],
    ];

    public string Name => "soak";

    public string Usage => "[--minutes 30] [--nodes 50] [--rate 20] [--slots 30] [--sample-seconds 60] [--event-ttl-seconds 300] [--silo-dll PATH]";

    public async Task<int> Run(Options options)
    {
        var minutes = options.Int("--minutes", 30);
        var nodes = options.Int("--nodes", 50);
        var rate = options.Int("--rate", 20);
        var slots = options.Int("--slots", 30);
        var sample = TimeSpan.FromSeconds(options.Int("--sample-seconds", 60));
        // Events are kept an hour by default: under steady churn the store then grows for an hour by design. A
        // shorter life lets a run of half an hour reach the steady state it is meant to judge.
        var eventTtl = options.Int("--event-ttl-seconds", 300);
        var siloDll = options.String("--silo-dll");
        options.CheckAllKnown();
        if (minutes < 2) throw new ArgumentException("--minutes must be at least 2 (the verdict compares the second half of the samples)");

        await using var silo = await BenchSilo.Start(new SiloSettings { SimulatedNodes = nodes, MetricsSeconds = 5, SiloDll = siloDll, ExtraArgs = ["--event-ttl", $"{eventTtl}"] });
        using var api = silo.Client();
        Console.WriteLine($"silo up (pid {silo.ProcessId}); waiting for {nodes} simulated nodes to be Ready…");
        await api.WaitForReadyNodes(nodes, TimeSpan.FromMinutes(5));
        await api.CreateNamespace(Namespace);

        var samples = (int)Math.Round(TimeSpan.FromMinutes(minutes) / sample);
        Console.WriteLine($"churn: {rate} API calls/s over {slots} slots ({string.Join("; ", Scripts.Select(s => string.Join(" → ", s)))}) for {minutes} min, a row every {sample.TotalSeconds:F0} s");
        var latencies = new ConcurrentBag<double>();
        var errors = new ConcurrentDictionary<string, int>();
        using var stop = new CancellationTokenSource();
        var churn = Churn(api, rate, slots, () => latencies, errors, stop.Token);

        var rows = new List<Row>();
        var clock = Stopwatch.StartNew();
        var cpuBefore = silo.CpuTime();
        var sweepsBefore = silo.Metrics.GetValueOrDefault(SweepsMetric);
        var errorsBefore = 0;
        for (var i = 1; i <= samples; i++)
        {
            using (Ticker.Start(() => $"row {i}/{samples}: {latencies.Count,6:N0} calls  silo {silo.MemoryMiB(),5:F0} MiB  {silo.Threads(),4:F0} threads  {silo.Metrics.GetValueOrDefault(ActivationsMetric),6:N0} activations  {silo.Metrics.GetValueOrDefault(TimersMetric)} lifecycle timers"))
            {
                var due = sample * i - clock.Elapsed;
                if (due > TimeSpan.Zero) await Task.Delay(due);
            }
            if (silo.HasExited) throw new InvalidOperationException($"the silo exited:\n{silo.Tail}");
            var minute = new Stats(Interlocked.Exchange(ref latencies, new ConcurrentBag<double>()));
            var cpu = silo.CpuTime();
            var metrics = silo.Metrics;
            var sweeps = metrics.GetValueOrDefault(SweepsMetric);
            var errorCount = errors.Values.Sum();
            var row = new Row(clock.Elapsed, silo.MemoryMiB(), silo.Threads(), metrics.GetValueOrDefault(ActivationsMetric), metrics.GetValueOrDefault(TimersMetric),
                (sweeps - sweepsBefore) / (sample.TotalMinutes), (cpu - cpuBefore).TotalSeconds / sample.TotalMinutes, minute.Count, minute.P50, minute.P99, errorCount - errorsBefore);
            rows.Add(row);
            Console.WriteLine($"  {row.At.TotalMinutes,5:F1} min  RSS {row.RssMiB,5:F0} MiB  threads {row.Threads,4:F0}  activations {row.Activations,6:N0}  lifecycle timers {row.Timers,3}  sweeps/min {row.SweepsPerMinute,5:F0}  cpu {row.CpuSecondsPerMinute,5:F1} s/min  calls {row.Calls,6:N0}  p50 {Report.Ms(row.P50Ms)} ms  p99 {Report.Ms(row.P99Ms)} ms  errors {row.Errors}");
            (cpuBefore, sweepsBefore, errorsBefore) = (cpu, sweeps, errorCount);
        }
        await stop.CancelAsync();
        await churn;

        var report = new Report("minute", "silo RSS (MiB)", "threads", "grain activations", "lifecycle timers", "lifecycle sweeps/min", "silo CPU s/min", "API calls", "p50 ms", "p99 ms", "errors");
        foreach (var r in rows)
            report.Row(r.At.TotalMinutes.ToString("F1", CultureInfo.InvariantCulture), r.RssMiB, r.Threads, (int)r.Activations, (int)r.Timers, r.SweepsPerMinute, r.CpuSecondsPerMinute, r.Calls, Report.Ms(r.P50Ms), Report.Ms(r.P99Ms), r.Errors);

        // The second half of the run: the first minutes are warm-up (JIT, caches, the first activations).
        var window = rows.Skip(rows.Count / 2).ToList();
        var flat = true;
        void Judge(string series, Func<Row, double> value, double relative, double floor, string unit, bool judged = true)
        {
            var points = window.Select(r => (r.At.TotalMinutes, value(r))).ToList();
            var slope = Slope(points);
            var bound = Math.Max(relative * points.Average(p => p.Item2), floor);
            var measured = $"{slope:+0.00;-0.00;0.00} {unit}/min over minutes {window[0].At.TotalMinutes:F1}–{window[^1].At.TotalMinutes:F1} (bound {bound:F2})";
            if (!judged)
            {
                report.Undecided($"{series} flat", measured);
                return;
            }
            report.Target($"{series} flat", slope <= bound, measured);
            flat &= slope <= bound;
        }
        // Judged in every run: what must not grow at all once the silo is warm. RSS and activations only in long
        // runs: deleted objects' grains stay active until Orleans collects them when idle (2 minutes for object
        // grains, 15 for controllers), so both climb for the first quarter of an hour by design.
        var longRun = minutes >= 20;
        Judge("node lifecycle timers", r => r.Timers, 0, 0.01, "timers");
        Judge("node lifecycle sweeps/min", r => r.SweepsPerMinute, 0.01, 0.5, "sweeps/min");
        Judge("threads", r => r.Threads, 0.02, 1, "threads");
        Judge("silo RSS", r => r.RssMiB, 0.01, 2, "MiB", judged: longRun);
        Judge("grain activations", r => r.Activations, 0.01, 5, "activations", judged: longRun);
        // Reported only: they follow whatever else the machine runs.
        Judge("silo CPU", r => r.CpuSecondsPerMinute, 0.02, 0.2, "s/min", judged: false);
        Judge("API p99", r => r.P99Ms, 0.02, 1, "ms", judged: false);
        report.Note($"{nodes} simulated nodes; Events kept {eventTtl} s; churn {rate} calls/s over {slots} slots; errors by step: {(errors.IsEmpty ? "none" : string.Join(", ", errors.Select(e => $"{e.Key} {e.Value}")))}. " +
                    $"Verdict: **{(flat ? "flat" : "growing")}** (timers, sweeps and threads judged; RSS and activations in runs of 20 minutes or more; CPU and latency reported).");
        report.Print();
        return flat ? 0 : 1;
    }

    private const string ActivationsMetric = "orleans-catalog-activations";
    private const string TimersMetric = "oo-node-lifecycle-timers";
    private const string SweepsMetric = "oo-node-lifecycle-sweeps";

    private sealed record Row(TimeSpan At, double RssMiB, double Threads, long Activations, long Timers, double SweepsPerMinute, double CpuSecondsPerMinute,
        int Calls, double P50Ms, double P99Ms, int Errors);

    /// <summary>Least-squares slope of y over x.</summary>
    private static double Slope(IReadOnlyList<(double X, double Y)> points)
    {
        var meanX = points.Average(p => p.X);
        var meanY = points.Average(p => p.Y);
        var spread = points.Sum(p => (p.X - meanX) * (p.X - meanX));
        return spread == 0 ? 0 : points.Sum(p => (p.X - meanX) * (p.Y - meanY)) / spread;
    }

    /// <summary>
    /// Issues <paramref name="rate"/> calls a second (open loop: on schedule, whether or not earlier ones have
    /// answered), round-robin over the slots; each slot takes the next step of its script, one at a time.
    /// </summary>
    private static async Task Churn(BenchClient api, int rate, int slots, Func<ConcurrentBag<double>> latencies, ConcurrentDictionary<string, int> errors, CancellationToken stop)
    {
        var step = new int[slots];
        var gates = Enumerable.Range(0, slots).Select(_ => new SemaphoreSlim(1, 1)).ToArray();
        await OpenLoop.Run(rate, async n =>
        {
            var slot = (int)(n % slots);
            await gates[slot].WaitAsync();
            var script = Scripts[slot % Scripts.Length];
            var cycle = step[slot] / script.Length;
            var action = script[step[slot]++ % script.Length];
            try
            {
                latencies().Add(await Call(api, action, $"s{slot}-{cycle}"));
            }
            catch (Exception e) when (e is InvalidOperationException or HttpRequestException)
            {
                errors.AddOrUpdate(action, 1, (_, k) => k + 1);
            }
            finally
            {
                gates[slot].Release();
            }
        }, stop);
    }

    private static Task<double> Call(BenchClient api, string action, string name)
    {
        const string core = $"/api/v1/namespaces/{Namespace}";
        const string apps = $"/apis/apps/v1/namespaces/{Namespace}";
        const string strategic = "application/strategic-merge-patch+json";
        return action switch
        {
            "create configmap" => api.Timed(HttpMethod.Post, $"{core}/configmaps", Workloads.ConfigMap(name, 256), 201),
            "update configmap" => api.Timed(HttpMethod.Put, $"{core}/configmaps/{name}", Workloads.ConfigMap(name, 256, 1), 200),
            "delete configmap" => api.Timed(HttpMethod.Delete, $"{core}/configmaps/{name}"),
            "create pod" => api.Timed(HttpMethod.Post, $"{core}/pods", Workloads.Pod(name, Workloads.SimulatedContainer(), app: "soak-bare"), 201),
            "delete pod" => api.Timed(HttpMethod.Delete, $"{core}/pods/{name}"),
            "create deployment" => api.Timed(HttpMethod.Post, $"{apps}/deployments", Workloads.Deployment(name, 2, Workloads.SimulatedContainer()), 201),
            "scale deployment up" => api.Timed(HttpMethod.Patch, $"{apps}/deployments/{name}", """{"spec":{"replicas":4}}""", contentType: strategic),
            "set image" => api.Timed(HttpMethod.Patch, $"{apps}/deployments/{name}", """{"spec":{"template":{"spec":{"containers":[{"name":"c","image":"example/app:2"}]}}}}""", contentType: strategic),
            "scale deployment down" => api.Timed(HttpMethod.Patch, $"{apps}/deployments/{name}", """{"spec":{"replicas":1}}""", contentType: strategic),
            "delete deployment" => api.Timed(HttpMethod.Delete, $"{apps}/deployments/{name}"),
            _ => throw new ArgumentOutOfRangeException(nameof(action), action, null),
        };
    }
}
