using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Contracts.Workloads;

namespace OrleansOrchestrator.Dashboard.Model;

/// <summary>
/// A CronJob as the grid shows it: the columns of <c>kubectl get cronjobs</c> (schedule, time zone, suspend, active, last
/// schedule) and when it runs next, read with the controller's own schedule parser.
/// </summary>
public sealed record CronJobRow(
    string Namespace, string Name, string Schedule, string TimeZone, bool Suspended, int Active, DateTimeOffset? LastSchedule,
    DateTimeOffset? LastSuccess, string? ScheduleProblem, DateTimeOffset? Created, CronJob CronJob)
{
    public const string NoTimeZone = "<none>";

    private CronSchedule? Parsed { get; init; }

    public static CronJobRow From(CronJob cronJob)
    {
        var spec = cronJob.Spec;
        var parsed = CronSchedule.TryParse(spec.Schedule, spec.TimeZone, out var problem);
        return new CronJobRow(cronJob.Metadata.Namespace ?? "", cronJob.Metadata.Name ?? "", spec.Schedule,
            spec.TimeZone is { Length: > 0 } zone ? zone : NoTimeZone, spec.Suspend == true, cronJob.Status?.Active?.Count ?? 0,
            cronJob.Status?.LastScheduleTime, cronJob.Status?.LastSuccessfulTime, problem, cronJob.Metadata.CreationTimestamp, cronJob)
        {
            Parsed = parsed,
        };
    }

    /// <summary>When the schedule fires next after <paramref name="now"/>; null while suspended (nothing starts) or when the schedule cannot be read.</summary>
    public DateTimeOffset? NextRun(DateTimeOffset now) => Suspended ? null : Parsed?.Next(now);

    /// <summary>The NEXT RUN cell: the time in the schedule's zone and how far away it is.</summary>
    public string NextRunText(DateTimeOffset now)
    {
        if (Suspended) return "suspended";
        if (ScheduleProblem is not null) return $"invalid schedule: {ScheduleProblem}";
        if (NextRun(now) is not { } next) return "never";
        var local = TimeZoneInfo.ConvertTime(next, Parsed!.Zone);
        return $"{local:yyyy-MM-dd HH:mm} {(TimeZone == NoTimeZone ? "UTC" : TimeZone)} (in {Contracts.Presentation.HumanDuration.Format(next - now)})";
    }
}

/// <summary>The Jobs of a CronJob and the Job "run now" creates.</summary>
public static class CronJobRuns
{
    /// <summary>The annotation <c>kubectl create job --from=cronjob/NAME</c> marks a manually started Job with.</summary>
    public const string InstantiateAnnotation = "cronjob.kubernetes.io/instantiate";

    /// <summary>The longest name a Job may have (its name is a label value, <c>job-name</c>).</summary>
    private const int MaxJobName = 63;

    /// <summary>The length of the random suffix the API appends to a <c>generateName</c>.</summary>
    private const int GeneratedSuffix = 5;

    /// <summary>The CronJob's Jobs, newest first.</summary>
    public static IReadOnlyList<JobRow> Recent(CronJob cronJob, IEnumerable<Job> jobs) =>
        Owned.By(cronJob, jobs).Select(JobRow.From).OrderByDescending(j => j.Created).ThenByDescending(j => j.Name, StringComparer.Ordinal).ToList();

    /// <summary>
    /// The Job <c>kubectl create job NAME --from=cronjob/CRONJOB</c> creates: the template's labels, its annotations plus
    /// <c>cronjob.kubernetes.io/instantiate: manual</c>, its spec, and the CronJob as controlling owner (without
    /// blockOwnerDeletion, as kubectl leaves it out). The name is <c>CRONJOB-manual-</c> and a suffix the API generates, so two
    /// clicks never collide; the prefix is cut so the whole name stays a valid Job name.
    /// </summary>
    public static Job ManualJob(CronJob cronJob)
    {
        var template = cronJob.Spec.JobTemplate;
        var annotations = new Dictionary<string, string>(StringComparer.Ordinal) { [InstantiateAnnotation] = "manual" };
        foreach (var (key, value) in template.Metadata?.Annotations ?? new Dictionary<string, string>()) annotations[key] = value;
        var prefix = $"{cronJob.Metadata.Name}-manual-";
        if (prefix.Length > MaxJobName - GeneratedSuffix) prefix = prefix[..(MaxJobName - GeneratedSuffix)];
        return new Job
        {
            ApiVersion = ResourceKinds.Job.ApiVersion,
            Kind = ResourceKinds.Job.Kind,
            Metadata = new ObjectMeta
            {
                GenerateName = prefix,
                Namespace = cronJob.Metadata.Namespace,
                Labels = template.Metadata?.Labels,
                Annotations = annotations,
                OwnerReferences =
                [
                    new OwnerReference
                    {
                        ApiVersion = ResourceKinds.CronJob.ApiVersion, Kind = ResourceKinds.CronJob.Kind, Name = cronJob.Metadata.Name ?? "",
                        Uid = cronJob.Metadata.Uid ?? "", Controller = true,
                    },
                ],
            },
            Spec = template.Spec,
        };
    }
}
