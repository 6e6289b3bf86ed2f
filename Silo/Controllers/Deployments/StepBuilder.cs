namespace OrleansOrchestrator.Silo.Controllers.Deployments;

/// <summary>Collects the writes of one pass, with an event per size change, and builds the <see cref="RolloutStep"/>.</summary>
internal sealed class StepBuilder(int desiredReplicas, int maxReplicas)
{
    private readonly Dictionary<string, int> scale = [];
    private readonly List<string> annotateOnly = [];
    private readonly List<string> events = [];
    private PlannedReplicaSet? created;

    public bool Changed => scale.Count > 0 || created is not null;

    /// <summary>Plans the new ReplicaSet's creation with <paramref name="replicas"/>; returns it as the rest of the pass sees it.</summary>
    public PlannedReplicaSet Create(string name, int replicas)
    {
        if (created is not null) throw new InvalidOperationException("the new ReplicaSet is already being created");
        created = new PlannedReplicaSet(new ReplicaSetState(name, replicas, 0, 0, 0, DateTimeOffset.MaxValue), isCreated: true);
        if (replicas > 0) events.Add($"Scaled up replica set {name} from 0 to {replicas}");
        return created;
    }

    /// <summary>Plans <paramref name="replicaSet"/> at <paramref name="replicas"/>; false when that is its size already.</summary>
    /// <param name="operation">"up" or "down" for the event; by default the direction of this change.</param>
    public bool ScaleTo(PlannedReplicaSet replicaSet, int replicas, string? operation = null)
    {
        if (replicas < 0) throw new InvalidOperationException($"planned {replicaSet.Name} at {replicas} replicas");
        if (replicaSet.Spec == replicas) return false;
        operation ??= replicas > replicaSet.Spec ? "up" : "down";
        events.Add($"Scaled {operation} replica set {replicaSet.Name} from {replicaSet.Spec} to {replicas}");
        replicaSet.Spec = replicas;
        if (!replicaSet.IsCreated) scale[replicaSet.Name] = replicas;
        annotateOnly.Remove(replicaSet.Name);
        return true;
    }

    /// <summary>Writes the replica annotations of a ReplicaSet that keeps its size, when they are stale.</summary>
    public void RefreshAnnotations(PlannedReplicaSet replicaSet)
    {
        if (replicaSet.IsCreated || scale.ContainsKey(replicaSet.Name) || annotateOnly.Contains(replicaSet.Name)) return;
        if (replicaSet.State.DesiredReplicasAnnotation == desiredReplicas && replicaSet.State.MaxReplicasAnnotation == maxReplicas) return;
        annotateOnly.Add(replicaSet.Name);
    }

    public RolloutStep Build(RolloutPath path, bool cleanUp) => new()
    {
        Path = path,
        Scale = scale.Count == 0 ? RolloutStep.NoScaling : new Dictionary<string, int>(scale),
        CreateNewReplicaSet = created is not null,
        NewReplicaSetName = created?.Name,
        NewReplicaSetReplicas = created?.Spec ?? 0,
        AnnotateOnly = annotateOnly.ToArray(),
        DesiredReplicasAnnotation = desiredReplicas,
        MaxReplicasAnnotation = maxReplicas,
        Events = events.ToArray(),
        CleanUp = cleanUp,
    };
}
