namespace OrleansOrchestrator.Silo.Controllers.Deployments;

/// <summary>A ReplicaSet while a pass is being planned: its observed state and the size planned so far.</summary>
internal sealed class PlannedReplicaSet(ReplicaSetState state, bool isCreated = false)
{
    public ReplicaSetState State { get; } = state;

    public string Name => State.Name;

    public int Spec { get; set; } = state.SpecReplicas;

    public int Available => State.AvailableReplicas;

    /// <summary>Created by this very pass: it exists only in the plan.</summary>
    public bool IsCreated { get; } = isCreated;

    public bool IsActive => Spec > 0;

    /// <summary>Kubernetes' <c>ReplicaSetsByCreationTimestamp</c>: oldest first, then by name.</summary>
    public static int OlderFirst(PlannedReplicaSet a, PlannedReplicaSet b)
    {
        var byTime = a.State.CreationTimestamp.CompareTo(b.State.CreationTimestamp);
        return byTime != 0 ? byTime : string.CompareOrdinal(a.Name, b.Name);
    }

    /// <summary>Kubernetes' <c>ReplicaSetsBySizeNewer</c>: largest first, newer first among equals (scaling up favours new ones).</summary>
    public static int LargerThenNewer(PlannedReplicaSet a, PlannedReplicaSet b) =>
        a.Spec != b.Spec ? b.Spec.CompareTo(a.Spec) : OlderFirst(b, a);

    /// <summary>Kubernetes' <c>ReplicaSetsBySizeOlder</c>: largest first, older first among equals (scaling down hits old ones).</summary>
    public static int LargerThenOlder(PlannedReplicaSet a, PlannedReplicaSet b) =>
        a.Spec != b.Spec ? b.Spec.CompareTo(a.Spec) : OlderFirst(a, b);

    public override string ToString() => $"{Name}({Spec})";
}
