using OrleansOrchestrator.Contracts.Model;

namespace OrleansOrchestrator.Silo.Controllers.Scheduling;

/// <summary>A pending pod and the node chosen for it.</summary>
public sealed record Placement(Pod Pod, string NodeName)
{
    /// <summary>The pod's unbound WaitForFirstConsumer claims that this placement gives the node to (their <c>selected-node</c>).</summary>
    public IReadOnlyList<string> ClaimsToSelect { get; init; } = [];
}

/// <summary>A pending pod that fits nowhere, and Kubernetes' message saying why.</summary>
public sealed record Unplaceable(Pod Pod, string Message);

/// <summary>What one pass decided, and where the next pass starts looking for feasible nodes.</summary>
public sealed record PassPlan(IReadOnlyList<Placement> Placed, IReadOnlyList<Unplaceable> Unplaced, int NextStartNodeIndex);

/// <summary>
/// The decisions of one scheduler pass, made before any of them is carried out: each pending pod in turn
/// (the caller's order: priority, then age) is placed on the views as the earlier ones left them, exactly as
/// if each binding had already been stored. The scheduler can then store the bindings concurrently instead
/// of one after another: nothing a later decision depends on is learnt from storing an earlier one (a
/// binding that then fails only means the views were pessimistic for this pass; the next pass reads fresh
/// state). Pure: no I/O.
/// </summary>
/// <remarks>
/// As Kubernetes' scheduler (schedule_one.go, percentageOfNodesToScore left at its adaptive default), a pod
/// is not checked against every node of a large cluster: the filters run over the nodes from a start index
/// that moves on with every pod, until <see cref="FeasibleNodesToFind"/> nodes have passed, and only those
/// are scored. A pod that none of the nodes looked at can take is looked at against all of them, so the
/// unschedulable message always covers every node.
/// </remarks>
public static class SchedulingPass
{
    /// <summary>Kubernetes' <c>minFeasibleNodesToFind</c>: clusters smaller than this are always searched whole.</summary>
    public const int MinFeasibleNodesToFind = 100;

    /// <summary>Kubernetes' <c>minFeasibleNodesPercentageToFind</c>.</summary>
    public const int MinFeasibleNodesPercentageToFind = 5;

    /// <summary>Kubernetes' <c>numFeasibleNodesToFind</c> with the adaptive percentage: 50% less 1% per 125 nodes, at least 5%, at least 100 nodes.</summary>
    public static int FeasibleNodesToFind(int nodes)
    {
        if (nodes < MinFeasibleNodesToFind) return nodes;
        var percentage = Math.Max(50 - nodes / 125, MinFeasibleNodesPercentageToFind);
        return Math.Max(nodes * percentage / 100, MinFeasibleNodesToFind);
    }

    /// <param name="claims">The namespace's claims and the tenant's volumes and classes, when a pending pod mounts claims.</param>
    public static PassPlan Plan(IEnumerable<Pod> pending, List<NodeView> views, int startNodeIndex = 0, ClaimWorld? claims = null)
    {
        var placed = new List<Placement>();
        var unplaced = new List<Unplaceable>();
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < views.Count; i++) index[views[i].Name] = i;
        var start = views.Count == 0 ? 0 : startNodeIndex % views.Count;
        foreach (var pod in pending)
        {
            var volumes = claims is null ? null : VolumeBinding.For(pod, claims);
            var nodeName = volumes?.PreFilterMessage is null ? Choose(pod, views, ref start, volumes) : null;
            if (nodeName is null)
            {
                var result = SchedulingPlanner.Schedule(pod, views, volumes);
                nodeName = result.NodeName;
                if (nodeName is null)
                {
                    unplaced.Add(new Unplaceable(pod, result.Message ?? "no nodes available to schedule pods"));
                    continue;
                }
            }
            var at = index[nodeName];
            views[at] = views[at].WithPod(pod with { Spec = pod.Spec with { NodeName = nodeName } });
            // Later pods of this pass that share a claim placed here follow it, as its selected-node would make them.
            foreach (var claim in volumes?.ClaimsToSelect ?? []) claims!.Chosen[claim] = nodeName;
            placed.Add(new Placement(pod, nodeName) { ClaimsToSelect = volumes?.ClaimsToSelect ?? [] });
        }
        return new PassPlan(placed, unplaced, start);
    }

    /// <summary>
    /// The best of the first feasible nodes found from <paramref name="start"/> on (which moves past the nodes
    /// looked at); null when none was found, or when the pod names its nodes (then the planner decides on all).
    /// </summary>
    private static string? Choose(Pod pod, List<NodeView> views, ref int start, PodVolumes? volumes)
    {
        if (views.Count == 0 || NodeAffinityMatcher.PinnedNodeNames(pod.Spec) is not null) return null;
        var wanted = FeasibleNodesToFind(views.Count);
        var requests = PodRequests.Of(pod.Spec);
        var feasible = new List<NodeView>(wanted);
        var looked = 0;
        while (looked < views.Count && feasible.Count < wanted)
        {
            var view = views[(start + looked) % views.Count];
            looked++;
            if (SchedulingPlanner.Check(pod, requests, view, volumes) is null) feasible.Add(view);
        }
        start = (start + looked) % views.Count;
        return feasible.Count == 0 ? null : NodeScoring.Best(pod, requests, feasible).Node;
    }
}
