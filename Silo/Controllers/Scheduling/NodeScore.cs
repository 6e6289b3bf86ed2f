namespace OrleansOrchestrator.Silo.Controllers.Scheduling;

/// <summary>
/// A feasible node's score and what it is made of; each part is 0..100 after Kubernetes' normalisation over
/// the feasible nodes, null when it does not apply to the pod (Kubernetes skips the plugin then).
/// </summary>
/// <param name="Node">The node's name.</param>
/// <param name="LeastAllocated">NodeResourcesFit, LeastAllocated strategy: free CPU and memory after placing the pod, equal weights (weight 1).</param>
/// <param name="Spread">PodTopologySpread with the system default constraints: fewer pods of the same workload on the node (and its zone) is better (weight 2).</param>
/// <param name="NodeAffinity">Preferred node affinity weights the node matches (weight 2).</param>
/// <param name="TaintToleration">Fewer PreferNoSchedule taints the pod does not tolerate is better (weight 3).</param>
public sealed record NodeScore(string Node, int LeastAllocated, int? Spread, int? NodeAffinity, int TaintToleration)
{
    public const int LeastAllocatedWeight = 1;
    public const int SpreadWeight = 2;
    public const int NodeAffinityWeight = 2;
    public const int TaintTolerationWeight = 3;

    /// <summary>Kubernetes' sum of weight × part (what the scheduler ranks nodes by).</summary>
    public long WeightedSum =>
        LeastAllocatedWeight * LeastAllocated + SpreadWeight * (Spread ?? 0) + NodeAffinityWeight * (NodeAffinity ?? 0) + TaintTolerationWeight * TaintToleration;

    /// <summary>The weighted mean of the parts that apply: 0..100, ranking nodes exactly as <see cref="WeightedSum"/> does.</summary>
    public double Total =>
        (double)WeightedSum / (LeastAllocatedWeight + TaintTolerationWeight + (Spread is null ? 0 : SpreadWeight) + (NodeAffinity is null ? 0 : NodeAffinityWeight));
}
