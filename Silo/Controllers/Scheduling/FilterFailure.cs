namespace OrleansOrchestrator.Silo.Controllers.Scheduling;

/// <summary>Why one node cannot take the pod: the first filter that refused it, in Kubernetes' plugin order.</summary>
/// <param name="Filter">The Kubernetes plugin that refused (NodeUnschedulable, TaintToleration, NodeAffinity, NodePorts, NodeResourcesFit).</param>
/// <param name="Reasons">Its reasons in Kubernetes' words; the resource filter gives one per short resource.</param>
/// <param name="Unresolvable">
/// True when evicting pods from the node could not help (Kubernetes' <c>UnschedulableAndUnresolvable</c>),
/// which tells preemption to skip the node.
/// </param>
public sealed record FilterFailure(string Filter, IReadOnlyList<string> Reasons, bool Unresolvable)
{
    /// <summary>The reasons joined as Kubernetes' <c>Status.Message()</c> joins them.</summary>
    public string Message => string.Join(", ", Reasons);
}
