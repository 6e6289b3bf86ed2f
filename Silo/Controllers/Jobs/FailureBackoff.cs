using OrleansOrchestrator.Contracts.Model;

namespace OrleansOrchestrator.Silo.Controllers.Jobs;

/// <summary>
/// Kubernetes' back-off before a job creates pods again after failures: 10 s after the first failure since the last
/// success, doubling with each further one, capped at 10 minutes (the job controller's <c>MaxJobPodFailureBackOff</c>;
/// older documentation says six). Derived from the pods' own finish times, so it survives a silo restart.
/// </summary>
public static class FailureBackoff
{
    public static readonly TimeSpan Initial = TimeSpan.FromSeconds(10);
    public static readonly TimeSpan Max = TimeSpan.FromMinutes(10);

    /// <summary>The back-off after <paramref name="failures"/> failures in a row (zero: none).</summary>
    public static TimeSpan Delay(int failures)
    {
        if (failures <= 0) return TimeSpan.Zero;
        var delay = Initial;
        for (var i = 1; i < failures; i++)
        {
            delay *= 2;
            if (delay >= Max) return Max;
        }
        return delay;
    }

    /// <summary>How long the job must still wait before creating pods (zero: it may now).</summary>
    public static TimeSpan Remaining(Job job, IReadOnlyList<Pod> pods, DateTimeOffset now)
    {
        var lastSuccess = pods.Where(JobPods.IsSucceeded).Select(JobPods.FinishedTime).DefaultIfEmpty(DateTimeOffset.MinValue).Max();
        // A pod that ended Failed, or is being deleted while the job still has to count it. Not one the job itself stopped
        // without counting it (released before its deletion: suspended, surplus), so a resumed job starts at once.
        var failures = pods.Where(p => p.Status?.Phase == "Failed" || JobPods.HasTrackingFinalizer(p) && JobPods.IsFailed(p, job))
            .Select(JobPods.FinishedTime).Where(t => t > lastSuccess).ToList();
        if (failures.Count == 0) return TimeSpan.Zero;
        var remaining = Delay(failures.Count) - (now - failures.Max());
        return remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero;
    }
}
