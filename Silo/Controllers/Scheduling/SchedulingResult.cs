namespace OrleansOrchestrator.Silo.Controllers.Scheduling;

/// <summary>The outcome of placing one pod.</summary>
/// <param name="NodeName">The chosen node, or null when none fits.</param>
/// <param name="Message">
/// Null when placed; otherwise the text Kubernetes 1.31 puts in the PodScheduled=False condition and the
/// FailedScheduling event, e.g. "0/3 nodes are available: 1 Insufficient cpu, 2 node(s) didn't match Pod's
/// node affinity/selector. preemption: 0/3 nodes are available: 1 No preemption victims found for incoming
/// pod, 2 Preemption is not helpful for scheduling.".
/// </param>
/// <param name="Failures">Why each refused node refused, by node name.</param>
/// <param name="Scores">The feasible nodes' scores, best first (the chosen node first).</param>
/// <param name="PreemptionCandidates">
/// Nodes where evicting the pods of lower priority would make room (Kubernetes would preempt there and
/// print no "preemption:" part). Empty when placed. Nothing here evicts anything.
/// </param>
public sealed record SchedulingResult(
    string? NodeName,
    string? Message,
    IReadOnlyDictionary<string, FilterFailure> Failures,
    IReadOnlyList<NodeScore> Scores,
    IReadOnlyList<string> PreemptionCandidates)
{
    public bool Scheduled => NodeName is not null;
}
