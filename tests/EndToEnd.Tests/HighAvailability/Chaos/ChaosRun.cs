using System.Diagnostics;
using System.Globalization;

namespace OrleansOrchestrator.Chaos;

/// <summary>The outcome of a chaos run: every violation found, and the numbers of the summary.</summary>
public sealed record ChaosVerdict(ChaosFindings Findings, IReadOnlyList<string> Summary)
{
    public bool Passed => Findings.Count == 0;

    public override string ToString() => string.Join('\n', Summary) + "\n" + Findings.Describe();
}

/// <summary>
/// The chaos test of issue 16: a writer, N watches and a rolling update run against a cluster of silos while a
/// monkey kills (SIGKILL) one silo at a time and restarts it; then every acknowledged write must be there, every watch
/// must have seen every change in order or been told to relist (and agree with a fresh list), the rollout must never
/// exceed its surge bound and must complete. With a Docker node (<see cref="ChaosSettings.DockerNode"/>) a small
/// Deployment runs on it throughout: the node must never go NotReady and its pods must end Running, each container
/// running exactly once in the engine. The rolling update stays on simulated nodes (too many pods for real containers).
/// </summary>
public static class ChaosRun
{
    /// <summary>How long after the chaos the Docker node's pods may take to show whole again (they should never have stopped).</summary>
    private static readonly TimeSpan DockerSettleDeadline = TimeSpan.FromSeconds(30);

    public static async Task<ChaosVerdict> Run(IReadOnlyList<IChaosSilo> silos, string token, ChaosSettings settings)
    {
        var log = settings.Log;
        var findings = new ChaosFindings();
        using var api = new ChaosApi(silos, token, findings);
        var ns = settings.Namespace;
        var clock = Stopwatch.StartNew();
        var random = new Random(settings.Seed);
        log($"chaos: {silos.Count} silos, {settings.Rounds} rounds of {settings.Round.TotalSeconds:F0} s, {settings.WritesPerSecond}/s writes, " +
            $"{settings.Watches} watches, a Deployment of {settings.Replicas}{(settings.DockerNode is { } d ? $", Docker node {d.Name}" : "")}; seed {settings.Seed}");

        var created = await api.Send(HttpMethod.Post, "/api/v1/namespaces", $$$"""{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"{{{ns}}}"}}""");
        if (!created.Ok && created.Code != 409) findings.Add("setup", $"creating namespace {ns}: {created.Code} {ChaosApi.Bounded(created.Text)}");
        var rollout = new RolloutSampler(api, findings, ns, settings.Replicas);
        var docker = settings.DockerNode is { } dockerNode ? new DockerNodeSampler(api, findings, ns, dockerNode) : null;
        var dockerCreated = docker is not null && await docker.Create(CancellationToken.None);
        var before = (Done: false, State: "not created");
        if (await rollout.Create(CancellationToken.None))
            before = await rollout.WaitFor(RolloutSampler.OldImage, settings.RolloutDeadline, CancellationToken.None);
        log($"  {clock.Elapsed.TotalSeconds,6:F1} s  Deployment before the chaos: {before.State}");
        if (!before.Done) findings.Add("rollout", $"the Deployment never became available before the chaos: {before.State}");
        if (docker is not null)
        {
            (bool Done, IReadOnlyList<string> Problems) dockerBefore = dockerCreated ? await docker.WaitFor(settings.RolloutDeadline, CancellationToken.None) : (false, ["not created"]);
            log($"  {clock.Elapsed.TotalSeconds,6:F1} s  Docker node before the chaos: {(dockerBefore.Done ? $"Ready, {DockerNodeSampler.Replicas} pods running" : string.Join("; ", dockerBefore.Problems))}");
            if (!dockerBefore.Done) findings.Add("docker node", $"never ready with its Deployment before the chaos: {string.Join("; ", dockerBefore.Problems)}");
        }
        if (settings.DeploymentReady is { } ready) await ready();

        // One ConfigMap before any watch starts: a list of an empty collection says version "0", and a watch from "0"
        // means "from any point" (synthetic ADDED events in no particular order), which would void the order check.
        var seed = await api.Send(HttpMethod.Post, $"/api/v1/namespaces/{ns}/configmaps", """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"seed"}}""");
        if (!seed.Ok && seed.Code != 409) findings.Add("setup", $"creating the seed ConfigMap: {seed.Code} {ChaosApi.Bounded(seed.Text)}");

        using var stopWrites = new CancellationTokenSource();
        using var stopReads = new CancellationTokenSource();
        var writer = new ChaosWriter(api, findings, ns, settings.WritesPerSecond, settings.WriteConcurrency, settings.ConfigMaps);
        var watches = Enumerable.Range(0, settings.Watches).Select(i => new ChaosWatch(api, findings, ns, i % silos.Count)).ToList();
        var watchTasks = watches.Select(w => Task.Run(() => w.Run(stopReads.Token))).ToList();
        var sampler = Task.Run(() => rollout.Sample(stopReads.Token));
        var dockerSampler = docker is null ? Task.CompletedTask : Task.Run(() => docker.Sample(stopReads.Token));
        var writing = Task.Run(() => writer.Run(stopWrites.Token));
        var round = 0;
        var lastAcked = 0;
        var lastTick = clock.Elapsed;
        using var progress = new Timer(_ =>
        {
            var acked = writer.Acknowledged.Count;
            var now = clock.Elapsed;
            var rate = (acked - lastAcked) / Math.Max(0.001, (now - lastTick).TotalSeconds);
            (lastAcked, lastTick) = (acked, now);
            log(string.Create(CultureInfo.InvariantCulture,
                $"  {now.TotalSeconds,6:F1} s  round {round}/{settings.Rounds}  writes {acked:N0} acknowledged ({rate:F0}/s) of {writer.Attempts:N0}  " +
                $"retried 503/429 {findings.Retried503Or429}  refused {findings.ConnectionRefused}  relists {findings.Relists}  " +
                $"pods ≤ {rollout.MostPods}/{rollout.SurgeBound}  violations {findings.Count}"));
        }, null, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(2));

        var spareable = Enumerable.Range(0, silos.Count).Where(i => i != settings.SparedSilo).ToList();
        for (round = 1; round <= settings.Rounds; round++)
        {
            var roundStart = clock.Elapsed;
            // Let the load run on a whole cluster for a while first, then kill a quarter into the round.
            await Task.Delay(settings.Round / 4);
            var victim = spareable[random.Next(spareable.Count)];
            log($"  {clock.Elapsed.TotalSeconds,6:F1} s  round {round}: kill -9 {silos[victim].Name}");
            await silos[victim].Kill();
            if (round == 1)
            {
                // The rolling update starts while the first silo is down, as an operator's deploy might.
                if (await rollout.StartUpdate(CancellationToken.None)) log($"  {clock.Elapsed.TotalSeconds,6:F1} s  image changed to {RolloutSampler.NewImage}");
            }
            try
            {
                await silos[victim].Start();
                log($"  {clock.Elapsed.TotalSeconds,6:F1} s  round {round}: {silos[victim].Name} back");
            }
            catch (Exception e)
            {
                findings.Add("restart", $"{silos[victim].Name} did not start again: {ChaosApi.Bounded(e.Message)}");
            }
            var rest = roundStart + settings.Round - clock.Elapsed;
            if (rest > TimeSpan.Zero) await Task.Delay(rest);
        }
        round = settings.Rounds;
        await stopWrites.CancelAsync();
        await writing;
        log($"  {clock.Elapsed.TotalSeconds,6:F1} s  chaos over; {writer.Acknowledged.Count:N0} writes acknowledged; waiting for the rollout");

        var after = await rollout.WaitFor(RolloutSampler.NewImage, settings.RolloutDeadline, CancellationToken.None);
        var rolloutSeconds = rollout.UpdateStartedAt is { } started ? (DateTime.UtcNow - started).TotalSeconds : double.NaN;
        if (!after.Done) findings.Add("rollout", $"not complete {settings.RolloutDeadline.TotalSeconds:F0} s after the chaos: {after.State}");
        log($"  {clock.Elapsed.TotalSeconds,6:F1} s  rollout: {after.State}");

        // The Docker node's work came through whole: node Ready, pods Running and Ready, each container once in the engine.
        (bool Done, IReadOnlyList<string> Problems) dockerAfter = docker is null ? (true, []) : await docker.WaitFor(DockerSettleDeadline, CancellationToken.None);
        foreach (var problem in dockerAfter.Problems) findings.Add("docker node after the chaos", problem);

        // Every acknowledged write is in a list taken now.
        var final = await ChaosWatch.List(api, ns, null, CancellationToken.None);
        var lost = final is null ? ["no list of the ConfigMaps after the run"] : ChaosWriter.Lost(writer.Acknowledged, final.Value.Items).ToList();
        foreach (var l in lost) findings.Add("acknowledged write lost", l);

        // Every watch ends up agreeing with a fresh list (a silent watch never does), within a bound.
        var until = DateTime.UtcNow + settings.ConvergenceDeadline;
        var behind = watches;
        while (true)
        {
            var fresh = await ChaosWatch.List(api, ns, null, CancellationToken.None);
            if (fresh is not null)
                behind = watches.Where(w => !SameState(w.Cache(), fresh.Value.Items)).ToList();
            if (behind.Count == 0 || DateTime.UtcNow > until) break;
            await Task.Delay(TimeSpan.FromMilliseconds(500));
        }
        foreach (var w in behind)
        {
            var last = w.Segments.LastOrDefault();
            findings.Add("watch disagrees with a fresh list (silent?)",
                $"watch {watches.IndexOf(w)} on silo {last?.Silo}: its last segment from version {last?.ListVersion} has {last?.Events.Count} events, state '{last?.End}', last event at {w.LastEventAt:HH:mm:ss.f}");
        }
        await stopReads.CancelAsync();
        await Task.WhenAll(watchTasks.Append(sampler).Append(dockerSampler));

        var acknowledged = writer.Acknowledged;
        for (var i = 0; i < watches.Count; i++)
            foreach (var v in WatchCheck.Violations(i, watches[i].Segments, acknowledged))
                findings.Add("watch missed or reordered a change", v);

        var segments = watches.Sum(w => w.Segments.Count);
        // The longest time without an acknowledged write while the writer ran: how long the control plane stalled.
        var times = acknowledged.Select(w => w.At).Order().ToList();
        var stall = times.Zip(times.Skip(1), (a, b) => b - a).DefaultIfEmpty().Max();
        var ends = watches.SelectMany(w => w.Segments).GroupBy(s => s.End.Split(' ', 2)[0] is var e && e.StartsWith("ERROR", StringComparison.Ordinal) ? s.End : e)
            .Select(g => $"{g.Key} ×{g.Count()}");
        List<string> summary =
        [
            string.Create(CultureInfo.InvariantCulture, $"chaos: {silos.Count} silos, {settings.Rounds} kills, {clock.Elapsed.TotalSeconds:F0} s, seed {settings.Seed}"),
            string.Create(CultureInfo.InvariantCulture, $"writes: {writer.Acknowledged.Count:N0} acknowledged of {writer.Attempts:N0} attempted; lost {lost.Count}; 503/429 retried {findings.Retried503Or429}; connections refused {findings.ConnectionRefused}; longest time without an acknowledged write {stall.TotalSeconds:F1} s"),
            $"watches: {watches.Count}, {segments} list+watch segments (relists {findings.Relists}); ended: {string.Join(", ", ends)}; disagreeing with a fresh list at the end: {behind.Count}",
            string.Create(CultureInfo.InvariantCulture, $"rollout: most pods at once {rollout.MostPods} (bound {rollout.SurgeBound}) over {rollout.Samples} samples; {after.State}; {rolloutSeconds:F0} s from the image change"),
        ];
        if (docker is not null)
            summary.Add($"docker node: {settings.DockerNode!.Name} not Ready in {docker.NotReadySamples} of {docker.Samples} samples; its Deployment at most {docker.MostPods} pods (replicas {DockerNodeSampler.Replicas}); " +
                        (dockerAfter.Done ? "at the end Ready, every pod Running and Ready, each container running once in the engine" : $"at the end: {string.Join("; ", dockerAfter.Problems)}"));
        summary.Add($"violations: {findings.Count}");
        foreach (var line in summary) log(line);
        return new ChaosVerdict(findings, summary);
    }

    private static bool SameState(Dictionary<string, (long Seq, long ResourceVersion)> cache, Dictionary<string, (long Seq, long ResourceVersion)> fresh) =>
        cache.Count == fresh.Count && fresh.All(p => cache.TryGetValue(p.Key, out var c) && c.ResourceVersion == p.Value.ResourceVersion);
}
