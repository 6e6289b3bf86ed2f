namespace OrleansOrchestrator.Silo.Controllers.Deployments;

/// <summary>
/// One pass of the Deployment controller, as writes to make. Whatever ReplicaSet the controller writes (those in
/// <see cref="Scale"/>, those in <see cref="AnnotateOnly"/>, and the created one) also gets the annotations
/// <c>deployment.kubernetes.io/desired-replicas</c> = <see cref="DesiredReplicasAnnotation"/> and
/// <c>deployment.kubernetes.io/max-replicas</c> = <see cref="MaxReplicasAnnotation"/>, which is how the next pass tells a
/// scaling event from a rollout.
/// </summary>
public sealed record RolloutStep
{
    public static readonly IReadOnlyDictionary<string, int> NoScaling = new Dictionary<string, int>();

    public RolloutPath Path { get; init; }

    /// <summary>ReplicaSet name → its new <c>spec.replicas</c>, only for those that change; in the order decided.</summary>
    public IReadOnlyDictionary<string, int> Scale { get; init; } = NoScaling;

    /// <summary>Create the new ReplicaSet, named <see cref="NewReplicaSetName"/>, with <see cref="NewReplicaSetReplicas"/> replicas (0 is fine).</summary>
    public bool CreateNewReplicaSet { get; init; }

    public string? NewReplicaSetName { get; init; }

    public int NewReplicaSetReplicas { get; init; }

    /// <summary>ReplicaSets whose size stays but whose replica annotations are stale.</summary>
    public IReadOnlyList<string> AnnotateOnly { get; init; } = [];

    public int DesiredReplicasAnnotation { get; init; }

    public int MaxReplicasAnnotation { get; init; }

    /// <summary>One message per scaling, for <c>ScalingReplicaSet</c> events, e.g. <c>Scaled up replica set web-5d4f8 from 0 to 3</c>.</summary>
    public IReadOnlyList<string> Events { get; init; } = [];

    /// <summary>Kubernetes prunes old ReplicaSets (<see cref="RolloutPlanner.ToDelete"/>) on this pass: paused, or a finished rollout that did nothing.</summary>
    public bool CleanUp { get; init; }

    /// <summary>The events in one line; empty when there is nothing to do.</summary>
    public string Reason => string.Join("; ", Events);

    public bool IsEmpty => Scale.Count == 0 && !CreateNewReplicaSet && AnnotateOnly.Count == 0;

    /// <summary><paramref name="replicaSet"/> with the <c>spec.replicas</c> and annotations this step gives it.</summary>
    public ReplicaSetState ApplyTo(ReplicaSetState replicaSet)
    {
        ArgumentNullException.ThrowIfNull(replicaSet);
        var scaled = Scale.TryGetValue(replicaSet.Name, out var replicas);
        if (!scaled && !AnnotateOnly.Contains(replicaSet.Name)) return replicaSet;
        return replicaSet with
        {
            SpecReplicas = scaled ? replicas : replicaSet.SpecReplicas,
            DesiredReplicasAnnotation = DesiredReplicasAnnotation,
            MaxReplicasAnnotation = MaxReplicasAnnotation,
        };
    }

    /// <summary>The ReplicaSet this step creates, as it is right after creation (no pods yet); <c>null</c> when it creates none.</summary>
    public ReplicaSetState? CreatedReplicaSet(long revision, DateTimeOffset now) => CreateNewReplicaSet
        ? new ReplicaSetState(NewReplicaSetName!, NewReplicaSetReplicas, 0, 0, revision, now)
        {
            DesiredReplicasAnnotation = DesiredReplicasAnnotation,
            MaxReplicasAnnotation = MaxReplicasAnnotation,
        }
        : null;
}
