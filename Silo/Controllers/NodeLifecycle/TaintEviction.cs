using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Silo.Controllers.Scheduling;

namespace OrleansOrchestrator.Silo.Controllers.NodeLifecycle;

/// <summary>
/// When a pod on a node with <c>NoExecute</c> taints must go, as Kubernetes' taint eviction decides: a taint it does
/// not tolerate evicts it at once; otherwise, for each taint the first toleration that matches it counts, and the pod
/// goes at the earliest time one of those runs out (a toleration without seconds never runs out, one of zero or fewer
/// seconds at once). Unlike Kubernetes, which counts from when its in-memory queue first saw the taint, the time is
/// counted from the taint's own <c>timeAdded</c>, which is stored: a silo restart does not give pods more time.
/// </summary>
public static class TaintEviction
{
    /// <summary>A century: any longer toleration is as good as for ever, and a time that far keeps clear of overflow.</summary>
    private const long LongestCounted = 100L * 365 * 24 * 3600;

    /// <summary>When the pod is to be evicted, or null when never (no NoExecute taint, or only tolerations for ever).</summary>
    public static DateTimeOffset? EvictAt(Pod pod, IReadOnlyList<Taint>? taints, DateTimeOffset now)
    {
        DateTimeOffset? earliest = null;
        foreach (var taint in taints ?? [])
        {
            if (taint.Effect != Tolerations.NoExecute) continue;
            var used = pod.Spec.Tolerations?.FirstOrDefault(t => Tolerations.Tolerates(t, taint));
            if (used is null) return now;
            if (used.TolerationSeconds is not { } seconds) continue;
            var added = taint.TimeAdded ?? now;
            var at = seconds <= 0 ? added : added + TimeSpan.FromSeconds(Math.Min(seconds, LongestCounted));
            if (earliest is null || at < earliest) earliest = at;
        }
        return earliest;
    }

    /// <summary>Whether the pod is due for eviction now.</summary>
    public static bool IsDue(Pod pod, IReadOnlyList<Taint>? taints, DateTimeOffset now) =>
        EvictAt(pod, taints, now) is { } at && at <= now;
}
