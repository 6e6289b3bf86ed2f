using OrleansOrchestrator.Contracts.Model;

namespace OrleansOrchestrator.Silo.Controllers.Deployments;

/// <summary>What <see cref="DeploymentStatusCalculator.Compute(DeploymentStatusInput)"/> needs: the Deployment, its ReplicaSets after this pass's writes, and the clock.</summary>
public sealed record DeploymentStatusInput
{
    /// <summary>For messages when there is no new ReplicaSet (<c>Deployment "web" has successfully progressed.</c>).</summary>
    public string DeploymentName { get; init; } = "";

    public long Generation { get; init; }

    /// <summary>The deployment's <c>spec.replicas</c>.</summary>
    public int Replicas { get; init; }

    public string Strategy { get; init; } = RolloutMath.RollingUpdateStrategy;

    public IntOrString? MaxSurge { get; init; }

    public IntOrString? MaxUnavailable { get; init; }

    /// <summary><c>spec.progressDeadlineSeconds</c>; <c>null</c> or <see cref="int.MaxValue"/> means no deadline (and no Progressing condition).</summary>
    public int? ProgressDeadlineSeconds { get; init; }

    public bool Paused { get; init; }

    /// <summary>The status as stored now: its conditions carry over, its counts are the baseline for "progress".</summary>
    public DeploymentStatus? CurrentStatus { get; init; }

    public ReplicaSetState? NewReplicaSet { get; init; }

    public IReadOnlyList<ReplicaSetState> OldReplicaSets { get; init; } = [];

    /// <summary>This pass created the new ReplicaSet (<see cref="RolloutStep.CreateNewReplicaSet"/>).</summary>
    public bool CreatedNewReplicaSet { get; init; }

    /// <summary>Judge progress, completion and the deadline: a rollout pass. False for a paused or scaling pass (<see cref="RolloutPath.Scale"/>).</summary>
    public bool EstimateProgress { get; init; } = true;

    public DateTimeOffset Now { get; init; }

    /// <summary>
    /// The input for <paramref name="deployment"/> after <paramref name="step"/>: the ReplicaSets get the step's sizes, and a
    /// ReplicaSet the step creates joins as the new one, without pods yet.
    /// </summary>
    public static DeploymentStatusInput For(
        Deployment deployment, ReplicaSetState? newReplicaSet, IReadOnlyList<ReplicaSetState> oldReplicaSets, RolloutStep step, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(deployment);
        ArgumentNullException.ThrowIfNull(oldReplicaSets);
        ArgumentNullException.ThrowIfNull(step);
        var spec = deployment.Spec;
        return new DeploymentStatusInput
        {
            DeploymentName = deployment.Metadata.Name ?? "",
            Generation = deployment.Metadata.Generation ?? 0,
            Replicas = spec.Replicas ?? 1,
            Strategy = spec.Strategy?.Type ?? RolloutMath.RollingUpdateStrategy,
            MaxSurge = spec.Strategy?.RollingUpdate?.MaxSurge,
            MaxUnavailable = spec.Strategy?.RollingUpdate?.MaxUnavailable,
            ProgressDeadlineSeconds = spec.ProgressDeadlineSeconds,
            Paused = spec.Paused ?? false,
            CurrentStatus = deployment.Status,
            NewReplicaSet = newReplicaSet is null
                ? step.CreatedReplicaSet(RolloutPlanner.NextRevision(oldReplicaSets), now)
                : step.ApplyTo(newReplicaSet),
            OldReplicaSets = oldReplicaSets.Select(step.ApplyTo).ToList(),
            CreatedNewReplicaSet = step.CreateNewReplicaSet,
            EstimateProgress = step.Path != RolloutPath.Scale,
            Now = now,
        };
    }
}
