using OrleansOrchestrator.Contracts.Model;

namespace OrleansOrchestrator.Silo.Controllers.Scheduling;

/// <summary>
/// The score plugins of Kubernetes' default profile that apply here, each normalised over the feasible
/// nodes as Kubernetes does (pkg/scheduler/framework/plugins: noderesources/least_allocated.go,
/// podtopologyspread/scoring.go, nodeaffinity, tainttoleration, helper.DefaultNormalizeScore).
/// </summary>
internal static class NodeScoring
{
    public const int MaxNodeScore = 100;
    public const string ZoneLabel = "topology.kubernetes.io/zone";

    /// <summary>Kubernetes' system default spreading: by host with maxSkew 3, by zone with maxSkew 5.</summary>
    private const int HostMaxSkew = 3;
    private const int ZoneMaxSkew = 5;

    /// <summary>Scores every feasible node, best first; ties go to the node whose name sorts first.</summary>
    public static IReadOnlyList<NodeScore> ScoreAll(Pod pod, PodRequests requests, IReadOnlyList<NodeView> feasible) =>
        Score(pod, requests, feasible)
            .OrderByDescending(s => s.WeightedSum)
            .ThenBy(s => s.Node, StringComparer.Ordinal)
            .ToList();

    /// <summary>
    /// The first of <see cref="ScoreAll"/>, found without sorting the rest: a placement needs only the winner, and
    /// at 5,000 nodes it is chosen among the 500 sampled for every pod.
    /// </summary>
    public static NodeScore Best(Pod pod, PodRequests requests, IReadOnlyList<NodeView> feasible)
    {
        var scores = Score(pod, requests, feasible);
        var best = scores[0];
        foreach (var score in scores)
            if (score.WeightedSum > best.WeightedSum
                || (score.WeightedSum == best.WeightedSum && string.CompareOrdinal(score.Node, best.Node) < 0))
                best = score;
        return best;
    }

    /// <summary>Every feasible node's score, in the order given.</summary>
    private static NodeScore[] Score(Pod pod, PodRequests requests, IReadOnlyList<NodeView> feasible)
    {
        var spec = pod.Spec;
        var affinity = NodeAffinityMatcher.HasPreferences(spec)
            ? NormalizeDefault(feasible.Select(n => NodeAffinityMatcher.PreferredWeight(spec, n.Node)).ToArray(), reverse: false)
            : null;
        var taints = NormalizeDefault(feasible.Select(n => (long)Tolerations.CountIntolerablePreferNoSchedule(n.Taints, spec.Tolerations)).ToArray(), reverse: true);
        var spread = Spread(pod, feasible);

        var scores = new NodeScore[feasible.Count];
        for (var i = 0; i < feasible.Count; i++)
            scores[i] = new NodeScore(feasible[i].Name, LeastAllocated(requests, feasible[i]), spread?[i], affinity?[i], taints[i]);
        return scores;
    }

    /// <summary>
    /// Free share of CPU and of memory once the pod is placed, averaged with equal weights; request-less
    /// containers count at the defaults (100m, 200Mi) so that they still spread. A resource the node does not
    /// declare is left out.
    /// </summary>
    public static int LeastAllocated(PodRequests requests, NodeView node)
    {
        long sum = 0, count = 0;
        if (node.AllocatableMilliCpu > 0)
        {
            sum += LeastRequested(node.NonZeroRequestedMilliCpu + requests.NonZeroMilliCpu, node.AllocatableMilliCpu);
            count++;
        }
        if (node.AllocatableMemory > 0)
        {
            sum += LeastRequested(node.NonZeroRequestedMemory + requests.NonZeroMemory, node.AllocatableMemory);
            count++;
        }
        return count == 0 ? 0 : (int)(sum / count);
    }

    private static long LeastRequested(long requested, long capacity) =>
        requested > capacity ? 0 : (long)((Int128)(capacity - requested) * MaxNodeScore / capacity);

    /// <summary>
    /// Spreading the pod's workload (PodTopologySpread with Kubernetes' default constraints). Kubernetes
    /// selects the "same workload" with the selectors of the Services and ReplicaSets that select the pod;
    /// lacking those here, a pod with an owner matches the pods of the same owner, and a bare pod with labels
    /// matches the pods carrying all its labels, in its namespace, not being deleted. Null (the plugin skips)
    /// for a bare pod without labels. Every node is its own host domain; zones count over the feasible nodes.
    /// </summary>
    public static int[]? Spread(Pod pod, IReadOnlyList<NodeView> feasible)
    {
        long[] counts;
        if (PlacedPod.OwnerKeyOf(pod) is { } owner)
        {
            // The pods of the same owner: counted by each view as pods come and go.
            var ns = pod.Metadata.Namespace ?? "";
            counts = feasible.Select(n => (long)n.CountOfWorkload(ns, owner)).ToArray();
        }
        else if (SiblingMatcher(pod) is { } sibling)
            counts = feasible.Select(n => (long)n.Pods.Values.Count(sibling)).ToArray();
        else
            return null;
        var zones = feasible.Select(n => n.Node.Metadata.Labels?.GetValueOrDefault(ZoneLabel)).ToArray();
        var zoneCounts = new Dictionary<string, long>(StringComparer.Ordinal);
        for (var i = 0; i < feasible.Count; i++)
            if (zones[i] is { } zone) zoneCounts[zone] = zoneCounts.GetValueOrDefault(zone) + counts[i];
        var hostWeight = Math.Log(feasible.Count + 2);
        var zoneWeight = Math.Log(zoneCounts.Count + 2);

        var raw = new long[feasible.Count];
        for (var i = 0; i < feasible.Count; i++)
        {
            var score = counts[i] * hostWeight + (HostMaxSkew - 1);
            if (zones[i] is { } zone) score += zoneCounts[zone] * zoneWeight + (ZoneMaxSkew - 1);
            raw[i] = (long)Math.Round(score, MidpointRounding.AwayFromZero);
        }

        var min = raw.Length == 0 ? 0 : raw.Min();
        var max = raw.Length == 0 ? 0 : raw.Max();
        return raw.Select(s => max == 0 ? MaxNodeScore : (int)(MaxNodeScore * (max + min - s) / max)).ToArray();
    }

    /// <summary>The "same workload" of a bare pod (one with an owner is counted by <see cref="NodeView.CountOfWorkload"/>).</summary>
    private static Func<PlacedPod, bool>? SiblingMatcher(Pod pod)
    {
        var ns = pod.Metadata.Namespace ?? "";
        if (pod.Metadata.Labels is { Count: > 0 } labels)
            return p => !p.Terminating && p.Namespace == ns && labels.All(l => p.Labels.TryGetValue(l.Key, out var v) && v == l.Value);
        return null;
    }

    /// <summary>Kubernetes' <c>helper.DefaultNormalizeScore</c>: scale to 0..100 by the largest raw score, optionally reversed.</summary>
    private static int[] NormalizeDefault(long[] raw, bool reverse)
    {
        var max = raw.Length == 0 ? 0 : raw.Max();
        return raw.Select(s =>
        {
            if (max == 0) return reverse ? MaxNodeScore : 0;
            var score = MaxNodeScore * s / max;
            return (int)(reverse ? MaxNodeScore - score : score);
        }).ToArray();
    }
}
