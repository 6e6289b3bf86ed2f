using OrleansOrchestrator.Contracts.Model;

namespace OrleansOrchestrator.Silo.Controllers.Deployments;

/// <summary>
/// Decides one pass of the Deployment controller, the way Kubernetes' <c>syncDeployment</c> does: a paused deployment or a
/// change of <c>spec.replicas</c> only resizes (proportionally when several ReplicaSets have pods); otherwise a
/// RollingUpdate pass grows the new ReplicaSet <em>or</em> shrinks the old ones, and a Recreate pass empties the old ones
/// before it fills the new one. The controller applies the step, lets the ReplicaSets react, and asks again.
/// </summary>
public static class RolloutPlanner
{
    public static RolloutStep Plan(RolloutInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        Validate(input);

        var rolling = RolloutMath.IsRollingUpdate(input.Strategy);
        var surge = RolloutMath.MaxSurge(input.Strategy, input.MaxSurge, input.MaxUnavailable, input.Replicas);
        var step = new StepBuilder(input.Replicas, input.Replicas + surge);
        var newReplicaSet = input.NewReplicaSet is { } n ? new PlannedReplicaSet(n) : null;
        var oldReplicaSets = input.OldReplicaSets.Select(rs => new PlannedReplicaSet(rs)).ToList();

        if (input.Paused || IsScalingEvent(input))
        {
            Scale(input, surge, newReplicaSet, oldReplicaSets, step);
            return step.Build(RolloutPath.Scale, cleanUp: input.Paused);
        }

        return rolling
            ? RollingUpdate(input, surge, newReplicaSet, oldReplicaSets, step)
            : Recreate(input, newReplicaSet, oldReplicaSets, step);
    }

    /// <summary>
    /// The old ReplicaSets to delete to keep <paramref name="revisionHistoryLimit"/> of them, oldest revision first. Only
    /// empty ones go (spec and status 0, status up to date, not already being deleted); a busy one among the oldest is
    /// skipped, not replaced by a younger one. <c>null</c> or <see cref="int.MaxValue"/> keeps everything. Kubernetes
    /// prunes when <see cref="RolloutStep.CleanUp"/> says so.
    /// </summary>
    public static IReadOnlyList<string> ToDelete(IEnumerable<ReplicaSetState> oldReplicaSets, int? revisionHistoryLimit)
    {
        ArgumentNullException.ThrowIfNull(oldReplicaSets);
        if (revisionHistoryLimit is not { } limit || limit == int.MaxValue) return [];

        var cleanable = oldReplicaSets.Where(rs => !rs.IsDeleting).ToList();
        var excess = cleanable.Count - Math.Max(limit, 0);
        if (excess <= 0) return [];

        return cleanable
            .OrderBy(rs => rs.Revision)
            .ThenBy(rs => rs.CreationTimestamp)
            .ThenBy(rs => rs.Name, StringComparer.Ordinal)
            .Take(excess)
            .Where(rs => rs.SpecReplicas == 0 && rs.StatusReplicas == 0 && !rs.IsUnobserved)
            .Select(rs => rs.Name)
            .ToList();
    }

    /// <summary>The revision the new ReplicaSet (and the Deployment's revision annotation) should carry: one above every old one.</summary>
    public static long NextRevision(IEnumerable<ReplicaSetState> oldReplicaSets)
    {
        ArgumentNullException.ThrowIfNull(oldReplicaSets);
        return oldReplicaSets.Select(rs => rs.Revision).DefaultIfEmpty(0).Max() + 1;
    }

    /// <summary>Deterministic, so that a retried creation finds the ReplicaSet it made: <c>name-hash</c>.</summary>
    public static string NewReplicaSetName(Deployment deployment)
    {
        ArgumentNullException.ThrowIfNull(deployment);
        return $"{deployment.Metadata.Name}-{PodTemplateHash.Compute(deployment.Spec.Template, deployment.Status?.CollisionCount)}";
    }

    /// <summary>The ReplicaSet running <paramref name="template"/>; the oldest one if, rarely, several do.</summary>
    public static ReplicaSet? FindNewReplicaSet(PodTemplateSpec template, IEnumerable<ReplicaSet> replicaSets)
    {
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(replicaSets);
        return replicaSets
            .OrderBy(rs => rs.Metadata.CreationTimestamp ?? DateTimeOffset.MinValue)
            .ThenBy(rs => rs.Metadata.Name, StringComparer.Ordinal)
            .FirstOrDefault(rs => rs.Spec.Template is { } t && PodTemplateHash.Equivalent(t, template));
    }

    /// <summary>
    /// Kubernetes' <c>isScalingEvent</c>: some ReplicaSet with pods was last sized for another <c>spec.replicas</c>
    /// (its desired-replicas annotation says so). ReplicaSets without the annotation never make one.
    /// </summary>
    public static bool IsScalingEvent(RolloutInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return input.OldReplicaSets.Append(input.NewReplicaSet)
            .Any(rs => rs is { SpecReplicas: > 0, DesiredReplicasAnnotation: { } desired } && desired != input.Replicas);
    }

    private static void Validate(RolloutInput input)
    {
        if (input.Replicas < 0) throw new ArgumentException($"replicas must not be negative, got {input.Replicas}", nameof(input));
        if (input.Strategy is not (RolloutMath.RollingUpdateStrategy or RolloutMath.RecreateStrategy))
            throw new ArgumentException($"unexpected deployment strategy type: {input.Strategy}", nameof(input));
        var names = input.OldReplicaSets.Append(input.NewReplicaSet).OfType<ReplicaSetState>().Select(rs => rs.Name).ToList();
        if (names.Count != names.Distinct(StringComparer.Ordinal).Count())
            throw new ArgumentException("ReplicaSet names must be unique", nameof(input));
    }

    private static string NameForCreation(RolloutInput input) => string.IsNullOrEmpty(input.NewReplicaSetName)
        ? throw new ArgumentException("NewReplicaSetName is needed to create the new ReplicaSet", nameof(input))
        : input.NewReplicaSetName;

    // ---- Scaling (Kubernetes' sync.go: scale) ----

    private static void Scale(RolloutInput input, int surge, PlannedReplicaSet? newReplicaSet, List<PlannedReplicaSet> oldReplicaSets, StepBuilder step)
    {
        var desired = input.Replicas;

        // One ReplicaSet with pods (or none at all): it simply takes the whole deployment.
        if (FindActiveOrLatest(newReplicaSet, oldReplicaSets) is { } only)
        {
            // Kubernetes leaves stale annotations here, which would make every later pass a scaling event again.
            if (!step.ScaleTo(only, desired)) step.RefreshAnnotations(only);
            return;
        }

        // A saturated new ReplicaSet (adopted, say) leaves nothing for the old ones.
        if (IsSaturated(desired, newReplicaSet))
        {
            foreach (var old in oldReplicaSets.Where(rs => rs.IsActive)) step.ScaleTo(old, 0);
            return;
        }

        if (RolloutMath.IsRollingUpdate(input.Strategy))
        {
            ScaleProportionally(input, surge, newReplicaSet, oldReplicaSets, step);
            return;
        }

        // Recreate has nothing to share out (its next pass empties the old ReplicaSets anyway). Kubernetes writes nothing
        // here, so stale annotations would make every later pass a scaling event and the rollout would never resume.
        foreach (var rs in oldReplicaSets.Append(newReplicaSet).OfType<PlannedReplicaSet>().Where(rs => rs.IsActive))
            step.RefreshAnnotations(rs);
    }

    /// <summary>
    /// Kubernetes' proportional scaling: the change to desired + surge is shared among the ReplicaSets with pods in
    /// proportion to their size, so a resize neither hastens nor reverses the rollout; what rounding leaves over goes to
    /// the largest (the newest when growing, the oldest when shrinking).
    /// </summary>
    internal static void ScaleProportionally(RolloutInput input, int surge, PlannedReplicaSet? newReplicaSet, List<PlannedReplicaSet> oldReplicaSets, StepBuilder step)
    {
        var desired = input.Replicas;
        var active = oldReplicaSets.Append(newReplicaSet).OfType<PlannedReplicaSet>().Where(rs => rs.IsActive).ToList();
        var allowed = desired > 0 ? desired + surge : 0;
        var toAdd = allowed - active.Sum(rs => rs.Spec);

        string? operation = null;
        if (toAdd > 0)
        {
            active.Sort(PlannedReplicaSet.LargerThenNewer);
            operation = "up";
        }
        else if (toAdd < 0)
        {
            active.Sort(PlannedReplicaSet.LargerThenOlder);
            operation = "down";
        }

        var statusReplicas = input.Status?.Replicas ?? 0;
        var added = 0;
        var sizes = new int[active.Count];
        for (var i = 0; i < active.Count; i++)
        {
            var proportion = RolloutMath.Proportion(active[i].Spec, active[i].State.MaxReplicasAnnotation, desired, surge, statusReplicas, toAdd, added);
            sizes[i] = active[i].Spec + proportion;
            added += proportion;
        }

        if (active.Count > 0 && toAdd != 0) sizes[0] = Math.Max(sizes[0] + toAdd - added, 0);

        for (var i = 0; i < active.Count; i++)
        {
            if (!step.ScaleTo(active[i], sizes[i], operation)) step.RefreshAnnotations(active[i]);
        }
    }

    /// <summary>Kubernetes' <c>FindActiveOrLatest</c>: the only ReplicaSet with pods, else the newest if none has any, else <c>null</c>.</summary>
    private static PlannedReplicaSet? FindActiveOrLatest(PlannedReplicaSet? newReplicaSet, List<PlannedReplicaSet> oldReplicaSets)
    {
        if (newReplicaSet is null && oldReplicaSets.Count == 0) return null;
        var newestFirst = oldReplicaSets.OrderDescending(Comparer<PlannedReplicaSet>.Create(PlannedReplicaSet.OlderFirst)).ToList();
        var active = newestFirst.Append(newReplicaSet).OfType<PlannedReplicaSet>().Where(rs => rs.IsActive).ToList();
        return active.Count switch
        {
            0 => newReplicaSet ?? newestFirst[0],
            1 => active[0],
            _ => null,
        };
    }

    /// <summary>Kubernetes' <c>IsSaturated</c>: the new ReplicaSet was sized for, has, and makes available all desired pods.</summary>
    private static bool IsSaturated(int desired, PlannedReplicaSet? newReplicaSet) =>
        newReplicaSet is not null
        && newReplicaSet.State.DesiredReplicasAnnotation == desired
        && newReplicaSet.Spec == desired
        && newReplicaSet.Available == desired;

    // ---- RollingUpdate (Kubernetes' rolling.go) ----

    private static RolloutStep RollingUpdate(RolloutInput input, int surge, PlannedReplicaSet? newReplicaSet, List<PlannedReplicaSet> oldReplicaSets, StepBuilder step)
    {
        var desired = input.Replicas;
        newReplicaSet ??= step.Create(
            NameForCreation(input),
            RolloutMath.NewReplicaSetReplicas(input.Strategy, desired, surge, oldReplicaSets.Sum(rs => rs.Spec), 0));

        if (ReconcileNewReplicaSet(input, surge, newReplicaSet, oldReplicaSets, step)
            || ReconcileOldReplicaSets(input, newReplicaSet, oldReplicaSets, step))
            return step.Build(RolloutPath.RollingUpdate, cleanUp: false);

        return step.Build(RolloutPath.RollingUpdate, cleanUp: IsCompleteNow(input));
    }

    /// <summary>Grow the new ReplicaSet into the room under desired + surge (or bring it back down to desired).</summary>
    private static bool ReconcileNewReplicaSet(RolloutInput input, int surge, PlannedReplicaSet newReplicaSet, List<PlannedReplicaSet> oldReplicaSets, StepBuilder step)
    {
        var desired = input.Replicas;
        if (newReplicaSet.Spec == desired) return false;
        if (newReplicaSet.Spec > desired) return step.ScaleTo(newReplicaSet, desired);
        var allSpec = oldReplicaSets.Sum(rs => rs.Spec) + newReplicaSet.Spec;
        return step.ScaleTo(newReplicaSet, RolloutMath.NewReplicaSetReplicas(input.Strategy, desired, surge, allSpec, newReplicaSet.Spec));
    }

    /// <summary>
    /// Shrink the old ReplicaSets as far as availability allows: at most all pods − minAvailable − the new ReplicaSet's
    /// unavailable pods (so that a broken new template cannot drain the old pods), unhealthy old pods first.
    /// </summary>
    private static bool ReconcileOldReplicaSets(RolloutInput input, PlannedReplicaSet newReplicaSet, List<PlannedReplicaSet> oldReplicaSets, StepBuilder step)
    {
        var active = oldReplicaSets.Where(rs => rs.IsActive).ToList();
        if (active.Count == 0) return false;

        var desired = input.Replicas;
        var allPods = oldReplicaSets.Sum(rs => rs.Spec) + newReplicaSet.Spec;
        var minAvailable = desired - RolloutMath.MaxUnavailable(input.Strategy, input.MaxSurge, input.MaxUnavailable, desired);
        var newUnavailable = newReplicaSet.Spec - newReplicaSet.Available;
        var maxScaledDown = allPods - minAvailable - newUnavailable;
        if (maxScaledDown <= 0) return false;

        active.Sort(PlannedReplicaSet.OlderFirst);
        var (cleaned, failed) = CleanupUnhealthyReplicas(active, maxScaledDown, step);
        if (failed) return false;
        var scaledDown = ScaleDownOldReplicaSetsForRollingUpdate(active, newReplicaSet, minAvailable, step);
        return cleaned + scaledDown > 0;
    }

    /// <summary>
    /// Kubernetes' <c>cleanupUnhealthyReplicas</c>: drop up to <paramref name="maxCleanupCount"/> unavailable pods from the
    /// old ReplicaSets (oldest first), which costs no availability; the ReplicaSet controller deletes unready pods first.
    /// Fails (as Kubernetes does) when a ReplicaSet reports more available pods than it should have, i.e. while a
    /// scale-down is still under way.
    /// </summary>
    internal static (int Cleaned, bool Failed) CleanupUnhealthyReplicas(IReadOnlyList<PlannedReplicaSet> oldestFirst, int maxCleanupCount, StepBuilder step)
    {
        var total = 0;
        foreach (var rs in oldestFirst)
        {
            if (total >= maxCleanupCount) break;
            if (rs.Spec == 0 || rs.Spec == rs.Available) continue;
            var count = Math.Min(maxCleanupCount - total, rs.Spec - rs.Available);
            if (count < 0) return (total, true);
            step.ScaleTo(rs, rs.Spec - count);
            total += count;
        }

        return (total, false);
    }

    /// <summary>
    /// Kubernetes' <c>scaleDownOldReplicaSetsForRollingUpdate</c>: remove as many old pods as the available ones exceed
    /// <paramref name="minAvailable"/> (counting the new ReplicaSet's), oldest ReplicaSets first.
    /// </summary>
    internal static int ScaleDownOldReplicaSetsForRollingUpdate(IReadOnlyList<PlannedReplicaSet> oldestFirst, PlannedReplicaSet? newReplicaSet, int minAvailable, StepBuilder step)
    {
        var available = oldestFirst.Sum(rs => rs.Available) + (newReplicaSet?.Available ?? 0);
        if (available <= minAvailable) return 0;

        var target = available - minAvailable;
        var total = 0;
        foreach (var rs in oldestFirst)
        {
            if (total >= target) break;
            if (rs.Spec == 0) continue;
            var count = Math.Min(rs.Spec, target - total);
            step.ScaleTo(rs, rs.Spec - count);
            total += count;
        }

        return total;
    }

    // ---- Recreate (Kubernetes' recreate.go) ----

    private static RolloutStep Recreate(RolloutInput input, PlannedReplicaSet? newReplicaSet, List<PlannedReplicaSet> oldReplicaSets, StepBuilder step)
    {
        var scaledDown = false;
        foreach (var old in oldReplicaSets.Where(rs => rs.IsActive)) scaledDown |= step.ScaleTo(old, 0);
        if (scaledDown || OldPodsRunning(input)) return step.Build(RolloutPath.Recreate, cleanUp: false);

        // The new ReplicaSet is created only now, so that old and new pods never run together.
        var desired = input.Replicas;
        if (newReplicaSet is null) step.Create(NameForCreation(input), desired);
        else step.ScaleTo(newReplicaSet, desired);
        return step.Build(RolloutPath.Recreate, cleanUp: IsCompleteNow(input));
    }

    /// <summary>Kubernetes' <c>oldPodsRunning</c>: the caller saw old pods, or an old ReplicaSet still counts some.</summary>
    private static bool OldPodsRunning(RolloutInput input) =>
        input.OldPodsRunning || input.OldReplicaSets.Any(rs => rs.StatusReplicas > 0);

    /// <summary>Whether the deployment's current status already reports the rollout complete (Kubernetes' cleanup gate).</summary>
    private static bool IsCompleteNow(RolloutInput input) =>
        input.Status is { } status && DeploymentStatusCalculator.IsComplete(input.Replicas, input.Generation, status);
}
