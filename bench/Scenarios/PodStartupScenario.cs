using System.Diagnostics;
using OrleansOrchestrator.Bench.Infrastructure;

namespace OrleansOrchestrator.Bench.Scenarios;

/// <summary>
/// Scenario 3, pod start-up with real containers: from the API create until a watch sees the pod Running, on
/// the silo's own Docker agent, against <c>docker run -d</c> of the same image and command in the same run
/// (the engine's floor: the CLI returns once the container is started) → the overhead ratio. One pod at a
/// time (interleaved with <c>docker run</c>, repeated for percentiles), then 20 at once.
/// Targets: p50 ratio ≤ 1.25×, p99 ≤ 2 s for one pod (anchor: Kubernetes' SLO p99 ≤ 5 s).
/// </summary>
public sealed class PodStartupScenario : IScenario
{
    public string Name => "pod-startup";

    public string Usage => "[--runs 20] [--burst 20] [--burst-runs 3]";

    public async Task<int> Run(Options options)
    {
        var runs = options.Int("--runs", 20);
        var burst = options.Int("--burst", 20);
        var burstRuns = options.Int("--burst-runs", 3);
        options.CheckAllKnown();

        await DockerHost.EnsureEngineAndImage();
        var id = Guid.NewGuid().ToString("N")[..8];
        var node = $"bench-{id}";
        var runLabel = $"oo-bench.run={id}";
        var podLabel = $"io.orleans-orchestrator.node={node}";
        try
        {
            await using var silo = await BenchSilo.Start(new SiloSettings { DockerNodeName = node });
            using var api = silo.Client();
            Console.WriteLine($"silo up (pid {silo.ProcessId}) with its Docker agent as node {node}");
            await api.WaitForReadyNodes(1, TimeSpan.FromMinutes(1));
            await api.CreateNamespace("bench");
            await using var watch = await PodWatch.Start(api, "bench");
            using var engine = new EngineEvents(podLabel);
            var createdNanos = new Dictionary<string, long>();

            async Task<double> DockerRun(string name)
            {
                var (ms, _) = await Shell.Timed("docker", ["run", "-d", "--name", name, "--label", runLabel, DockerHost.Image, .. DockerHost.Command]);
                return ms;
            }

            // The engine's API without the CLI: create + start over the socket (curl), the floor under `docker run`.
            var createBody = new System.Text.Json.Nodes.JsonObject
            {
                ["Image"] = DockerHost.Image,
                ["Cmd"] = new System.Text.Json.Nodes.JsonArray(DockerHost.Command.Select(a => (System.Text.Json.Nodes.JsonNode)a).ToArray()),
                ["Labels"] = new System.Text.Json.Nodes.JsonObject { ["oo-bench.run"] = id },
            }.ToJsonString();
            var bodyFile = Path.Combine(silo.DataDir, "create.json");
            await File.WriteAllTextAsync(bodyFile, createBody);
            async Task<double> EngineRun(string name)
            {
                var (ms, _) = await Shell.Timed("bash", "-c",
                    $"curl -sf --unix-socket /var/run/docker.sock -H 'Content-Type: application/json' -d @{bodyFile} 'http://localhost/v1.41/containers/create?name={name}' >/dev/null"
                    + $" && curl -sf --unix-socket /var/run/docker.sock -X POST 'http://localhost/v1.41/containers/{name}/start'");
                return ms;
            }

            async Task<(double Total, double Bind)> PodRun(string name)
            {
                var start = Stopwatch.GetTimestamp();
                lock (createdNanos) createdNanos[name] = EngineEvents.NowNanos();
                var code = await api.Send(HttpMethod.Post, "/api/v1/namespaces/bench/pods", Workloads.Pod(name, Workloads.DockerContainer()));
                if (code != 201) throw new InvalidOperationException($"creating pod {name} answered {code}");
                await watch.WhenPodRunning(name).WaitAsync(TimeSpan.FromMinutes(2));
                var bound = watch.BoundAt(name) is { } b ? Stopwatch.GetElapsedTime(start, b).TotalMilliseconds : double.NaN;
                return (Stopwatch.GetElapsedTime(start, watch.RunningAt(name)!.Value).TotalMilliseconds, bound);
            }

            async Task DeletePods(IEnumerable<string> names)
            {
                foreach (var name in names) await api.Send(HttpMethod.Delete, $"/api/v1/namespaces/bench/pods/{name}");
                var clock = Stopwatch.StartNew();
                while ((await api.Json("/api/v1/namespaces/bench/pods"))["items"]!.AsArray().Count > 0 || await DockerHost.RunningCount(podLabel) > 0)
                {
                    if (clock.Elapsed > TimeSpan.FromMinutes(2)) throw new TimeoutException("pods were not gone 2 minutes after their deletion");
                    await Task.Delay(200);
                }
            }

            Console.WriteLine("warm-up: one docker run and one pod (the agent builds its pause image on first use)…");
            await DockerRun($"oo-bench-{id}-warm");
            await PodRun("warm");
            await DeletePods(["warm"]);
            await DockerHost.RemoveLabelled(runLabel);

            Console.WriteLine($"one at a time, {runs} runs each, interleaved…");
            var dockerSingle = new List<double>();
            var engineSingle = new List<double>();
            var podSingle = new List<double>();
            var podBind = new List<double>();
            using (Ticker.Start(() => $"run {podSingle.Count}/{runs}  docker run p50 {new Stats(dockerSingle).P50,6:F0} ms  pod p50 {new Stats(podSingle).P50,6:F0} ms"))
                for (var i = 0; i < runs; i++)
                {
                    dockerSingle.Add(await DockerRun($"oo-bench-{id}-s{i}"));
                    engineSingle.Add(await EngineRun($"oo-bench-{id}-e{i}"));
                    var (total, bind) = await PodRun($"s{i}");
                    podSingle.Add(total);
                    podBind.Add(bind);
                    await DockerHost.RemoveLabelled(runLabel);
                    await DeletePods([$"s{i}"]);
                }

            // Where a single pod's time goes: the engine's events for its two containers, on the same clock as the create.
            var steps = new (string Label, Func<string, double?> Ms)[]
            {
                ("sandbox (pause) container created", pod => Since(pod, "podsandbox", "create")),
                ("sandbox started", pod => Since(pod, "podsandbox", "start")),
                ("app container created", pod => Since(pod, "container", "create")),
                ("app container started", pod => Since(pod, "container", "start")),
            };
            double? Since(string pod, string type, string action) =>
                engine.At(pod, type, action) is { } at ? (at - createdNanos[pod]) / 1e6 : null;
            var singles = Enumerable.Range(0, runs).Select(i => $"s{i}").ToList();

            Console.WriteLine($"{burst} at once, {burstRuns} rounds…");
            var dockerBurstEach = new List<double>();
            var dockerBurstAll = new List<double>();
            var podBurstEach = new List<double>();
            var podBurstAll = new List<double>();
            var round = 0;
            using (Ticker.Start(() => $"round {round + 1}/{burstRuns}  pods Running {watch.RunningCount}"))
                for (round = 0; round < burstRuns; round++)
                {
                    var clock = Stopwatch.StartNew();
                    dockerBurstEach.AddRange(await Task.WhenAll(Enumerable.Range(0, burst).Select(i => DockerRun($"oo-bench-{id}-b{round}-{i}"))));
                    dockerBurstAll.Add(clock.Elapsed.TotalMilliseconds);
                    await DockerHost.RemoveLabelled(runLabel);

                    clock.Restart();
                    var names = Enumerable.Range(0, burst).Select(i => $"b{round}-{i}").ToList();
                    podBurstEach.AddRange((await Task.WhenAll(names.Select(PodRun))).Select(r => r.Total));
                    podBurstAll.Add(clock.Elapsed.TotalMilliseconds);
                    await DeletePods(names);
                }

            var ds = new Stats(dockerSingle);
            var ps = new Stats(podSingle);
            var pb = new Stats(podBind);
            var db = new Stats(dockerBurstEach);
            var pe = new Stats(podBurstEach);
            var report = new Report("case", "samples", "p50 ms", "p90 ms", "p99 ms", "max ms", "ratio ours/docker p50", "ratio p99");
            report.Row("1 container: `docker run -d`", ds.Count, Report.Ms(ds.P50), Report.Ms(ds.P90), Report.Ms(ds.P99), Report.Ms(ds.Max), "1", "1");
            var es = new Stats(engineSingle);
            report.Row("1 container: engine API create + start (curl)", es.Count, Report.Ms(es.P50), Report.Ms(es.P90), Report.Ms(es.P99), Report.Ms(es.Max),
                $"{es.P50 / ds.P50:F2}×", $"{es.P99 / ds.P99:F2}×");
            report.Row("1 pod: create → Running (watched)", ps.Count, Report.Ms(ps.P50), Report.Ms(ps.P90), Report.Ms(ps.P99), Report.Ms(ps.Max),
                $"{ps.P50 / ds.P50:F2}×", $"{ps.P99 / ds.P99:F2}×");
            report.Row("  of which create → bound (watched)", pb.Count, Report.Ms(pb.P50), Report.Ms(pb.P90), Report.Ms(pb.P99), Report.Ms(pb.Max), "", "");
            report.Row($"{burst} containers at once: each `docker run -d`", db.Count, Report.Ms(db.P50), Report.Ms(db.P90), Report.Ms(db.P99), Report.Ms(db.Max), "1", "1");
            report.Row($"{burst} pods at once: each create → Running", pe.Count, Report.Ms(pe.P50), Report.Ms(pe.P90), Report.Ms(pe.P99), Report.Ms(pe.Max),
                $"{pe.P50 / db.P50:F2}×", $"{pe.P99 / db.P99:F2}×");
            var dAll = new Stats(dockerBurstAll);
            var pAll = new Stats(podBurstAll);
            report.Row($"{burst} containers: all running (per round)", dAll.Count, Report.Ms(dAll.P50), "", "", Report.Ms(dAll.Max), "1", "");
            report.Row($"{burst} pods: all Running (per round)", pAll.Count, Report.Ms(pAll.P50), "", "", Report.Ms(pAll.Max), $"{pAll.P50 / dAll.P50:F2}×", "");
            var breakdown = new Report("one pod, since the API create", "p50 ms", "p90 ms", "samples");
            breakdown.Row("bound to the node (watch)", Report.Ms(pb.P50), Report.Ms(pb.P90), pb.Count);
            foreach (var (label, ms) in steps)
            {
                var st = new Stats(singles.Select(ms).Where(v => v is not null).Select(v => v!.Value));
                breakdown.Row($"{label} (engine event)", Report.Ms(st.P50), Report.Ms(st.P90), st.Count);
            }
            breakdown.Row("Running (watch)", Report.Ms(ps.P50), Report.Ms(ps.P90), ps.Count);
            report.Target("one pod: start-up over `docker run -d` ≤ 1.25× at p50", ps.P50 / ds.P50 <= 1.25, $"{ps.P50 / ds.P50:F2}×");
            report.Target("one pod: p99 ≤ 2 s", ps.P99 <= 2000, $"{ps.P99:F0} ms");
            report.Note($"One pod over the engine API floor (curl create + start; the pod has two containers, sandbox and app): p50 {ps.P50 / es.P50:F2}×, p99 {ps.P99 / es.P99:F2}×.");
            report.Target("anchor: one pod p99 ≤ 5 s (Kubernetes' SLO)", ps.P99 <= 5000, $"{ps.P99:F0} ms");
            report.Note($"Silo peak memory: {silo.PeakMemoryMiB():F0} MiB. Image {DockerHost.Image} (busybox, local), imagePullPolicy IfNotPresent, command `{string.Join(' ', DockerHost.Command)}`.");
            report.Print();
            breakdown.Print();
        }
        finally
        {
            // The silo is gone by now (its agent stops nothing on kill): remove every container this run made.
            await DockerHost.RemoveLabelled(runLabel);
            await DockerHost.RemoveLabelled(podLabel);
        }
        return 0;
    }
}
