using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Silo.Controllers.Scheduling;

namespace OrleansOrchestrator.Silo.Controllers.DaemonSets;

/// <summary>
/// Whether a node should run a DaemonSet's pod (<see cref="ShouldRun"/>: a new one is made for it) and whether a pod
/// already there may stay (<see cref="ShouldContinueRunning"/>: a taint that only keeps new pods off leaves it).
/// </summary>
public readonly record struct DaemonNodeFit(bool ShouldRun, bool ShouldContinueRunning)
{
    /// <summary>
    /// Kubernetes' <c>NodeShouldRunDaemonPod</c>, for the daemon pod as it would be made (with the daemon tolerations):
    /// the template's <c>nodeName</c> if it names one, its <c>nodeSelector</c> and required node affinity, and the
    /// node's taints — those in its spec and those its conditions imply, as our scheduler sees them — each NoSchedule
    /// or NoExecute one tolerated. An untolerated NoSchedule taint keeps a running pod; an untolerated NoExecute one
    /// evicts it. Pure.
    /// </summary>
    public static DaemonNodeFit Of(PodSpec daemonPodSpec, Node node)
    {
        var name = node.Metadata.Name ?? "";
        if (daemonPodSpec.NodeName is { Length: > 0 } pinned && pinned != name) return new(false, false);
        if (!NodeAffinityMatcher.MatchesRequired(daemonPodSpec, node)) return new(false, false);
        var taints = NodeView.EffectiveTaints(node);
        if (Tolerations.FirstUntolerated(taints, daemonPodSpec.Tolerations) is null) return new(true, true);
        var evicting = taints.Where(t => t.Effect == Tolerations.NoExecute);
        return new(false, Tolerations.FirstUntolerated(evicting, daemonPodSpec.Tolerations) is null);
    }
}
