using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Silo.Controllers.Deployments;
using static OrleansOrchestrator.Silo.Controllers.StatefulSets.StatefulPods;

namespace OrleansOrchestrator.Silo.Controllers.StatefulSets;

/// <summary>
/// One pass of Kubernetes' StatefulSet control (<c>stateful_set_control.go</c> <c>updateStatefulSet</c>), pure: which
/// pods and claims to create, fix or delete, and the status to report.
/// <list type="number">
/// <item>Every wanted ordinal, lowest first: a finished pod is deleted (and recreated with its name and claims next
/// pass); a missing pod is created after its missing claims, from the current revision below the partition and the
/// update revision from it; with <c>OrderedReady</c> the pass stops at the first pod it creates or that is not Running,
/// Ready and available (so each pod starts only after all lower ones are).</item>
/// <item>Claims of condemned pods (ordinals a scale-down removes) get the owners the retention policy wants.</item>
/// <item>Condemned pods are deleted from the highest ordinal; with <c>OrderedReady</c> one per pass, and only when the
/// others are healthy (the lowest unhealthy one may go).</item>
/// <item>With <c>RollingUpdate</c>, pods from the partition up that are not at the update revision are deleted from the
/// highest ordinal down, as many at once as <c>maxUnavailable</c> (default 1) allows counting the unavailable ones —
/// step 1 recreates them at the update revision. <c>OnDelete</c> replaces only pods someone deletes.</item>
/// </list>
/// </summary>
public static class StatefulSetPlanner
{
    public const string OrderedReady = "OrderedReady";
    public const string Parallel = "Parallel";
    public const string RollingUpdate = "RollingUpdate";
    public const string OnDelete = "OnDelete";

    public static StatefulSetStep Plan(StatefulSetInput input)
    {
        var set = input.Set;
        var minReady = set.Spec.MinReadySeconds ?? 0;
        var start = StartOrdinal(set);
        var count = Math.Max(0, Replicas(set));
        var monotonic = set.Spec.PodManagementPolicy != Parallel;

        var replicas = new Pod?[count];
        var condemned = new List<Pod>();
        foreach (var pod in input.Pods)
        {
            var ordinal = Ordinal(pod);
            if (ordinal < 0) continue; // not a name this controller gives: ignored, as Kubernetes does
            if (ordinal >= start && ordinal < start + count) replicas[ordinal - start] = pod;
            else condemned.Add(pod);
        }
        condemned.Sort((a, b) => Ordinal(b).CompareTo(Ordinal(a)));

        var counted = replicas.OfType<Pod>().Concat(condemned).ToList();
        var status = Count(input, counted, minReady);
        // The lowest unavailable pod, which an ordered scale-down may delete though it is unhealthy: scale-down is only
        // reached when every wanted pod is healthy, so it matters only among the condemned.
        var firstUnavailable = replicas.Any(p => IsUnavailable(p, minReady, input.Now))
            ? null
            : condemned.AsEnumerable().Reverse().FirstOrDefault(p => IsUnavailable(p, minReady, input.Now));

        var phases = new List<IReadOnlyList<StatefulAction>>();
        var recheck = AvailabilityRecheck(counted, minReady, input.Now);
        StatefulSetStep Done(int updateDeletions = 0) => new()
        {
            Phases = phases,
            Burst = !monotonic,
            Status = CompleteRollingUpdate(set, status with { CurrentReplicas = status.CurrentReplicas - updateDeletions }),
            RecheckAfter = recheck,
        };

        if (set.Metadata.DeletionTimestamp is not null) return Done();

        // 1. The wanted ordinals, lowest first.
        var replicaActions = new List<StatefulAction>();
        phases.Add(replicaActions);
        for (var i = 0; i < count; i++)
        {
            var (actions, blocked, wait) = ProcessReplica(input, replicas[i], start + i, monotonic, minReady);
            replicaActions.AddRange(actions);
            recheck = Earliest(recheck, wait);
            if (blocked && monotonic) return Done();
        }

        // 2. Claims of condemned pods get their retention owners before the pods go.
        phases.Add(condemned.SelectMany(pod => ClaimOwnerFixes(input, pod)).ToList());

        // 3. Scale down from the highest ordinal.
        var scaleDown = new List<StatefulAction>();
        phases.Add(scaleDown);
        foreach (var pod in condemned)
        {
            if (IsTerminating(pod))
            {
                if (monotonic) return Done();
                continue;
            }
            if (monotonic && !ReferenceEquals(pod, firstUnavailable)
                && (!IsRunningAndReady(pod) || !IsRunningAndAvailable(pod, minReady, input.Now)))
                return Done();
            scaleDown.Add(new DeletePod(pod, DeletionCause.ScaleDown));
            if (monotonic) return Done();
        }

        // 4. Rolling update from the highest ordinal down, within maxUnavailable.
        if (set.Spec.UpdateStrategy?.Type == OnDelete) return Done();
        var partition = set.Spec.UpdateStrategy?.RollingUpdate?.Partition ?? 0;
        var maxUnavailable = MaxUnavailable(set.Spec.UpdateStrategy?.RollingUpdate?.MaxUnavailable, count);
        var unavailable = replicas.Count(p => IsUnavailable(p, minReady, input.Now));
        if (unavailable > maxUnavailable) return Done();
        var updates = new List<StatefulAction>();
        phases.Add(updates);
        for (var i = count - 1; i >= partition && updates.Count < maxUnavailable - unavailable; i--)
        {
            if (replicas[i] is { } pod && Revision(pod) != input.UpdateRevision && !IsTerminating(pod))
                updates.Add(new DeletePod(pod, DeletionCause.Update));
        }
        return Done(updates.Count);
    }

    /// <summary>Kubernetes' <c>processReplica</c>: the writes for one wanted ordinal, whether an ordered set must stop there, and when to look again.</summary>
    private static (List<StatefulAction> Actions, bool Blocked, TimeSpan? Wait) ProcessReplica(
        StatefulSetInput input, Pod? pod, int ordinal, bool monotonic, int minReady)
    {
        var set = input.Set;
        var actions = new List<StatefulAction>();
        if (pod is not null && IsFinished(pod))
        {
            // Deleted now, recreated with the same name (and so the same claims) once it is gone.
            if (!IsTerminating(pod)) actions.Add(new DeletePod(pod, DeletionCause.Finished));
            return (actions, true, null);
        }
        if (pod is null)
        {
            var fresh = NewVersionedPod(input, ordinal);
            var claims = Claims(set, ordinal).Select(c => c.Claim).ToList();
            var existing = claims.Select(c => input.Claims.GetValueOrDefault(c.Metadata.Name!)).OfType<PersistentVolumeClaim>().ToList();
            // A claim on its way out (deleted by a user, or collected after a scale-down) would leave the pod without its data.
            if (existing.Any(c => c.Metadata.DeletionTimestamp is not null || ClaimRetention.IsStale(c, set, fresh)))
                return (actions, true, TimeSpan.FromSeconds(1));
            actions.Add(new CreatePod(fresh, MissingClaims(input, fresh, claims)));
            return (actions, monotonic, null);
        }

        if (IsPending(pod) && MissingClaims(input, pod, Claims(set, ordinal).Select(c => c.Claim).ToList()) is { Count: > 0 } missing)
            actions.Add(new CreateClaims(pod, missing));
        if (monotonic)
        {
            if (IsTerminating(pod) || !IsRunningAndReady(pod)) return (actions, true, null);
            if (!IsRunningAndAvailable(pod, minReady, input.Now)) return (actions, true, null);
        }

        actions.AddRange(ClaimOwnerFixes(input, pod));
        if (!IdentityMatches(set, pod))
            actions.Add(new UpdatePod(pod with { Metadata = pod.Metadata with { Labels = WithIdentity(set, pod).Metadata.Labels } }));
        if (!StorageMatches(set, pod) && !IsPending(pod) && MissingClaims(input, pod, Claims(set, ordinal).Select(c => c.Claim).ToList()) is { Count: > 0 } lost)
            actions.Add(new CreateClaims(pod, lost));
        return (actions, false, null);
    }

    /// <summary>
    /// Kubernetes' <c>newVersionedStatefulSetPod</c>: with RollingUpdate, ordinals below the partition are made from the
    /// current revision; all others (and every pod under OnDelete) from the update revision.
    /// </summary>
    public static Pod NewVersionedPod(StatefulSetInput input, int ordinal)
    {
        var set = input.Set;
        var strategy = set.Spec.UpdateStrategy;
        var belowPartition = (strategy?.Type ?? RollingUpdate) == RollingUpdate
                             && ordinal < StartOrdinal(set) + (strategy?.RollingUpdate?.Partition ?? 0);
        return belowPartition
            ? NewPod(set, input.CurrentTemplate, input.CurrentRevision, ordinal)
            : NewPod(set, input.UpdateTemplate, input.UpdateRevision, ordinal);
    }

    /// <summary>The pod's claims that do not exist, with the owners the retention policy wants.</summary>
    private static List<PersistentVolumeClaim> MissingClaims(StatefulSetInput input, Pod pod, IReadOnlyList<PersistentVolumeClaim> claims) =>
        claims.Where(c => !input.Claims.ContainsKey(c.Metadata.Name!)).Select(c => ClaimRetention.Applied(c, input.Set, pod)).ToList();

    /// <summary>The pod's existing claims whose owners the retention policy wants otherwise.</summary>
    private static IEnumerable<StatefulAction> ClaimOwnerFixes(StatefulSetInput input, Pod pod) =>
        Claims(input.Set, Ordinal(pod))
            .Select(c => input.Claims.GetValueOrDefault(c.Claim.Metadata.Name!))
            .OfType<PersistentVolumeClaim>()
            .Where(c => c.Metadata.DeletionTimestamp is null && !ClaimRetention.Matches(c, input.Set, pod))
            .Select(c => new UpdateClaim(ClaimRetention.Applied(c, input.Set, pod)));

    /// <summary>Kubernetes' <c>getStatefulSetMaxUnavailable</c>: a number or a percentage of the replicas (rounded down), at least 1.</summary>
    public static int MaxUnavailable(IntOrString? value, int replicas)
    {
        try
        {
            return Math.Max(1, RolloutMath.ScaledValue(value ?? IntOrString.FromInt(1), replicas, roundUp: false));
        }
        catch (ArgumentException)
        {
            return 1; // validation refuses such values; one at a time is the safe reading
        }
    }

    /// <summary>Kubernetes' <c>updateStatus</c> over the pods with an ordinal: created, ready, available, and at each revision (not terminating).</summary>
    private static StatefulSetStatus Count(StatefulSetInput input, IReadOnlyList<Pod> pods, int minReady)
    {
        var live = pods.Where(p => IsCreated(p) && !IsTerminating(p)).ToList();
        return new StatefulSetStatus
        {
            ObservedGeneration = input.Set.Metadata.Generation,
            Replicas = pods.Count(IsCreated),
            ReadyReplicas = pods.Count(IsRunningAndReady),
            AvailableReplicas = pods.Count(p => IsRunningAndReady(p) && IsRunningAndAvailable(p, minReady, input.Now)),
            CurrentReplicas = live.Count(p => Revision(p) == input.CurrentRevision),
            UpdatedReplicas = live.Count(p => Revision(p) == input.UpdateRevision),
            CurrentRevision = input.CurrentRevision,
            UpdateRevision = input.UpdateRevision,
            CollisionCount = input.CollisionCount,
            Conditions = input.Set.Status?.Conditions,
        };
    }

    /// <summary>Kubernetes' <c>completeRollingUpdate</c>: once every pod is updated and ready, the update revision becomes the current one.</summary>
    public static StatefulSetStatus CompleteRollingUpdate(StatefulSet set, StatefulSetStatus status) =>
        (set.Spec.UpdateStrategy?.Type ?? RollingUpdate) == RollingUpdate
        && status.UpdatedReplicas == status.Replicas && status.ReadyReplicas == status.Replicas
            ? status with { CurrentReplicas = status.UpdatedReplicas, CurrentRevision = status.UpdateRevision }
            : status;

    /// <summary>When the first pod that is ready but not yet available will be (Kubernetes requeues after minReadySeconds).</summary>
    private static TimeSpan? AvailabilityRecheck(IEnumerable<Pod> pods, int minReady, DateTimeOffset now)
    {
        if (minReady <= 0) return null;
        var due = pods.Where(p => IsRunningAndReady(p) && !PodConditions.IsAvailable(p, minReady, now))
            .Select(p => PodConditions.Ready(p)?.LastTransitionTime is { } since ? since + TimeSpan.FromSeconds(minReady) - now : TimeSpan.FromSeconds(minReady))
            .DefaultIfEmpty(TimeSpan.MaxValue)
            .Min();
        return due == TimeSpan.MaxValue ? null : due < TimeSpan.FromMilliseconds(100) ? TimeSpan.FromMilliseconds(100) : due;
    }

    private static TimeSpan? Earliest(TimeSpan? a, TimeSpan? b) => a is null ? b : b is null ? a : a < b ? a : b;
}
