using OrleansOrchestrator.Contracts.Model;

namespace OrleansOrchestrator.Silo.Controllers.Scheduling;

/// <summary>
/// Chooses a node for a pod the way Kubernetes' default scheduler (1.31) does, as pure functions over
/// <see cref="NodeView"/>s: the filters of its default profile that our model can express, in its order
/// (NodeUnschedulable, TaintToleration, NodeAffinity, NodePorts, NodeResourcesFit), then its scores
/// (<see cref="NodeScore"/>), then its failure message, preemption part included. Volumes are the VolumeBinding
/// plugin's (<see cref="VolumeBinding"/>), given by the caller who knows the claims. Not modelled: inter-pod
/// (anti-)affinity, explicit topologySpreadConstraints, extended resources and ephemeral storage.
/// </summary>
public static class SchedulingPlanner
{
    private static readonly Taint Unschedulable = new() { Key = NodeView.UnschedulableTaint, Effect = Tolerations.NoSchedule };

    /// <summary>Null when the node can take the pod; otherwise why not, as Kubernetes' filter status message.</summary>
    public static string? Filter(Pod pod, NodeView node) => Check(pod, node)?.Message;

    /// <summary>The first filter that refuses the node, with its reasons; null when the pod fits.</summary>
    public static FilterFailure? Check(Pod pod, NodeView node) => Check(pod, PodRequests.Of(pod.Spec), node);

    internal static FilterFailure? Check(Pod pod, PodRequests requests, NodeView node, PodVolumes? volumes = null)
    {
        var spec = pod.Spec;
        if (node.Node.Spec.Unschedulable == true && !Tolerations.AnyTolerates(spec.Tolerations, Unschedulable))
            return new FilterFailure("NodeUnschedulable", [SchedulingReasons.Unschedulable], Unresolvable: true);

        if (Tolerations.FirstUntolerated(node.Taints, spec.Tolerations) is { } taint)
            return new FilterFailure("TaintToleration", [SchedulingReasons.UntoleratedTaint(taint.Key, taint.Value)], Unresolvable: true);

        if (!NodeAffinityMatcher.MatchesRequired(spec, node.Node))
            return new FilterFailure("NodeAffinity", [SchedulingReasons.NodeAffinity], Unresolvable: true);

        if (requests.HostPorts.Any(node.PortInUse))
            return new FilterFailure("NodePorts", [SchedulingReasons.NodePorts], Unresolvable: false);

        var insufficient = new List<string>(3);
        if (node.PodCount + 1 > node.AllocatablePods) insufficient.Add(SchedulingReasons.TooManyPods);
        if (requests.MilliCpu > 0 && requests.MilliCpu > node.AllocatableMilliCpu - node.RequestedMilliCpu) insufficient.Add(SchedulingReasons.InsufficientCpu);
        if (requests.Memory > 0 && requests.Memory > node.AllocatableMemory - node.RequestedMemory) insufficient.Add(SchedulingReasons.InsufficientMemory);
        if (insufficient.Count > 0) return new FilterFailure("NodeResourcesFit", insufficient, Unresolvable: false);

        return volumes?.Failure(node.Node) is { } volumeReason ? new FilterFailure("VolumeBinding", [volumeReason], Unresolvable: true) : null;
    }

    /// <summary>
    /// How much the pod would like <paramref name="node"/> among <paramref name="feasible"/> (the nodes that
    /// passed the filters; <paramref name="node"/> is added if missing): 0..100, see <see cref="NodeScore.Total"/>.
    /// </summary>
    public static double Score(Pod pod, NodeView node, IReadOnlyList<NodeView> feasible) => ScoreDetails(pod, node, feasible).Total;

    public static NodeScore ScoreDetails(Pod pod, NodeView node, IReadOnlyList<NodeView> feasible)
    {
        var all = feasible.Any(n => n.Name == node.Name) ? feasible : [.. feasible, node];
        return NodeScoring.ScoreAll(pod, PodRequests.Of(pod.Spec), all).First(s => s.Node == node.Name);
    }

    /// <summary>
    /// Filters every node, scores those that pass and picks the best; or, when none passes, explains why in
    /// Kubernetes' words. Node names must be unique. Nothing is evicted: when evicting lower-priority pods
    /// would make room, the nodes are listed in <see cref="SchedulingResult.PreemptionCandidates"/>.
    /// </summary>
    public static SchedulingResult Schedule(Pod pod, IReadOnlyList<NodeView> nodes, PodVolumes? volumes = null)
    {
        var failures = new SortedDictionary<string, FilterFailure>(StringComparer.Ordinal);
        if (nodes.Count == 0) return new SchedulingResult(null, SchedulingReasons.NoNodes, failures, [], []);

        var requests = PodRequests.Of(pod.Spec);
        var feasible = new List<NodeView>(nodes.Count);
        string? preFilterMessage = null;
        var pinned = NodeAffinityMatcher.PinnedNodeNames(pod.Spec);
        if (volumes?.PreFilterMessage is { } volumeMessage)
        {
            // Kubernetes' VolumeBinding PreFilter rejects the pod outright (UnschedulableAndUnresolvable).
            preFilterMessage = volumeMessage;
            foreach (var node in nodes)
                failures[node.Name] = new FilterFailure("VolumeBinding", [volumeMessage], Unresolvable: true);
        }
        else if (pinned is { Count: 0 })
        {
            // Kubernetes' NodeAffinity PreFilter rejects the pod outright and every node carries its status.
            preFilterMessage = SchedulingReasons.NodeAffinityConflict;
            foreach (var node in nodes)
                failures[node.Name] = new FilterFailure("NodeAffinity", [SchedulingReasons.NodeAffinityConflict], Unresolvable: true);
        }
        else
        {
            foreach (var node in nodes)
            {
                if (pinned is not null && !pinned.Contains(node.Name))
                    failures[node.Name] = new FilterFailure("NodeAffinity", [SchedulingReasons.FilteredByPreFilter], Unresolvable: true);
                else if (Check(pod, requests, node, volumes) is { } failure)
                    failures[node.Name] = failure;
                else
                    feasible.Add(node);
            }
        }

        if (feasible.Count > 0)
        {
            var scores = NodeScoring.ScoreAll(pod, requests, feasible);
            return new SchedulingResult(scores[0].Node, null, failures, scores, []);
        }

        var (preemption, candidates) = Preemption.Evaluate(pod, requests, nodes, failures);
        var message = SchedulingReasons.NoFit(nodes.Count, failures.Values.Select(f => f.Reasons), preFilterMessage, preemption);
        return new SchedulingResult(null, message, failures, [], candidates);
    }
}
