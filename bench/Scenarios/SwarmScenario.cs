using System.Diagnostics;
using System.Text.Json.Nodes;
using OrleansOrchestrator.Bench.Infrastructure;

namespace OrleansOrchestrator.Bench.Scenarios;

/// <summary>
/// Scenario 4, against Docker Swarm on the same engine: the same image and command at N replicas as a Swarm
/// service and as our Deployment — time from the create command until all N are running, then a rolling
/// update of every replica (an environment change) until all N new replicas are running; ratio ours/Swarm.
/// Both with their defaults, as a user would run them: Swarm updates one task at a time (parallelism 1,
/// delay 0, stop-first); a Deployment surges 25% and lets 25% be unavailable.
/// Target: faster than Swarm to all-running at 50 replicas. The swarm is always left at the end.
/// </summary>
public sealed class SwarmScenario : IScenario
{
    public string Name => "swarm";

    public string Usage => "[--replicas 10,50]";

    public async Task<int> Run(Options options)
    {
        var sizes = options.Ints("--replicas", 10, 50);
        options.CheckAllKnown();

        await DockerHost.EnsureEngineAndImage();
        var state = (await Shell.Run("docker", ["info", "--format", "{{.Swarm.LocalNodeState}}"])).Trim();
        if (state != "inactive")
            throw new InvalidOperationException($"this engine is already in a swarm ({state}): not ours to use or leave");
        var id = Guid.NewGuid().ToString("N")[..8];
        var node = $"bench-{id}";
        var podLabel = $"io.orleans-orchestrator.node={node}";
        var swarmLabel = $"oo-bench.swarm={id}";
        var report = new Report("replicas", "phase", "Swarm (s)", "ours (s)", "ratio ours/Swarm");
        var results = new List<(int N, double SwarmUp, double OursUp, double SwarmUpdate, double OursUpdate)>();
        await Shell.Run("docker", ["swarm", "init", "--advertise-addr", "127.0.0.1"]);
        try
        {
            await using var silo = await BenchSilo.Start(new SiloSettings { DockerNodeName = node });
            using var api = silo.Client();
            Console.WriteLine($"swarm initialised; silo up (pid {silo.ProcessId}) with its Docker agent as node {node}");
            await api.WaitForReadyNodes(1, TimeSpan.FromMinutes(1));
            await api.CreateNamespace("bench");

            // Warm-up, not measured: the agent's pause image and a first service.
            await Ours(api, silo, "warm", 1, podLabel);
            await SwarmService($"oo-bench-{id}-warm", 1, swarmLabel);

            foreach (var n in sizes)
            {
                Console.WriteLine($"Swarm service, {n} replicas…");
                var (swarmUp, swarmUpdate) = await SwarmService($"oo-bench-{id}-{n}", n, swarmLabel);
                Console.WriteLine($"Deployment, {n} replicas…");
                var (oursUp, oursUpdate) = await Ours(api, silo, $"web{n}", n, podLabel);
                results.Add((n, swarmUp, oursUp, swarmUpdate, oursUpdate));
                report.Row(n, "create → all running", $"{swarmUp:F1}", $"{oursUp:F1}", $"{oursUp / swarmUp:F2}×");
                report.Row(n, "rolling update → all new running", $"{swarmUpdate:F1}", $"{oursUpdate:F1}", $"{oursUpdate / swarmUpdate:F2}×");
            }
            report.Note($"Silo peak memory: {silo.PeakMemoryMiB():F0} MiB. Swarm's update defaults: parallelism 1, delay 0 s, order stop-first; the Deployment's: maxSurge 25%, maxUnavailable 25%.");
        }
        finally
        {
            try { await Shell.Bash($"svcs=$(docker service ls -q --filter name=oo-bench-{id}); [ -z \"$svcs\" ] || docker service rm $svcs >/dev/null"); }
            catch (Exception e) { Console.Error.WriteLine($"removing the services failed: {e.Message}"); }
            try { await Shell.Run("docker", ["swarm", "leave", "--force"]); Console.WriteLine("left the swarm"); }
            catch (Exception e) { Console.Error.WriteLine($"LEAVING THE SWARM FAILED — run `docker swarm leave --force`: {e.Message}"); }
            await DockerHost.RemoveLabelled(swarmLabel);
            await DockerHost.RemoveLabelled(podLabel);
        }
        foreach (var r in results.Where(r => r.N >= 50))
            report.Target($"faster than Swarm to all-running at {r.N} replicas", r.OursUp < r.SwarmUp, $"ours {r.OursUp:F1} s vs Swarm {r.SwarmUp:F1} s");
        report.Print();
        return 0;
    }

    /// <summary>A Swarm service of n replicas: seconds until all are running, then seconds for a rolling update of all; then removed.</summary>
    private static async Task<(double Up, double Update)> SwarmService(string name, int n, string label)
    {
        // The engine's start events of the service's containers, as they happen.
        using var events = new ContainerStarts($"{label}", name);
        var clock = Stopwatch.StartNew();
        await Shell.Run("docker", ["service", "create", "--detach", "--quiet", "--name", name, "--replicas", $"{n}", "--container-label", label,
            "--env", "ROUND=1", DockerHost.Image, .. DockerHost.Command]);
        await events.WaitFor(n, () => $"Swarm {name}: {events.Count}/{n} started");
        var up = clock.Elapsed.TotalSeconds;
        await ExpectRunning(label, name, n);

        var before = events.Count;
        clock.Restart();
        await Shell.Run("docker", ["service", "update", "--detach", "--quiet", "--env-add", "ROUND=2", name]);
        await events.WaitFor(before + n, () => $"Swarm {name} update: {events.Count - before}/{n} new started");
        var update = clock.Elapsed.TotalSeconds;
        await ExpectRunning(label, name, n);

        await Shell.Run("docker", ["service", "rm", name]);
        await UntilGone(() => Shell.Run("docker", ["ps", "-aq", "--filter", $"label=com.docker.swarm.service.name={name}"]));
        return (up, update);
    }

    private static async Task ExpectRunning(string label, string service, int n)
    {
        var running = (await Shell.Run("docker", ["ps", "-q", "--filter", $"label={label}", "--filter", $"label=com.docker.swarm.service.name={service}", "--filter", "status=running"]))
            .Split('\n', StringSplitOptions.RemoveEmptyEntries).Length;
        if (running < n) Console.WriteLine($"  note: {running}/{n} of {service}'s containers running when the count of starts was reached");
    }

    /// <summary>Our Deployment of n replicas: seconds until all are Running (watched), then for a rolling update of all; then deleted.</summary>
    private static async Task<(double Up, double Update)> Ours(BenchClient api, BenchSilo silo, string name, int n, string podLabel)
    {
        await using var watch = await PodWatch.Start(api, "bench", labelKey: "pod-template-hash");
        var clock = Stopwatch.StartNew();
        var container = Workloads.DockerContainer(env: new Dictionary<string, string> { ["ROUND"] = "1" });
        var code = await api.Send(HttpMethod.Post, "/apis/apps/v1/namespaces/bench/deployments", Workloads.Deployment(name, n, container));
        if (code != 201) throw new InvalidOperationException($"creating deployment {name} answered {code}");
        using (Ticker.Start(() => $"ours {name}: {watch.RunningCount}/{n} Running  silo {silo.MemoryMiB():F0} MiB"))
            await watch.WhenRunning(n).WaitAsync(TimeSpan.FromMinutes(5));
        var up = clock.Elapsed.TotalSeconds;

        var firstHashes = (await api.Json($"/api/v1/namespaces/bench/pods?labelSelector=app%3D{name}"))["items"]!.AsArray()
            .Select(p => p!["metadata"]!["labels"]?["pod-template-hash"]?.GetValue<string>() ?? "").ToHashSet();
        clock.Restart();
        var patch = new JsonObject
        {
            ["spec"] = new JsonObject { ["template"] = new JsonObject { ["spec"] = new JsonObject { ["containers"] = new JsonArray(
                Workloads.DockerContainer(env: new Dictionary<string, string> { ["ROUND"] = "2" })) } } },
        }.ToJsonString();
        code = await api.Send(HttpMethod.Patch, $"/apis/apps/v1/namespaces/bench/deployments/{name}", patch, "application/strategic-merge-patch+json");
        if (code != 200) throw new InvalidOperationException($"patching deployment {name} answered {code}");
        Func<string, bool> isNew = hash => !firstHashes.Contains(hash);
        using (Ticker.Start(() => $"ours {name} update: {watch.CountRunning(isNew)}/{n} new Running"))
            await watch.When(() => watch.CountRunning(isNew) >= n).WaitAsync(TimeSpan.FromMinutes(10));
        var update = clock.Elapsed.TotalSeconds;

        await api.Send(HttpMethod.Delete, $"/apis/apps/v1/namespaces/bench/deployments/{name}");
        await UntilGone(async () => (await api.Json($"/api/v1/namespaces/bench/pods?labelSelector=app%3D{name}"))["items"]!.AsArray().Count > 0
            ? "x" : await Shell.Run("docker", ["ps", "-aq", "--filter", $"label={podLabel}"]));
        return (up, update);
    }

    private static async Task UntilGone(Func<Task<string>> remaining)
    {
        var clock = Stopwatch.StartNew();
        while ((await remaining()).Trim().Length > 0)
        {
            if (clock.Elapsed > TimeSpan.FromMinutes(3)) throw new TimeoutException("replicas were not gone 3 minutes after removal");
            await Task.Delay(250);
        }
    }

    /// <summary>Counts the engine's start events for a service's containers (distinct containers), from a <c>docker events</c> stream.</summary>
    private sealed class ContainerStarts : IDisposable
    {
        private readonly Process _process;
        private readonly HashSet<string> _ids = new();

        public ContainerStarts(string label, string service)
        {
            var info = new ProcessStartInfo("docker") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var a in new[] { "events", "--filter", "type=container", "--filter", "event=start", "--filter", $"label={label}",
                         "--filter", $"label=com.docker.swarm.service.name={service}", "--format", "{{.Actor.ID}}" })
                info.ArgumentList.Add(a);
            _process = Process.Start(info)!;
            _process.OutputDataReceived += (_, e) => { if (e.Data is { Length: > 0 } idLine) lock (_ids) _ids.Add(idLine); };
            _process.BeginOutputReadLine();
            _process.BeginErrorReadLine();
            Thread.Sleep(300); // let the stream subscribe before anything starts
        }

        public int Count { get { lock (_ids) return _ids.Count; } }

        public async Task WaitFor(int count, Func<string> progress)
        {
            var clock = Stopwatch.StartNew();
            using var ticker = Ticker.Start(progress);
            while (Count < count)
            {
                if (clock.Elapsed > TimeSpan.FromMinutes(10)) throw new TimeoutException($"only {Count}/{count} containers started in 10 minutes");
                await Task.Delay(20);
            }
        }

        public void Dispose()
        {
            if (!_process.HasExited) _process.Kill();
            _process.WaitForExit(5000);
            _process.Dispose();
        }
    }
}
