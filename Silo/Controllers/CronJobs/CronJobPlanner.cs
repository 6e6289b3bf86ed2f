using System.Globalization;
using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Contracts.Workloads;
using OrleansOrchestrator.Silo.Kinds.CronJobs;

namespace OrleansOrchestrator.Silo.Controllers.CronJobs;

/// <summary>An Event the controller records about the CronJob.</summary>
public sealed record CronJobEvent(string Type, string Reason, string Message);

/// <summary>One pass of a CronJob's loop, decided: what to write, create and delete, and when to look again.</summary>
public sealed record CronJobPlan
{
    /// <summary>The status as observed (active Jobs, last success), before the run this pass may start.</summary>
    public required CronJobStatus Status { get; init; }
    /// <summary>Active Jobs to delete before the new run starts (<c>concurrencyPolicy: Replace</c>); each leaves the active list once deleted.</summary>
    public IReadOnlyList<Job> Replace { get; init; } = [];
    /// <summary>The Job of the run to start now, if any.</summary>
    public Job? Create { get; init; }
    /// <summary>The scheduled time of <see cref="Create"/>.</summary>
    public DateTimeOffset? ScheduledTime { get; init; }
    /// <summary>Finished Jobs beyond the history limits, oldest first.</summary>
    public IReadOnlyList<Job> Prune { get; init; } = [];
    public IReadOnlyList<CronJobEvent> Events { get; init; } = [];
    /// <summary>When to look again: just after the next scheduled time; null when nothing is scheduled (suspended).</summary>
    public TimeSpan? RequeueAfter { get; init; }
}

/// <summary>
/// Kubernetes' CronJob controller (<c>cronjob_controllerv2.go</c>) as a pure function of the CronJob, the Jobs it
/// controls and the time: which Jobs are active, whether a run is due (only the most recent missed time starts, and
/// only within <c>startingDeadlineSeconds</c>), what the concurrency policy allows, which finished Jobs the history
/// limits remove, and when the next run is.
/// </summary>
public static class CronJobPlanner
{
    /// <summary>The scheduled time of a run, on each Job the controller creates (in the CronJob's time zone, RFC 3339).</summary>
    public const string ScheduledTimestampAnnotation = "batch.kubernetes.io/cronjob-scheduled-timestamp";

    /// <summary>Past this many missed runs Kubernetes warns of a wrong clock or a too long deadline.</summary>
    public const int MissedLimit = 100;

    /// <summary>Kubernetes looks again 100 ms after a scheduled time, so clock skew does not make it early.</summary>
    public static readonly TimeSpan NextScheduleDelta = TimeSpan.FromMilliseconds(100);

    public static CronJobPlan Plan(CronJob cronJob, IReadOnlyList<Job> jobs, DateTimeOffset now)
    {
        var events = new List<CronJobEvent>();
        var observed = cronJob.Status ?? new CronJobStatus();
        var active = (observed.Active ?? []).ToList();
        var lastSuccessful = observed.LastSuccessfulTime;
        foreach (var job in jobs)
        {
            var inActive = active.Any(r => r.Uid == job.Metadata.Uid);
            var finished = FinishedCondition(job);
            if (!inActive && finished is null)
            {
                // A run this controller started whose status write was lost (the silo stopped in between) is active;
                // any other Job it controls (kubectl create job --from=cronjob/…) is not, as in Kubernetes.
                if (job.Metadata.Annotations?.ContainsKey(ScheduledTimestampAnnotation) == true) active.Add(Reference(job));
                else events.Add(Warning("UnexpectedJob", $"Saw a job that the controller did not create or forgot: {job.Metadata.Name}"));
            }
            else if (inActive && finished is not null)
            {
                active.RemoveAll(r => r.Uid == job.Metadata.Uid);
                events.Add(Normal("SawCompletedJob", $"Saw completed job: {job.Metadata.Name}, status: {finished}"));
            }
            if (finished == "Complete" && job.Status?.CompletionTime is { } completed && (lastSuccessful is null || completed > lastSuccessful))
                lastSuccessful = completed;
        }
        foreach (var missing in active.Where(r => !jobs.Any(j => j.Metadata.Uid == r.Uid)).ToList())
        {
            events.Add(Normal("MissingJob", $"Active job went missing: {missing.Name}"));
            active.Remove(missing);
        }
        var status = observed with { Active = active.Count > 0 ? active : null, LastSuccessfulTime = lastSuccessful };
        var plan = new CronJobPlan { Status = status, Prune = Prunable(cronJob.Spec, jobs), Events = events };

        if (cronJob.Metadata.DeletionTimestamp is not null) return plan;
        var spec = cronJob.Spec;
        if (spec.TimeZone is { } zoneName && !TimeZoneInfo.TryFindSystemTimeZoneById(zoneName, out _))
            return plan with { Events = [.. events, Warning("UnknownTimeZone", $"invalid timeZone: \"{zoneName}\": unknown time zone {zoneName}")] };
        if (spec.Suspend == true) return plan;
        if (CronSchedule.TryParse(spec.Schedule, spec.TimeZone, out var problem) is not { } schedule)
            return plan with { Events = [.. events, Warning("UnparseableSchedule", $"unparseable schedule: \"{spec.Schedule}\" : {problem}")] };

        var earliest = observed.LastScheduleTime ?? cronJob.Metadata.CreationTimestamp ?? now;
        var (scheduled, missed) = schedule.Missed(earliest, now, MissedLimit);
        if (scheduled is not { } scheduledTime) return plan with { RequeueAfter = Until(schedule.Next(earliest), now) };
        var next = Until(schedule.Next(scheduledTime), now);
        if (spec.StartingDeadlineSeconds is { } deadline)
        {
            if (scheduledTime.AddSeconds(deadline) < now)
                return plan with
                {
                    Events = [.. events, Warning("MissSchedule", $"Missed scheduled time to start a job: {Rfc1123Z(scheduledTime)}")],
                    RequeueAfter = next,
                };
            // Kubernetes counts only the runs missed within the deadline: a deadline is the cure for the warning.
            var deadlineStart = now.AddSeconds(-deadline);
            missed = schedule.Missed(deadlineStart > earliest ? deadlineStart : earliest, now, MissedLimit).Count;
        }
        if (missed > MissedLimit)
            events.Add(Warning("TooManyMissedTimes", "too many missed start times. Set or decrease .spec.startingDeadlineSeconds or check clock skew"));

        var jobName = JobName(cronJob, scheduledTime);
        if (active.Any(r => r.Name == jobName) || observed.LastScheduleTime == scheduledTime)
            return plan with { Events = events, RequeueAfter = next };
        if (spec.ConcurrencyPolicy == CronJobStrategy.Forbid && active.Count > 0)
            return plan with
            {
                Events = [.. events, Normal("JobAlreadyActive", "Not starting job because prior execution is running and concurrency policy is Forbid")],
                RequeueAfter = next,
            };
        var replaced = spec.ConcurrencyPolicy == CronJobStrategy.Replace
            ? jobs.Where(j => active.Any(r => r.Uid == j.Metadata.Uid)).ToList()
            : [];
        return plan with
        {
            Replace = replaced,
            Create = JobFor(cronJob, scheduledTime, schedule.Zone),
            ScheduledTime = scheduledTime,
            Events = events,
            RequeueAfter = next,
        };
    }

    /// <summary>The status once the run of <paramref name="scheduledTime"/> exists as <paramref name="job"/>.</summary>
    public static CronJobStatus Started(CronJobStatus status, Job job, DateTimeOffset scheduledTime) => status with
    {
        Active = status.Active?.Any(r => r.Uid == job.Metadata.Uid) == true ? status.Active : [.. status.Active ?? [], Reference(job)],
        LastScheduleTime = scheduledTime,
    };

    /// <summary>The status once <paramref name="job"/> is deleted: it is no longer active.</summary>
    public static CronJobStatus Deleted(CronJobStatus status, Job job) => status with
    {
        Active = status.Active?.Where(r => r.Uid != job.Metadata.Uid).ToList() is { Count: > 0 } rest ? rest : null,
    };

    /// <summary>
    /// A run's Job: named after the CronJob and the scheduled minute (so a run is never created twice: a second create is
    /// refused as existing), with the template's labels and annotations, the scheduled time, and the CronJob as controller.
    /// </summary>
    public static Job JobFor(CronJob cronJob, DateTimeOffset scheduledTime, TimeZoneInfo zone)
    {
        var template = cronJob.Spec.JobTemplate;
        var annotations = new Dictionary<string, string>(template.Metadata?.Annotations ?? new Dictionary<string, string>())
        {
            [ScheduledTimestampAnnotation] = Rfc3339(TimeZoneInfo.ConvertTime(scheduledTime, zone)),
        };
        var job = new Job
        {
            Metadata = new ObjectMeta
            {
                Name = JobName(cronJob, scheduledTime),
                Namespace = cronJob.Metadata.Namespace,
                Labels = template.Metadata?.Labels is { } labels ? new Dictionary<string, string>(labels) : null,
                Annotations = annotations,
            },
            Spec = template.Spec,
        };
        return OwnerReferences.WithControllerRef(job, cronJob);
    }

    /// <summary><c>NAME-&lt;minutes since the epoch&gt;</c>: Kubernetes' name of the run scheduled at <paramref name="scheduledTime"/>.</summary>
    public static string JobName(CronJob cronJob, DateTimeOffset scheduledTime) =>
        $"{cronJob.Metadata.Name}-{(scheduledTime.ToUnixTimeSeconds() / 60).ToString(CultureInfo.InvariantCulture)}";

    /// <summary>Whether a Job has finished, and how: its true <c>Complete</c> or <c>Failed</c> condition.</summary>
    public static string? FinishedCondition(Job job) =>
        job.Status?.Conditions?.FirstOrDefault(c => c.Type is "Complete" or "Failed" && c.Status == "True")?.Type;

    /// <summary>
    /// The finished Jobs beyond <c>successfulJobsHistoryLimit</c> and <c>failedJobsHistoryLimit</c>, each kind counted
    /// on its own, the earliest started first (Jobs not started yet count as the newest; names break ties).
    /// </summary>
    public static IReadOnlyList<Job> Prunable(CronJobSpec spec, IReadOnlyList<Job> jobs)
    {
        IEnumerable<Job> Oldest(string condition, int? limit)
        {
            if (limit is not { } keep) return [];
            var finished = jobs.Where(j => j.Metadata.DeletionTimestamp is null && FinishedCondition(j) == condition)
                .OrderBy(j => j.Status?.StartTime is null ? 1 : 0)
                .ThenBy(j => j.Status?.StartTime)
                .ThenBy(j => j.Metadata.Name, StringComparer.Ordinal)
                .ToList();
            return finished.Take(Math.Max(0, finished.Count - keep));
        }
        return [.. Oldest("Complete", spec.SuccessfulJobsHistoryLimit), .. Oldest("Failed", spec.FailedJobsHistoryLimit)];
    }

    private static ObjectReference Reference(Job job) => new()
    {
        Kind = ResourceKinds.Job.Kind,
        Namespace = job.Metadata.Namespace,
        Name = job.Metadata.Name,
        Uid = job.Metadata.Uid,
        ApiVersion = ResourceKinds.Job.ApiVersion,
        ResourceVersion = job.Metadata.ResourceVersion,
    };

    private static TimeSpan? Until(DateTimeOffset? next, DateTimeOffset now) => next is { } at ? at - now + NextScheduleDelta : null;

    private static CronJobEvent Normal(string reason, string message) => new("Normal", reason, message);

    private static CronJobEvent Warning(string reason, string message) => new("Warning", reason, message);

    /// <summary>Go's <c>time.RFC3339</c>: <c>Z</c> for a zero offset, else <c>+01:00</c>.</summary>
    private static string Rfc3339(DateTimeOffset time) =>
        time.ToString(time.Offset == TimeSpan.Zero ? "yyyy-MM-dd'T'HH:mm:ss'Z'" : "yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);

    /// <summary>Go's <c>time.RFC1123Z</c> of a UTC time, as Kubernetes' MissSchedule message prints it.</summary>
    private static string Rfc1123Z(DateTimeOffset time) =>
        time.UtcDateTime.ToString("ddd, dd MMM yyyy HH:mm:ss '+0000'", CultureInfo.InvariantCulture);
}
