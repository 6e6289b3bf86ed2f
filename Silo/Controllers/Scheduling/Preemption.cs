using OrleansOrchestrator.Contracts.Model;

namespace OrleansOrchestrator.Silo.Controllers.Scheduling;

/// <summary>
/// The dry run of Kubernetes' DefaultPreemption (PostFilter) over nodes that all refused the pod: enough to
/// print its message, or to say where evicting pods of lower priority would make room.
/// </summary>
internal static class Preemption
{
    /// <summary>
    /// The "preemption: …" message Kubernetes 1.31 appends, or null (and the candidate nodes) when preemption
    /// would find room. A node refused for a reason evictions cannot change is "not helpful"; one without
    /// lower-priority pods has "no victims"; otherwise all its lower-priority pods are taken away and the
    /// filters run again: still refused, it reports the new reasons, else it is a candidate.
    /// </summary>
    public static (string? Message, IReadOnlyList<string> Candidates) Evaluate(
        Pod pod, PodRequests requests, IReadOnlyList<NodeView> nodes, IReadOnlyDictionary<string, FilterFailure> failures)
    {
        if (pod.Spec.PreemptionPolicy == "Never") return (Prefixed(SchedulingReasons.PreemptionNever), []);

        var priority = pod.Spec.Priority ?? 0;
        var reasons = new List<IReadOnlyList<string>>(nodes.Count);
        var candidates = new List<string>();
        foreach (var node in nodes)
        {
            if (!failures.TryGetValue(node.Name, out var failure)) continue;
            if (failure.Unresolvable)
            {
                reasons.Add([SchedulingReasons.PreemptionNotHelpful]);
                continue;
            }
            var victims = node.Pods.Values.Where(p => p.Priority < priority).ToList();
            if (victims.Count == 0)
            {
                reasons.Add([SchedulingReasons.NoPreemptionVictims]);
                continue;
            }
            var emptied = victims.Aggregate(node, (view, victim) => view.WithoutPod(victim.Pod));
            if (SchedulingPlanner.Check(pod, requests, emptied) is { } still) reasons.Add(still.Reasons);
            else candidates.Add(node.Name);
        }
        return candidates.Count > 0 ? (null, candidates) : (Prefixed(SchedulingReasons.NoFit(reasons.Count, reasons)), []);
    }

    private static string Prefixed(string message) => "preemption: " + message;
}
