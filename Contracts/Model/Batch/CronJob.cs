namespace OrleansOrchestrator.Contracts.Model;

/// <summary>Creates a Job from its template on a cron schedule.</summary>
/// <remarks><c>batch/v1</c> CronJob.</remarks>
[GenerateSerializer, Immutable, Alias("oo.CronJob")]
public sealed record CronJob : KubeObject
{
    /// <summary>The schedule and the Job to create.</summary>
    [Id(0)] public CronJobSpec Spec { get; init; } = new();
    /// <summary>What was last observed of the Jobs it runs. Written by the system.</summary>
    [Id(1)] public CronJobStatus? Status { get; init; }
}

/// <summary>When a CronJob runs and what.</summary>
[GenerateSerializer, Immutable, Alias("oo.CronJobSpec")]
public sealed record CronJobSpec
{
    /// <summary>The schedule in cron format (<c>*/5 * * * *</c>) or a macro such as <c>@hourly</c>.</summary>
    [Id(0)] public string Schedule { get; init; } = "";
    /// <summary>The time zone of the schedule, e.g. <c>Europe/Berlin</c>; the control plane's (UTC) when unset.</summary>
    [Id(1)] public string? TimeZone { get; init; }
    /// <summary>Seconds after a scheduled time within which a missed run may still start; later, it is counted as missed.</summary>
    [Id(2)] public long? StartingDeadlineSeconds { get; init; }
    /// <summary>What to do when a run is due while the previous one is still active: <c>Allow</c> (default), <c>Forbid</c> (skip the new run) or <c>Replace</c> (stop the old one).</summary>
    [Id(3)] public string? ConcurrencyPolicy { get; init; }
    /// <summary>While true, no new runs start; runs already started go on. Default false.</summary>
    [Id(4)] public bool? Suspend { get; init; }
    /// <summary>The Job each run creates.</summary>
    [Id(5)] public JobTemplateSpec JobTemplate { get; init; } = new();
    /// <summary>How many finished successful Jobs are kept. Default 3.</summary>
    [Id(6)] public int? SuccessfulJobsHistoryLimit { get; init; }
    /// <summary>How many finished failed Jobs are kept. Default 1.</summary>
    [Id(7)] public int? FailedJobsHistoryLimit { get; init; }
}

/// <summary>The Job a CronJob creates: labels and annotations for each Job, and its spec.</summary>
[GenerateSerializer, Immutable, Alias("oo.JobTemplateSpec")]
public sealed record JobTemplateSpec
{
    /// <summary>Labels and annotations given to every Job made from this template.</summary>
    [Id(0)] public ObjectMeta? Metadata { get; init; }
    /// <summary>The spec of every Job made from this template.</summary>
    [Id(1)] public JobSpec Spec { get; init; } = new();
}

/// <summary>The observed runs of a CronJob.</summary>
[GenerateSerializer, Immutable, Alias("oo.CronJobStatus")]
public sealed record CronJobStatus
{
    /// <summary>The Jobs running now.</summary>
    [Id(0)] public IReadOnlyList<ObjectReference>? Active { get; init; }
    /// <summary>When a Job was last scheduled.</summary>
    [Id(1)] public DateTimeOffset? LastScheduleTime { get; init; }
    /// <summary>When a Job last completed successfully.</summary>
    [Id(2)] public DateTimeOffset? LastSuccessfulTime { get; init; }
}
