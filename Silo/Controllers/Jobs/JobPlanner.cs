using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Silo.Controllers.ReplicaSets;

namespace OrleansOrchestrator.Silo.Controllers.Jobs;

/// <summary>
/// Kubernetes' job controller (pkg/controller/job) as pure decisions: how many pods to run (<c>parallelism</c>, no more
/// than the completions left), which indexes, when a job has succeeded or failed (<c>backoffLimit</c>,
/// <c>activeDeadlineSeconds</c>, <c>podFailurePolicy</c>, failed indexes), suspension, and the counting of finished pods
/// through the <c>batch.kubernetes.io/job-tracking</c> finalizer and <c>status.uncountedTerminatedPods</c>: a finished pod
/// is first recorded by UID in the status, then released, then moved into <c>succeeded</c>/<c>failed</c> — so it is
/// counted exactly once even if it is deleted, or the pass stops, at any point.
/// </summary>
public static class JobPlanner
{
    /// <summary>Kubernetes' MaxUncountedPods: how many finished pods one pass records (keeps the status small).</summary>
    public const int MaxUncountedPods = 500;

    /// <summary>Kubernetes' MaxPodCreateDeletePerSync.</summary>
    public const int MaxPodCreateDeletePerSync = 500;

    public static JobPass Plan(Job job, IReadOnlyList<Pod> pods, DateTimeOffset now)
    {
        now = Seconds(now);
        var spec = job.Spec;
        var status = job.Status ?? new JobStatus();
        if (IsFinished(job))
            return new JobPass { Status = status, ReleaseFinalizers = pods.Where(JobPods.HasTrackingFinalizer).ToList(), LookAgainIn = TtlLeft(job, now) };

        var indexed = JobPods.IsIndexed(job);
        var completions = spec.Completions;
        var parallelism = spec.Parallelism ?? 1;
        var suspended = spec.Suspend == true;
        var tracked = pods.Where(JobPods.HasTrackingFinalizer).ToList();

        // Pods released in an earlier pass that stopped before counting them: counted now.
        status = CountReleased(status, tracked.Select(Uid).ToHashSet());
        var uncountedSucceeded = (status.UncountedTerminatedPods?.Succeeded ?? []).ToHashSet();
        var uncountedFailed = (status.UncountedTerminatedPods?.Failed ?? []).ToHashSet();

        var active = pods.Where(PodConditions.IsActive).ToList();
        var terminating = pods.Count(JobPods.IsTerminating);
        var ready = active.Count(PodConditions.IsReady);
        bool Valid(Pod p) => !indexed || JobPods.ValidIndex(p, job) is not null;
        PodFailurePolicyMatch Match(Pod p) => PodFailurePolicyMatch.For(spec.PodFailurePolicy, p);

        var newSucceeded = tracked.Count(p => JobPods.IsSucceeded(p) && !uncountedSucceeded.Contains(Uid(p)) && Valid(p));
        var newFailed = tracked.Where(p => JobPods.IsFailed(p, job) && !uncountedFailed.Contains(Uid(p)) && Valid(p)).ToList();
        var succeeded = (status.Succeeded ?? 0) + newSucceeded + uncountedSucceeded.Count;
        var failed = (status.Failed ?? 0) + newFailed.Count(p => Match(p).CountsAsFailure) + uncountedFailed.Count;

        var startTime = status.StartTime ?? (suspended ? null : now);
        var conditions = (status.Conditions ?? []).ToList();
        var events = new List<(string, string, string)>();
        TimeSpan? lookAgain = null;

        // Once success or failure is decided (an interim condition is stored), it stands.
        var finished = True(conditions, "SuccessCriteriaMet") is { } met ? Make("Complete", met.Reason, met.Message, now) : null;
        if (finished is null)
        {
            if (True(conditions, "FailureTarget") is { } target) finished = Make("Failed", target.Reason, target.Message, now);
            else if (FailJobMessage(job, pods) is { } message) finished = Make("FailureTarget", "PodFailurePolicy", message, now);
        }
        if (finished is null)
        {
            if (failed > (spec.BackoffLimit ?? 6) || PastBackoffLimitOnFailure(job, pods))
                finished = Make("FailureTarget", "BackoffLimitExceeded", "Job has reached the specified backoff limit", now);
            else if (spec.ActiveDeadlineSeconds is { } deadline && startTime is { } start && !suspended)
            {
                var left = start + TimeSpan.FromSeconds(deadline) - now;
                if (left <= TimeSpan.Zero) finished = Make("FailureTarget", "DeadlineExceeded", "Job was active longer than specified deadline", now);
                else lookAgain = left;
            }
        }

        CompletionIndexes? succeededIndexes = null, previousSucceeded = null, failedIndexes = null;
        if (indexed)
        {
            var count = completions ?? 0;
            previousSucceeded = CompletionIndexes.Parse(status.CompletedIndexes, count);
            succeededIndexes = previousSucceeded.With(tracked.Where(JobPods.IsSucceeded).Select(p => JobPods.ValidIndex(p, job)).OfType<int>());
            succeeded = succeededIndexes.Count;
            failedIndexes = CompletionIndexes.Parse(status.FailedIndexes, count).With(
                tracked.Where(p => JobPods.IsFailed(p, job) && Match(p).Action == "FailIndex").Select(p => JobPods.ValidIndex(p, job)).OfType<int>());
            if (finished is null && failedIndexes.Count > 0 && failedIndexes.Count + succeededIndexes.Count >= count)
                finished = Make("FailureTarget", "FailedIndexes", "Job has failed indexes", now);
        }

        IReadOnlyList<Pod> delete = [], deleteUncounted = [];
        var create = new List<int?>();
        var activeCount = active.Count;
        if (finished is not null)
        {
            delete = active;
            activeCount = 0;
            terminating += active.Count;
            ready = 0;
        }
        else
        {
            var managed = false;
            if (job.Metadata.DeletionTimestamp is null)
            {
                managed = true;
                if (suspended)
                {
                    deleteUncounted = active;
                }
                else
                {
                    var wantActive = completions is null
                        ? succeeded > 0 ? activeCount : parallelism
                        : Math.Max(0, Math.Min(completions.Value - succeeded, parallelism));
                    deleteUncounted = ActivePodsForRemoval(job, active, Math.Max(0, activeCount - wantActive)).Take(MaxPodCreateDeletePerSync).ToList();
                    // Either deletions or creations in one pass, deletions first (as Kubernetes).
                    var waitingFor = JobPods.OnlyReplaceFailedPods(job) ? terminating : 0;
                    var missing = deleteUncounted.Count > 0 ? 0 : Math.Min(wantActive - waitingFor - activeCount, MaxPodCreateDeletePerSync);
                    if (missing > 0)
                    {
                        var wait = FailureBackoff.Remaining(job, pods, now);
                        if (wait > TimeSpan.Zero) lookAgain = Earlier(lookAgain, wait);
                        else if (indexed) create.AddRange(PendingIndexes(job, pods, succeededIndexes!, failedIndexes!, missing).Cast<int?>());
                        else create.AddRange(Enumerable.Repeat<int?>(null, missing));
                    }
                }
                activeCount += create.Count - deleteUncounted.Count;
                terminating += deleteUncounted.Count;
                ready -= deleteUncounted.Count(PodConditions.IsReady);
            }
            var complete = completions is null ? succeeded > 0 && activeCount == 0 : succeeded >= completions && activeCount == 0;
            if (complete)
                finished = Make("SuccessCriteriaMet", "CompletionsReached", "Reached expected number of succeeded pods", now);
            else if (managed && suspended)
            {
                if (Ensure(conditions, "Suspended", "True", "JobSuspended", "Job suspended", now))
                    events.Add(("Normal", "Suspended", "Job suspended"));
            }
            else if (managed && Ensure(conditions, "Suspended", "False", "JobResumed", "Job resumed", now))
            {
                events.Add(("Normal", "Resumed", "Job resumed"));
                // The active deadline counts from the resumption, as it would from the creation of a job created suspended.
                startTime = now;
            }
        }

        // Record what finished, in the order of the indexes.
        var release = new List<Pod>();
        var addSucceeded = (status.UncountedTerminatedPods?.Succeeded ?? []).ToList();
        var addFailed = (status.UncountedTerminatedPods?.Failed ?? []).ToList();
        var newIndexes = 0;
        var reachedMax = false;
        var failsUnfinished = finished is not null && finished.Type != "SuccessCriteriaMet";
        foreach (var pod in indexed ? tracked.OrderBy(p => JobPods.CompletionIndex(p) ?? int.MaxValue).ToList() : tracked)
        {
            var uid = Uid(pod);
            var consideredFailed = JobPods.IsFailed(pod, job);
            if (job.Metadata.DeletionTimestamp is null && finished is null && !JobPods.IsSucceeded(pod) && !consideredFailed) continue;
            release.Add(pod);
            if (JobPods.IsSucceeded(pod) && !uncountedFailed.Contains(uid))
            {
                if (indexed)
                {
                    if (JobPods.ValidIndex(pod, job) is { } index && !previousSucceeded!.Contains(index)) newIndexes++;
                }
                else if (!uncountedSucceeded.Contains(uid)) addSucceeded.Add(uid);
            }
            else if ((consideredFailed || failsUnfinished) && !uncountedFailed.Contains(uid) && Valid(pod) && Match(pod).CountsAsFailure)
            {
                // A job that failed counts the pods it stops as failed.
                addFailed.Add(uid);
            }
            if (newIndexes + addSucceeded.Count + addFailed.Count >= MaxUncountedPods)
            {
                reachedMax = true;
                break;
            }
        }

        Condition? finish = finished;
        if (finished?.Type == "FailureTarget")
        {
            conditions.Add(finished);
            finish = Make("Failed", finished.Reason, finished.Message, now);
        }
        else if (finished?.Type == "SuccessCriteriaMet")
        {
            if (True(conditions, "SuccessCriteriaMet") is null) conditions.Add(finished);
            finish = Make("Complete", finished.Reason, finished.Message, now);
        }

        var written = status with
        {
            StartTime = startTime,
            Conditions = conditions.Count > 0 ? conditions : null,
            Active = activeCount,
            Ready = ready,
            Terminating = terminating,
            Succeeded = indexed ? succeededIndexes!.Count : status.Succeeded ?? 0,
            Failed = status.Failed ?? 0,
            CompletedIndexes = indexed ? succeededIndexes!.ToString() : status.CompletedIndexes,
            FailedIndexes = failedIndexes is { Count: > 0 } ? failedIndexes.ToString() : status.FailedIndexes,
            UncountedTerminatedPods = new UncountedTerminatedPods
            {
                Succeeded = addSucceeded.Count > 0 ? addSucceeded : null,
                Failed = addFailed.Count > 0 ? addFailed : null,
            },
        };
        return new JobPass
        {
            Status = written,
            ReleaseFinalizers = release,
            Delete = delete,
            DeleteUncounted = deleteUncounted,
            Create = create,
            Finish = finish,
            Terminating = terminating,
            ReachedMaxUncounted = reachedMax,
            LookAgainIn = lookAgain,
            Events = events,
        };
    }

    /// <summary>
    /// The status after the pod writes: pods no longer holding the finalizer move from the uncounted lists into the counters,
    /// and the terminal condition is added once nothing is left uncounted or terminating. Returns the condition added, if any.
    /// </summary>
    public static (JobStatus Status, Condition? Finished) Settle(JobStatus written, JobPass pass, IReadOnlySet<string> stillHeld, DateTimeOffset now)
    {
        var status = CountReleased(written, stillHeld);
        if (pass.Finish is not { } finish || pass.ReachedMaxUncounted || pass.Terminating > 0
            || status.UncountedTerminatedPods is { Succeeded.Count: > 0 } or { Failed.Count: > 0 })
            return (status, null);
        var conditions = (status.Conditions ?? []).ToList();
        Ensure(conditions, finish.Type, "True", finish.Reason, finish.Message, Seconds(now));
        var done = conditions.First(c => c.Type == finish.Type);
        return (status with
        {
            Conditions = conditions,
            CompletionTime = finish.Type == "Complete" ? done.LastTransitionTime : status.CompletionTime,
        }, done);
    }

    /// <summary>A job with a true Complete or Failed condition: nothing more happens to it but its TTL.</summary>
    public static bool IsFinished(Job job) => FinishedCondition(job) is not null;

    public static Condition? FinishedCondition(Job job) =>
        job.Status?.Conditions?.FirstOrDefault(c => c.Type is "Complete" or "Failed" && c.Status == "True");

    /// <summary>Kubernetes' TTL-after-finished controller: how long a finished job with a TTL still lives (zero: delete it now).</summary>
    public static TimeSpan? TtlLeft(Job job, DateTimeOffset now)
    {
        if (job.Spec.TtlSecondsAfterFinished is not { } ttl || FinishedCondition(job) is not { LastTransitionTime: { } finishedAt }) return null;
        var left = finishedAt + TimeSpan.FromSeconds(ttl) - now;
        return left > TimeSpan.Zero ? left : TimeSpan.Zero;
    }

    /// <summary>Kubernetes' pastBackoffLimitOnFailure: with restartPolicy OnFailure, the restarts of the running pods' containers count as failures.</summary>
    public static bool PastBackoffLimitOnFailure(Job job, IEnumerable<Pod> pods)
    {
        if (job.Spec.Template.Spec.RestartPolicy != "OnFailure") return false;
        var restarts = pods.Where(p => p.Status?.Phase is "Running" or "Pending")
            .Sum(p => (p.Status!.ContainerStatuses ?? []).Concat(p.Status.InitContainerStatuses ?? []).Sum(c => c.RestartCount));
        var limit = job.Spec.BackoffLimit ?? 6;
        return limit == 0 ? restarts > 0 : restarts >= limit;
    }

    /// <summary>The message of the first failed pod a <c>FailJob</c> rule matches.</summary>
    private static string? FailJobMessage(Job job, IEnumerable<Pod> pods) =>
        job.Spec.PodFailurePolicy is null
            ? null
            : pods.Where(p => JobPods.IsFailed(p, job)).Select(p => PodFailurePolicyMatch.For(job.Spec.PodFailurePolicy, p).FailJobMessage).FirstOrDefault(m => m is not null);

    /// <summary>
    /// Kubernetes' activePodsForRemoval: for an indexed job first the pods without a valid index and all but one pod of each
    /// index, then as many as still need to go in the order a ReplicaSet scales down.
    /// </summary>
    public static IReadOnlyList<Pod> ActivePodsForRemoval(Job job, IReadOnlyList<Pod> active, int atLeast)
    {
        var remove = new List<Pod>();
        var keep = active.ToList();
        if (JobPods.IsIndexed(job))
        {
            keep = [];
            foreach (var group in active.GroupBy(p => JobPods.ValidIndex(p, job)))
            {
                if (group.Key is null)
                {
                    remove.AddRange(group);
                    continue;
                }
                var ordered = ReplicaSetControllerGrain.DeletionOrder(group).ToList();
                remove.AddRange(ordered.Take(ordered.Count - 1));
                keep.Add(ordered[^1]);
            }
        }
        if (remove.Count < atLeast) remove.AddRange(ReplicaSetControllerGrain.DeletionOrder(keep).Take(atLeast - remove.Count));
        return remove;
    }

    /// <summary>The lowest indexes that have neither succeeded nor failed for good and have no pod running (or, when only failed pods are replaced, ending).</summary>
    public static IEnumerable<int> PendingIndexes(Job job, IReadOnlyList<Pod> pods, CompletionIndexes succeeded, CompletionIndexes failed, int count)
    {
        var onlyFailed = JobPods.OnlyReplaceFailedPods(job);
        var taken = pods.Where(p => PodConditions.IsActive(p) || onlyFailed && JobPods.IsTerminating(p))
            .Select(p => JobPods.ValidIndex(p, job)).OfType<int>().ToHashSet();
        return Enumerable.Range(0, job.Spec.Completions ?? 0)
            .Where(i => !succeeded.Contains(i) && !failed.Contains(i) && !taken.Contains(i))
            .Take(count);
    }

    /// <summary>Kubernetes' cleanUncountedPodsWithoutFinalizers: uncounted pods that no longer hold the finalizer are counted.</summary>
    private static JobStatus CountReleased(JobStatus status, IReadOnlySet<string> stillHeld)
    {
        if (status.UncountedTerminatedPods is not { } uncounted) return status;
        var succeeded = (uncounted.Succeeded ?? []).Where(stillHeld.Contains).ToList();
        var failed = (uncounted.Failed ?? []).Where(stillHeld.Contains).ToList();
        return status with
        {
            Succeeded = (status.Succeeded ?? 0) + (uncounted.Succeeded?.Count ?? 0) - succeeded.Count,
            Failed = (status.Failed ?? 0) + (uncounted.Failed?.Count ?? 0) - failed.Count,
            UncountedTerminatedPods = new UncountedTerminatedPods
            {
                Succeeded = succeeded.Count > 0 ? succeeded : null,
                Failed = failed.Count > 0 ? failed : null,
            },
        };
    }

    private static Condition? True(IEnumerable<Condition> conditions, string type) =>
        conditions.FirstOrDefault(c => c.Type == type && c.Status == "True");

    private static Condition Make(string type, string? reason, string? message, DateTimeOffset now) => new()
    {
        Type = type,
        Status = "True",
        Reason = reason,
        Message = message,
        LastProbeTime = now,
        LastTransitionTime = now,
    };

    /// <summary>
    /// Kubernetes' ensureJobConditionStatus: replaces a condition whose status, reason or message changed; adds a missing one
    /// unless it would be False (a condition that never held says nothing). Returns whether anything changed.
    /// </summary>
    private static bool Ensure(List<Condition> conditions, string type, string status, string? reason, string? message, DateTimeOffset now)
    {
        var index = conditions.FindIndex(c => c.Type == type);
        var fresh = Make(type, reason, message, now) with { Status = status };
        if (index >= 0)
        {
            var old = conditions[index];
            if (old.Status == status && old.Reason == reason && old.Message == message) return false;
            conditions[index] = fresh;
            return true;
        }
        if (status == "False") return false;
        conditions.Add(fresh);
        return true;
    }

    private static TimeSpan Earlier(TimeSpan? a, TimeSpan b) => a is { } x && x < b ? x : b;

    private static string Uid(Pod pod) => pod.Metadata.Uid ?? "";

    private static DateTimeOffset Seconds(DateTimeOffset time) => new(time.UtcTicks - time.UtcTicks % TimeSpan.TicksPerSecond, TimeSpan.Zero);
}
