namespace OrleansOrchestrator.Silo.Controllers.DaemonSets;

/// <summary>
/// How long a DaemonSet leaves a node's failed pod before deleting it again (Kubernetes' <c>failedPodsBackoff</c>, a
/// <c>flowcontrol.Backoff</c> of 1 s doubling to 15 min per node): a node that keeps refusing the pod is not hammered.
/// A node whose last failure is older than twice the longest delay starts again at 1 s. Kept in the controller's
/// memory, as Kubernetes keeps it in the controller process.
/// </summary>
public sealed class FailedPodBackoff
{
    public static readonly TimeSpan Initial = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan Longest = TimeSpan.FromMinutes(15);

    private readonly Dictionary<string, (DateTimeOffset Since, TimeSpan Delay)> _nodes = new(StringComparer.Ordinal);

    /// <summary>The nodes whose failed pod must wait, at <paramref name="now"/>.</summary>
    public IReadOnlySet<string> Waiting(DateTimeOffset now) =>
        _nodes.Where(n => now - n.Value.Since < n.Value.Delay).Select(n => n.Key).ToHashSet(StringComparer.Ordinal);

    /// <summary>When the first waiting node may be looked at again; null when none waits.</summary>
    public TimeSpan? NextRetry(DateTimeOffset now)
    {
        var waits = _nodes.Values.Select(n => n.Since + n.Delay - now).Where(w => w > TimeSpan.Zero).ToList();
        return waits.Count == 0 ? null : waits.Min();
    }

    /// <summary>A failed pod on <paramref name="node"/> is being deleted now: the next one there waits twice as long.</summary>
    public void Failed(string node, DateTimeOffset now)
    {
        var delay = _nodes.TryGetValue(node, out var last) && now - last.Since <= 2 * Longest
            ? TimeSpan.FromTicks(Math.Min(last.Delay.Ticks * 2, Longest.Ticks))
            : Initial;
        _nodes[node] = (now, delay);
    }

    /// <summary>Forgets nodes whose back-off has long expired, so the table does not grow with every node ever seen.</summary>
    public void Prune(DateTimeOffset now)
    {
        foreach (var stale in _nodes.Where(n => now - n.Value.Since > 2 * Longest).Select(n => n.Key).ToList())
            _nodes.Remove(stale);
    }
}
