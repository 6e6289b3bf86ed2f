namespace OrleansOrchestrator.Silo.Controllers.Deployments;

/// <summary>Which of Kubernetes' sync paths a <see cref="RolloutStep"/> came from.</summary>
public enum RolloutPath
{
    /// <summary>Paused, or a change of <c>spec.replicas</c> (a scaling event): only resize, never roll forward.</summary>
    Scale,

    /// <summary>A RollingUpdate pass: grow the new ReplicaSet or shrink the old ones.</summary>
    RollingUpdate,

    /// <summary>A Recreate pass: empty the old ReplicaSets, then fill the new one.</summary>
    Recreate,
}
