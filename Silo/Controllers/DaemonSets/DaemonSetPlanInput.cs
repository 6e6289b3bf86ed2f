using OrleansOrchestrator.Contracts.Model;

namespace OrleansOrchestrator.Silo.Controllers.DaemonSets;

/// <summary>
/// What one pass of the DaemonSet controller decides from: the DaemonSet (defaulted, as stored), the hash of its current
/// revision, every node, the pods it controls, the time, and the nodes whose failed pod is still in back-off.
/// </summary>
public sealed record DaemonSetPlanInput(
    DaemonSet DaemonSet,
    string Hash,
    IReadOnlyList<Node> Nodes,
    IReadOnlyList<Pod> Pods,
    DateTimeOffset Now,
    IReadOnlySet<string> NodesInFailedPodBackoff)
{
    public DaemonSetPlanInput(DaemonSet daemonSet, string hash, IReadOnlyList<Node> nodes, IReadOnlyList<Pod> pods, DateTimeOffset now)
        : this(daemonSet, hash, nodes, pods, now, new HashSet<string>())
    {
    }
}
