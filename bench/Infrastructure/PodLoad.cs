using System.Diagnostics;

namespace OrleansOrchestrator.Bench.Infrastructure;

/// <summary>What a batch of pods on simulated nodes did: when each went Running, and how fast.</summary>
/// <param name="WatchRelists">How often the bench's watch fell behind the store's history and listed again (pods first seen on such a list count at its time).</param>
public sealed record PodLoadResult(int Pods, TimeSpan CreateTime, TimeSpan Elapsed, Stats SinceStartMs, Stats? CreateToRunningMs, int WatchRelists, bool Complete = true)
{
    public double PodsPerSecond => Pods / Elapsed.TotalSeconds;
}

/// <summary>
/// The scheduling workload shared by the scheduling, memory and storage scenarios: pods on simulated nodes,
/// as Deployments or as bare pods, timed from the first create until the watch has seen each Running.
/// </summary>
public static class PodLoad
{
    /// <param name="prefix">Names start with it, so that successive batches in one namespace do not collide.</param>
    /// <param name="namespaces">Pods (or Deployments) are spread over these, round-robin.</param>
    public static async Task<PodLoadResult> Run(BenchClient api, BenchSilo silo, IReadOnlyList<string> namespaces, int pods, int perDeployment, bool barePods,
        string prefix = "", TimeSpan? stallAfter = null, int parallelism = 16, TimeSpan? deadline = null)
    {
        var single = namespaces.Count == 1;
        var set = namespaces.ToHashSet();
        await using var watch = single
            ? await PodWatch.Start(api, namespaces[0])
            : await PodWatch.Start(api, null, include: key => set.Contains(key[..key.IndexOf('/')]));
        string Ns(int i) => namespaces[i % namespaces.Count];
        string Key(int i) => single ? $"{prefix}p{i}" : $"{Ns(i)}/{prefix}p{i}";
        var clock = Stopwatch.StartNew();
        var startStamp = Stopwatch.GetTimestamp();
        var created = 0;
        var createdAt = new long[barePods ? pods : 0];
        var cpuAtStart = silo.CpuTime();
        var ticker = Ticker.Start(() =>
            $"{Volatile.Read(ref created),7:N0} asked  {watch.BoundCount,7:N0} bound  {watch.RunningCount,7:N0}/{pods:N0} Running  silo {silo.MemoryMiB(),6:F0} MiB  cpu {(silo.CpuTime() - cpuAtStart).TotalSeconds,6:F1} s{(watch.Relists > 0 ? $"  watch relisted {watch.Relists}× ({watch.Relisted:N0} pods read)" : "")}");
        try
        {
            if (barePods)
            {
                await Parallel.ForEachAsync(Enumerable.Range(0, pods), new ParallelOptions { MaxDegreeOfParallelism = parallelism }, async (i, _) =>
                {
                    createdAt[i] = Stopwatch.GetTimestamp();
                    var code = await api.Send(HttpMethod.Post, $"/api/v1/namespaces/{Ns(i)}/pods", Workloads.Pod($"{prefix}p{i}", Workloads.SimulatedContainer(), app: "bare"));
                    if (code != 201) throw new InvalidOperationException($"creating pod {prefix}p{i} answered {code}");
                    Interlocked.Increment(ref created);
                });
            }
            else
            {
                var deployments = (pods + perDeployment - 1) / perDeployment;
                await Parallel.ForEachAsync(Enumerable.Range(0, deployments), new ParallelOptions { MaxDegreeOfParallelism = Math.Min(parallelism, 8) }, async (i, _) =>
                {
                    var replicas = Math.Min(perDeployment, pods - i * perDeployment);
                    var code = await api.Send(HttpMethod.Post, $"/apis/apps/v1/namespaces/{Ns(i)}/deployments", Workloads.Deployment($"{prefix}d{i}", replicas, Workloads.SimulatedContainer()));
                    if (code != 201) throw new InvalidOperationException($"creating deployment {prefix}d{i} answered {code}");
                    Interlocked.Add(ref created, replicas);
                });
            }
            var createTime = clock.Elapsed;

            // Stall detection: no new Running pod for a while ends the run with an error rather than hanging.
            var stall = stallAfter ?? TimeSpan.FromMinutes(2);
            var last = -1;
            var lastChange = clock.Elapsed;
            var all = watch.WhenRunning(pods);
            while (!all.IsCompleted)
            {
                var now = watch.RunningCount;
                if (now != last) { last = now; lastChange = clock.Elapsed; }
                else if (clock.Elapsed - lastChange > stall) throw new TimeoutException($"stalled at {now:N0}/{pods:N0} Running for {stall.TotalSeconds:F0} s");
                if (silo.HasExited) throw new InvalidOperationException($"the silo exited:\n{silo.Tail}");
                if (deadline is { } d && clock.Elapsed > d)
                {
                    // Out of time: answer what was reached, marked incomplete, rather than nothing.
                    var reached = watch.RunningCount;
                    return new PodLoadResult(reached, createTime, clock.Elapsed,
                        new Stats(watch.RunningTimestamps().Select(t => Stopwatch.GetElapsedTime(startStamp, t).TotalMilliseconds)), null, watch.Relists, Complete: false);
                }
                await Task.WhenAny(all, Task.Delay(500));
            }
            var elapsed = clock.Elapsed;

            var sinceStart = new Stats(watch.RunningTimestamps().Select(t => Stopwatch.GetElapsedTime(startStamp, t).TotalMilliseconds));
            Stats? createToRunning = null;
            if (barePods)
                createToRunning = new Stats(Enumerable.Range(0, pods).Select(i =>
                    watch.RunningAt(Key(i)) is { } at ? Stopwatch.GetElapsedTime(createdAt[i], at).TotalMilliseconds : double.NaN).Where(d => !double.IsNaN(d)));
            return new PodLoadResult(pods, createTime, elapsed, sinceStart, createToRunning, watch.Relists);
        }
        finally
        {
            ticker.Dispose();
        }
    }
}
