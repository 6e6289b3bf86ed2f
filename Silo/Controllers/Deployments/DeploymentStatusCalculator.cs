using OrleansOrchestrator.Contracts.Model;

namespace OrleansOrchestrator.Silo.Controllers.Deployments;

/// <summary>
/// A Deployment's status as Kubernetes' controller computes it (<c>calculateStatus</c>, <c>syncRolloutStatus</c>,
/// <c>checkPausedConditions</c>): the counts from its ReplicaSets, the <c>Available</c> condition, and the
/// <c>Progressing</c> condition with its timestamps — <c>lastTransitionTime</c> moves only when the status does,
/// <c>lastUpdateTime</c> whenever the rollout makes progress, and the deadline counts from that last progress.
/// Write the result only when <see cref="StatusEquals"/> says it differs from the stored one.
/// </summary>
public static class DeploymentStatusCalculator
{
    public static DeploymentStatus Compute(DeploymentStatusInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var now = WholeSeconds(input.Now);
        var current = input.CurrentStatus ?? new DeploymentStatus();
        var conditions = (current.Conditions ?? []).ToList();
        var hasDeadline = HasProgressDeadline(input.ProgressDeadlineSeconds);
        var newReplicaSet = input.NewReplicaSet;

        // Pausing and resuming reset the deadline, so a deployment paused for longer than it does not time out on resume.
        if (hasDeadline && Find(conditions, DeploymentConditions.Progressing) is var progressing
            && progressing?.Reason != DeploymentConditions.ProgressDeadlineExceeded)
        {
            var pausedConditionExists = progressing?.Reason == DeploymentConditions.DeploymentPaused;
            if (input.Paused && !pausedConditionExists)
                Set(conditions, New(DeploymentConditions.Progressing, DeploymentConditions.Unknown, DeploymentConditions.DeploymentPaused, "Deployment is paused", now));
            else if (!input.Paused && pausedConditionExists)
                Set(conditions, New(DeploymentConditions.Progressing, DeploymentConditions.Unknown, DeploymentConditions.DeploymentResumed, "Deployment is resumed", now));
        }

        if (hasDeadline && newReplicaSet is not null)
        {
            if (input.CreatedNewReplicaSet)
                Set(conditions, New(DeploymentConditions.Progressing, DeploymentConditions.True, DeploymentConditions.NewReplicaSetCreated, $"Created new replica set \"{newReplicaSet.Name}\"", now));
            else if (Find(conditions, DeploymentConditions.Progressing) is null)
                Set(conditions, New(DeploymentConditions.Progressing, DeploymentConditions.True, DeploymentConditions.FoundNewReplicaSet, $"Found new replica set \"{newReplicaSet.Name}\"", now));
        }

        // The conditions as they stand before this pass judges progress (Kubernetes' d.Status).
        var currentProgressing = Find(conditions, DeploymentConditions.Progressing);

        var all = input.OldReplicaSets.Append(newReplicaSet).OfType<ReplicaSetState>().ToList();
        var available = RolloutMath.AvailableReplicas(all);
        var status = new DeploymentStatus
        {
            ObservedGeneration = input.Generation,
            Replicas = RolloutMath.ActualReplicas(all),
            UpdatedReplicas = newReplicaSet?.StatusReplicas ?? 0,
            ReadyReplicas = RolloutMath.ReadyReplicas(all),
            AvailableReplicas = available,
            // More available than wanted while scaling down is not "negative unavailability".
            UnavailableReplicas = Math.Max(RolloutMath.SpecReplicas(all) - available, 0),
            CollisionCount = current.CollisionCount,
        };

        var maxUnavailable = RolloutMath.MaxUnavailable(input.Strategy, input.MaxSurge, input.MaxUnavailable, input.Replicas);
        Set(conditions, available >= input.Replicas - maxUnavailable
            ? New(DeploymentConditions.Available, DeploymentConditions.True, DeploymentConditions.MinimumReplicasAvailable, "Deployment has minimum availability.", now)
            : New(DeploymentConditions.Available, DeploymentConditions.False, DeploymentConditions.MinimumReplicasUnavailable, "Deployment does not have minimum availability.", now));

        if (input.EstimateProgress)
        {
            EstimateProgress(input, current, status, currentProgressing, conditions, hasDeadline, now);
            var failure = ReplicaFailure(newReplicaSet, all);
            if (failure is not null) Set(conditions, failure);
            else conditions.RemoveAll(c => c.Type == DeploymentConditions.ReplicaFailure);
        }

        return status with { Conditions = conditions.Count == 0 ? null : conditions };
    }

    /// <summary>The status of <paramref name="deployment"/> after <paramref name="step"/>; see <see cref="DeploymentStatusInput.For"/>.</summary>
    public static DeploymentStatus Compute(
        Deployment deployment, ReplicaSetState? newReplicaSet, IReadOnlyList<ReplicaSetState> oldReplicaSets, RolloutStep step, DateTimeOffset now) =>
        Compute(DeploymentStatusInput.For(deployment, newReplicaSet, oldReplicaSets, step, now));

    /// <summary>Kubernetes' <c>DeploymentComplete</c>: every desired pod is updated and available, no old pod remains, and the status is of the current generation.</summary>
    public static bool IsComplete(int desiredReplicas, long generation, DeploymentStatus status)
    {
        ArgumentNullException.ThrowIfNull(status);
        return (status.UpdatedReplicas ?? 0) == desiredReplicas
            && (status.Replicas ?? 0) == desiredReplicas
            && (status.AvailableReplicas ?? 0) == desiredReplicas
            && (status.ObservedGeneration ?? 0) >= generation;
    }

    /// <summary>Kubernetes' <c>DeploymentProgressing</c>: more updated, ready or available pods, or fewer old ones, than before.</summary>
    public static bool IsProgressing(DeploymentStatus before, DeploymentStatus after)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        var oldPodsBefore = (before.Replicas ?? 0) - (before.UpdatedReplicas ?? 0);
        var oldPodsAfter = (after.Replicas ?? 0) - (after.UpdatedReplicas ?? 0);
        return (after.UpdatedReplicas ?? 0) > (before.UpdatedReplicas ?? 0)
            || oldPodsAfter < oldPodsBefore
            || (after.ReadyReplicas ?? 0) > (before.ReadyReplicas ?? 0)
            || (after.AvailableReplicas ?? 0) > (before.AvailableReplicas ?? 0);
    }

    /// <summary>
    /// Kubernetes' <c>DeploymentTimedOut</c>: the Progressing condition has already timed out, or its last update is more than
    /// <paramref name="progressDeadlineSeconds"/> ago. A completed rollout never times out.
    /// </summary>
    public static bool IsTimedOut(int? progressDeadlineSeconds, DeploymentStatus status, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(status);
        if (!HasProgressDeadline(progressDeadlineSeconds)) return false;
        var condition = Find(status.Conditions ?? [], DeploymentConditions.Progressing);
        if (condition is null || condition.Reason == DeploymentConditions.NewReplicaSetAvailable) return false;
        if (condition.Reason == DeploymentConditions.ProgressDeadlineExceeded) return true;
        var from = condition.LastUpdateTime ?? DateTimeOffset.MinValue;
        return from.AddSeconds(progressDeadlineSeconds!.Value) < now;
    }

    /// <summary>
    /// Kubernetes' <c>requeueStuckDeployment</c>: when to look at an unchanged, unfinished rollout again to notice its
    /// deadline — <c>null</c> when there is nothing to watch (no deadline, no Progressing condition, complete, or already
    /// timed out), zero when the deadline is less than a second away or past. Kubernetes waits a second more than this.
    /// </summary>
    public static TimeSpan? RecheckAfter(DeploymentStatusInput input, DeploymentStatus status)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(status);
        if (!HasProgressDeadline(input.ProgressDeadlineSeconds)) return null;
        var condition = Find(status.Conditions ?? [], DeploymentConditions.Progressing);
        if (condition is null) return null;
        if (IsComplete(input.Replicas, input.Generation, status) || condition.Reason == DeploymentConditions.ProgressDeadlineExceeded) return null;
        var after = (condition.LastUpdateTime ?? DateTimeOffset.MinValue).AddSeconds(input.ProgressDeadlineSeconds!.Value) - input.Now;
        return after < TimeSpan.FromSeconds(1) ? TimeSpan.Zero : after;
    }

    /// <summary>Value equality of two statuses, conditions included (records compare their lists by reference).</summary>
    public static bool StatusEquals(DeploymentStatus? a, DeploymentStatus? b)
    {
        if (ReferenceEquals(a, b)) return true;
        if (a is null || b is null) return false;
        return a with { Conditions = null } == b with { Conditions = null }
            && (a.Conditions ?? []).SequenceEqual(b.Conditions ?? []);
    }

    public static bool HasProgressDeadline(int? progressDeadlineSeconds) =>
        progressDeadlineSeconds is { } seconds && seconds != int.MaxValue;

    private static void EstimateProgress(
        DeploymentStatusInput input, DeploymentStatus before, DeploymentStatus after, Condition? currentProgressing,
        List<Condition> conditions, bool hasDeadline, DateTimeOffset now)
    {
        if (!hasDeadline)
        {
            conditions.RemoveAll(c => c.Type == DeploymentConditions.Progressing);
            return;
        }

        // A finished rollout on a resync: nothing to estimate.
        if (after.Replicas == after.UpdatedReplicas && currentProgressing?.Reason == DeploymentConditions.NewReplicaSetAvailable) return;

        var subject = input.NewReplicaSet is { } rs ? $"ReplicaSet \"{rs.Name}\"" : $"Deployment \"{input.DeploymentName}\"";
        if (IsComplete(input.Replicas, input.Generation, after))
        {
            Set(conditions, New(DeploymentConditions.Progressing, DeploymentConditions.True, DeploymentConditions.NewReplicaSetAvailable, $"{subject} has successfully progressed.", now));
        }
        else if (IsProgressing(before, after))
        {
            // Progress refreshes lastUpdateTime even when the reason stays, which is what pushes the deadline back.
            var condition = New(DeploymentConditions.Progressing, DeploymentConditions.True, DeploymentConditions.ReplicaSetUpdated, $"{subject} is progressing.", now);
            if (currentProgressing?.Status == DeploymentConditions.True) condition = condition with { LastTransitionTime = currentProgressing.LastTransitionTime };
            conditions.RemoveAll(c => c.Type == DeploymentConditions.Progressing);
            conditions.Add(condition);
        }
        else if (IsTimedOut(input.ProgressDeadlineSeconds, after with { Conditions = conditions }, now))
        {
            Set(conditions, New(DeploymentConditions.Progressing, DeploymentConditions.False, DeploymentConditions.ProgressDeadlineExceeded, $"{subject} has timed out progressing.", now));
        }
    }

    /// <summary>The new ReplicaSet's ReplicaFailure condition, else the first old one's, as a Deployment condition.</summary>
    private static Condition? ReplicaFailure(ReplicaSetState? newReplicaSet, IEnumerable<ReplicaSetState> all)
    {
        var failure = newReplicaSet?.ReplicaFailure ?? all.Select(rs => rs.ReplicaFailure).FirstOrDefault(c => c is not null);
        return failure is null ? null : new Condition
        {
            Type = DeploymentConditions.ReplicaFailure,
            Status = failure.Status,
            Reason = failure.Reason,
            Message = failure.Message,
            LastTransitionTime = failure.LastTransitionTime,
            LastUpdateTime = failure.LastTransitionTime,
        };
    }

    private static Condition New(string type, string status, string reason, string message, DateTimeOffset now) => new()
    {
        Type = type,
        Status = status,
        Reason = reason,
        Message = message,
        LastUpdateTime = now,
        LastTransitionTime = now,
    };

    private static Condition? Find(IEnumerable<Condition> conditions, string type) => conditions.FirstOrDefault(c => c.Type == type);

    /// <summary>
    /// Kubernetes' <c>SetDeploymentCondition</c>: the same status and reason leave the condition alone (message and times
    /// too); the same status with another reason keeps <c>lastTransitionTime</c>. The set condition moves to the end.
    /// </summary>
    private static void Set(List<Condition> conditions, Condition condition)
    {
        var current = Find(conditions, condition.Type);
        if (current is not null && current.Status == condition.Status && current.Reason == condition.Reason) return;
        if (current is not null && current.Status == condition.Status) condition = condition with { LastTransitionTime = current.LastTransitionTime };
        conditions.RemoveAll(c => c.Type == condition.Type);
        conditions.Add(condition);
    }

    /// <summary>Stored times have whole seconds (<c>metav1.Time</c>); computing with the same keeps a recomputed status equal to the stored one.</summary>
    private static DateTimeOffset WholeSeconds(DateTimeOffset time) => new(time.Ticks - time.Ticks % TimeSpan.TicksPerSecond, time.Offset);
}
