using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Silo.Admission;
using OrleansOrchestrator.Silo.Controllers.Scheduling;

namespace OrleansOrchestrator.Silo.Controllers.NodeLifecycle;

/// <summary>
/// When a pod on a node with <c>NoExecute</c> taints must go, as Kubernetes' taint eviction decides: a taint it does
/// not tolerate evicts it at once; otherwise, for each taint the first toleration that matches it counts, and the pod
/// goes at the earliest time one of those runs out (a toleration without seconds never runs out, one of zero or fewer
/// seconds at once). Unlike Kubernetes, which counts from when its in-memory queue first saw the taint, the time is
/// counted from the taint's own <c>timeAdded</c>, which is stored: a silo restart does not give pods more time.
/// A pod that lacks the default tolerations of a failed node (it was stored before the admission gave them, or restored
/// from an older snapshot) is judged as if it had them (<see cref="DefaultTolerationSeconds.WithDefaults"/>): without
/// that, its node going silent would evict it after the grace period instead of minutes later. Any other NoExecute
/// taint it does not tolerate still evicts it at once.
/// </summary>
public static class TaintEviction
{
    /// <summary>A century: any longer toleration is as good as for ever, and a time that far keeps clear of overflow.</summary>
    private const long LongestCounted = 100L * 365 * 24 * 3600;

    /// <summary>When the pod is to be evicted, or null when never (no NoExecute taint, or only tolerations for ever).</summary>
    public static DateTimeOffset? EvictAt(Pod pod, IReadOnlyList<Taint>? taints, DateTimeOffset now, ControllerOptions options)
    {
        DateTimeOffset? earliest = null;
        IReadOnlyList<Toleration>? tolerations = null;
        foreach (var taint in taints ?? [])
        {
            if (taint.Effect != Tolerations.NoExecute) continue;
            // The same defaults the admission gives a new pod, so an old pod and a new one are evicted alike.
            tolerations ??= DefaultTolerationSeconds.WithDefaults(pod.Spec.Tolerations, options) ?? [];
            var used = tolerations.FirstOrDefault(t => Tolerations.Tolerates(t, taint));
            if (used is null) return now;
            if (used.TolerationSeconds is not { } seconds) continue;
            var added = taint.TimeAdded ?? now;
            var at = seconds <= 0 ? added : added + TimeSpan.FromSeconds(Math.Min(seconds, LongestCounted));
            if (earliest is null || at < earliest) earliest = at;
        }
        return earliest;
    }

    /// <summary>Whether the pod is due for eviction now.</summary>
    public static bool IsDue(Pod pod, IReadOnlyList<Taint>? taints, DateTimeOffset now, ControllerOptions options) =>
        EvictAt(pod, taints, now, options) is { } at && at <= now;
}
