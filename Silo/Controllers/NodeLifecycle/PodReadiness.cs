using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Contracts.Nodes;
using OrleansOrchestrator.Contracts.Store;

namespace OrleansOrchestrator.Silo.Controllers.NodeLifecycle;

/// <summary>
/// Kubernetes' <c>MarkPodsNotReady</c>: the pods of a node that is not ready or unreachable are no longer Ready, so
/// that Services stop sending them traffic and their workloads stop counting them, before (and whether or not) they
/// are evicted. The node's agent, once back, writes their real readiness again.
/// </summary>
public static class PodReadiness
{
    /// <summary>The pod's status with Ready turned False, or null when it is not Ready=True now (nothing to write).</summary>
    public static PodStatus? NotReady(Pod pod, DateTimeOffset now)
    {
        if (PodConditions.Ready(pod) is not { Status: "True" }) return null;
        var at = new DateTimeOffset(now.Ticks - now.Ticks % TimeSpan.TicksPerSecond, now.Offset);
        return pod.Status! with
        {
            Conditions = pod.Status!.Conditions!.Select(c => c.Type == "Ready" ? c with { Status = "False", LastTransitionTime = at } : c).ToList(),
        };
    }

    /// <summary>Writes Ready=False on each of the pods that is Ready now; a pod changed meanwhile is left to the next pass.</summary>
    public static async Task MarkNotReady(IGrainFactory grains, IEnumerable<BoundPod> pods, DateTimeOffset now)
    {
        foreach (var bound in pods)
        {
            if (bound.Pod.Metadata.DeletionTimestamp is not null) continue;
            var pod = bound.Pod;
            if (NotReady(pod, now) is not { } status) continue;
            var grain = grains.GetGrain<IObjectGrain>(bound.Key);
            // Conditional on the version read, as a controller writes status: an agent's newer report wins.
            await grain.Update(pod with { Status = status }, Subresource.Status, SystemActors.NodeLifecycle);
        }
    }
}
