using OrleansOrchestrator.Contracts.Model;

namespace OrleansOrchestrator.Silo.Controllers.Deployments;

/// <summary>Everything <see cref="RolloutPlanner.Plan"/> looks at: the Deployment's intent and its ReplicaSets as they are now.</summary>
public sealed record RolloutInput
{
    /// <summary>The deployment's <c>spec.replicas</c>.</summary>
    public int Replicas { get; init; }

    /// <summary><c>spec.strategy.type</c>: <see cref="RolloutMath.RollingUpdateStrategy"/> or <see cref="RolloutMath.RecreateStrategy"/>.</summary>
    public string Strategy { get; init; } = RolloutMath.RollingUpdateStrategy;

    /// <summary><c>spec.strategy.rollingUpdate.maxSurge</c>; <c>null</c> means 25%.</summary>
    public IntOrString? MaxSurge { get; init; }

    /// <summary><c>spec.strategy.rollingUpdate.maxUnavailable</c>; <c>null</c> means 25%.</summary>
    public IntOrString? MaxUnavailable { get; init; }

    public bool Paused { get; init; }

    /// <summary>The ReplicaSet whose template matches the deployment's (<see cref="PodTemplateHash.Equivalent"/>), or <c>null</c>.</summary>
    public ReplicaSetState? NewReplicaSet { get; init; }

    /// <summary>The name to create the new ReplicaSet under (<see cref="RolloutPlanner.NewReplicaSetName"/>); needed while <see cref="NewReplicaSet"/> is <c>null</c>.</summary>
    public string? NewReplicaSetName { get; init; }

    /// <summary>Every other ReplicaSet the deployment owns, including the empty ones.</summary>
    public IReadOnlyList<ReplicaSetState> OldReplicaSets { get; init; } = [];

    /// <summary>
    /// For Recreate: some pod owned by an old ReplicaSet is not yet Succeeded or Failed (Pending, Running, Unknown, or still
    /// terminating). Old ReplicaSets whose <c>status.replicas</c> is above 0 count as running pods without this.
    /// </summary>
    public bool OldPodsRunning { get; init; }

    /// <summary><c>metadata.generation</c>, to tell whether <see cref="Status"/> describes the current spec.</summary>
    public long Generation { get; init; }

    /// <summary>The deployment's current status: its <c>replicas</c> stand in for a missing max-replicas annotation, and it says whether the rollout is complete (cleanup).</summary>
    public DeploymentStatus? Status { get; init; }

    /// <summary>The input for <paramref name="deployment"/>, its new ReplicaSet (or <c>null</c>) and the others.</summary>
    public static RolloutInput For(Deployment deployment, ReplicaSetState? newReplicaSet, IReadOnlyList<ReplicaSetState> oldReplicaSets, bool oldPodsRunning = false)
    {
        ArgumentNullException.ThrowIfNull(deployment);
        var spec = deployment.Spec;
        return new RolloutInput
        {
            Replicas = spec.Replicas ?? 1,
            Strategy = spec.Strategy?.Type ?? RolloutMath.RollingUpdateStrategy,
            MaxSurge = spec.Strategy?.RollingUpdate?.MaxSurge,
            MaxUnavailable = spec.Strategy?.RollingUpdate?.MaxUnavailable,
            Paused = spec.Paused ?? false,
            NewReplicaSet = newReplicaSet,
            NewReplicaSetName = newReplicaSet?.Name ?? RolloutPlanner.NewReplicaSetName(deployment),
            OldReplicaSets = oldReplicaSets,
            OldPodsRunning = oldPodsRunning,
            Generation = deployment.Metadata.Generation ?? 0,
            Status = deployment.Status,
        };
    }
}
