using OrleansOrchestrator.Contracts.Model;

namespace OrleansOrchestrator.Silo.Controllers.Scheduling;

/// <summary>A pending pod and the node chosen for it.</summary>
public sealed record Placement(Pod Pod, string NodeName);

/// <summary>A pending pod that fits nowhere, and Kubernetes' message saying why.</summary>
public sealed record Unplaceable(Pod Pod, string Message);

/// <summary>
/// The decisions of one scheduler pass, made before any of them is carried out: each pending pod in turn
/// (the caller's order: priority, then age) is placed on the views as the earlier ones left them, exactly as
/// if each binding had already been stored. The scheduler can then store the bindings concurrently instead
/// of one after another: nothing a later decision depends on is learnt from storing an earlier one (a
/// binding that then fails only means the views were pessimistic for this pass; the next pass reads fresh
/// state). Pure: no I/O.
/// </summary>
public static class SchedulingPass
{
    public static (IReadOnlyList<Placement> Placed, IReadOnlyList<Unplaceable> Unplaced) Plan(
        IEnumerable<Pod> pending, List<NodeView> views)
    {
        var placed = new List<Placement>();
        var unplaced = new List<Unplaceable>();
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < views.Count; i++) index[views[i].Name] = i;
        foreach (var pod in pending)
        {
            var result = SchedulingPlanner.Schedule(pod, views);
            if (result.NodeName is not { } nodeName)
            {
                unplaced.Add(new Unplaceable(pod, result.Message ?? "no nodes available to schedule pods"));
                continue;
            }
            var at = index[nodeName];
            views[at] = views[at].WithPod(pod with { Spec = pod.Spec with { NodeName = nodeName } });
            placed.Add(new Placement(pod, nodeName));
        }
        return (placed, unplaced);
    }
}
