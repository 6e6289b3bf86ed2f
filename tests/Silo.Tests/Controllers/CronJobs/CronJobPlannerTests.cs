using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Silo.Controllers.CronJobs;
using OrleansOrchestrator.Silo.Kinds;
using OrleansOrchestrator.Silo.Tests.Kinds;

namespace OrleansOrchestrator.Silo.Tests.Controllers.CronJobs;

/// <summary>
/// The CronJob controller's decisions, after the cases of Kubernetes' <c>cronjob_controllerv2_test.go</c>: an hourly
/// CronJob created an hour before the hour, seen just before, just after and long after it.
/// </summary>
public class CronJobPlannerTests
{
    private static readonly DateTimeOffset TopOfTheHour = new(2016, 5, 19, 10, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset JustBeforeTheHour = TopOfTheHour.AddMinutes(-1).AddSeconds(-1);
    private static readonly DateTimeOffset JustAfterTheHour = TopOfTheHour.AddMinutes(1).AddSeconds(1);
    private static readonly DateTimeOffset WeekAfterTheHour = TopOfTheHour.AddDays(7);
    private static readonly DateTimeOffset PreviousHour = TopOfTheHour.AddHours(-1);

    private static CronJob Hourly(string policy = "Allow", bool suspend = false, long? deadline = null, DateTimeOffset? lastSchedule = null, params Job[] active) =>
        (CronJob)KindRegistry.For(ResourceKinds.CronJob).Default(KindSamples.CronJob() with
        {
            Metadata = KindSamples.CronJob().Metadata with { Uid = "cj-uid", CreationTimestamp = PreviousHour.AddMinutes(10) },
            Spec = KindSamples.CronJob().Spec with
            {
                Schedule = "0 * * * *",
                ConcurrencyPolicy = policy,
                Suspend = suspend,
                StartingDeadlineSeconds = deadline,
                JobTemplate = KindSamples.CronJob().Spec.JobTemplate with
                {
                    Metadata = new ObjectMeta { Labels = new Dictionary<string, string> { ["app"] = "hello" }, Annotations = new Dictionary<string, string> { ["team"] = "batch" } },
                },
            },
            Status = new CronJobStatus
            {
                LastScheduleTime = lastSchedule,
                Active = active.Length == 0 ? null : active.Select(j => new ObjectReference { Kind = "Job", Name = j.Metadata.Name, Namespace = "default", Uid = j.Metadata.Uid, ApiVersion = "batch/v1" }).ToList(),
            },
        });

    /// <summary>A Job of the CronJob's run at <paramref name="scheduled"/>, finished with <paramref name="condition"/> if given.</summary>
    private static Job Run(CronJob cronJob, DateTimeOffset scheduled, string? condition = null, DateTimeOffset? started = null)
    {
        var job = CronJobPlanner.JobFor(cronJob, scheduled, TimeZoneInfo.Utc);
        return job with
        {
            Metadata = job.Metadata with { Uid = "uid-" + job.Metadata.Name },
            Status = new JobStatus
            {
                StartTime = started ?? scheduled,
                CompletionTime = condition == "Complete" ? (started ?? scheduled).AddMinutes(1) : null,
                Conditions = condition is null ? null : [new Condition { Type = condition, Status = "True" }],
            },
        };
    }

    private static IEnumerable<string> Reasons(CronJobPlan plan) => plan.Events.Select(e => e.Reason);

    [Fact]
    public void NeverRan_NotTime_CreatesNothing_AndLooksAgainJustAfterTheHour()
    {
        var plan = CronJobPlanner.Plan(Hourly(lastSchedule: null), [], JustBeforeTheHour);

        Assert.Null(plan.Create);
        Assert.Equal(TopOfTheHour - JustBeforeTheHour + CronJobPlanner.NextScheduleDelta, plan.RequeueAfter);
    }

    [Theory]
    [InlineData("Allow")]
    [InlineData("Forbid")]
    [InlineData("Replace")]
    public void NeverRan_IsTime_CreatesTheRunOfTheHour(string policy)
    {
        var cronJob = Hourly(policy);

        var plan = CronJobPlanner.Plan(cronJob, [], JustAfterTheHour);

        var job = Assert.IsType<Job>(plan.Create);
        Assert.Equal($"hello-{TopOfTheHour.ToUnixTimeSeconds() / 60}", job.Metadata.Name);
        Assert.Equal(TopOfTheHour, plan.ScheduledTime);
        Assert.Equal("2016-05-19T10:00:00Z", job.Metadata.Annotations![CronJobPlanner.ScheduledTimestampAnnotation]);
        Assert.Equal("batch", job.Metadata.Annotations["team"]);
        Assert.Equal("hello", job.Metadata.Labels!["app"]);
        var owner = Assert.Single(job.Metadata.OwnerReferences!);
        Assert.Equal(("CronJob", "hello", "cj-uid", true), (owner.Kind, owner.Name, owner.Uid, owner.Controller == true));
        Assert.Equal(cronJob.Spec.JobTemplate.Spec, job.Spec);
        Assert.Empty(plan.Replace);
        // Next: the following hour.
        Assert.Equal(TopOfTheHour.AddHours(1) - JustAfterTheHour + CronJobPlanner.NextScheduleDelta, plan.RequeueAfter);

        var started = CronJobPlanner.Started(plan.Status, job with { Metadata = job.Metadata with { Uid = "new" } }, TopOfTheHour);
        Assert.Equal(TopOfTheHour, started.LastScheduleTime);
        Assert.Equal(["new"], started.Active!.Select(r => r.Uid));
    }

    [Fact]
    public void Suspended_CreatesNothing_AndWaitsForAChange()
    {
        var plan = CronJobPlanner.Plan(Hourly(suspend: true), [], JustAfterTheHour);

        Assert.Null(plan.Create);
        Assert.Null(plan.RequeueAfter);
    }

    [Fact]
    public void NeverRan_IsTime_PastAShortDeadline_MissesTheRun()
    {
        var plan = CronJobPlanner.Plan(Hourly(deadline: 10), [], JustAfterTheHour);

        Assert.Null(plan.Create);
        var missed = Assert.Single(plan.Events);
        Assert.Equal(("Warning", "MissSchedule", "Missed scheduled time to start a job: Thu, 19 May 2016 10:00:00 +0000"), (missed.Type, missed.Reason, missed.Message));
        Assert.Equal(TopOfTheHour.AddHours(1) - JustAfterTheHour + CronJobPlanner.NextScheduleDelta, plan.RequeueAfter);
    }

    [Fact]
    public void NeverRan_IsTime_WithinALongDeadline_Creates()
    {
        var plan = CronJobPlanner.Plan(Hourly(deadline: 3600), [], JustAfterTheHour);

        Assert.NotNull(plan.Create);
        Assert.Empty(plan.Events);
    }

    [Fact]
    public void PreviouslyRan_NotTime_CreatesNothing()
    {
        var plan = CronJobPlanner.Plan(Hourly(lastSchedule: PreviousHour), [], JustBeforeTheHour);

        Assert.Null(plan.Create);
        Assert.Equal(TopOfTheHour - JustBeforeTheHour + CronJobPlanner.NextScheduleDelta, plan.RequeueAfter);
    }

    [Fact]
    public void ThisRunAlreadyStarted_IsNotStartedTwice()
    {
        var cronJob = Hourly(lastSchedule: TopOfTheHour);

        var plan = CronJobPlanner.Plan(cronJob, [], JustAfterTheHour);

        Assert.Null(plan.Create);
    }

    [Fact]
    public void StillActive_IsTime_Allow_StartsASecondRun()
    {
        var template = Hourly();
        var running = Run(template, PreviousHour);
        var cronJob = Hourly("Allow", lastSchedule: PreviousHour, active: running);

        var plan = CronJobPlanner.Plan(cronJob, [running], JustAfterTheHour);

        Assert.NotNull(plan.Create);
        Assert.Empty(plan.Replace);
        Assert.Equal([running.Metadata.Uid], plan.Status.Active!.Select(r => r.Uid));
    }

    [Fact]
    public void StillActive_IsTime_Forbid_SkipsTheRun_WithKubernetesEvent()
    {
        var running = Run(Hourly(), PreviousHour);
        var cronJob = Hourly("Forbid", lastSchedule: PreviousHour, active: running);

        var plan = CronJobPlanner.Plan(cronJob, [running], JustAfterTheHour);

        Assert.Null(plan.Create);
        var skipped = Assert.Single(plan.Events);
        Assert.Equal(("Normal", "JobAlreadyActive", "Not starting job because prior execution is running and concurrency policy is Forbid"),
            (skipped.Type, skipped.Reason, skipped.Message));
        Assert.Equal(TopOfTheHour.AddHours(1) - JustAfterTheHour + CronJobPlanner.NextScheduleDelta, plan.RequeueAfter);
    }

    [Fact]
    public void StillActive_IsTime_Replace_DeletesTheActiveRun_ThenStartsTheNew()
    {
        var running = Run(Hourly(), PreviousHour);
        var cronJob = Hourly("Replace", lastSchedule: PreviousHour, active: running);

        var plan = CronJobPlanner.Plan(cronJob, [running], JustAfterTheHour);

        Assert.Equal([running.Metadata.Name], plan.Replace.Select(j => j.Metadata.Name));
        Assert.NotNull(plan.Create);
        Assert.Null(CronJobPlanner.Deleted(plan.Status, running).Active);
    }

    [Fact]
    public void ForbidAfterTheActiveRunFinished_Starts_AndSaysItSawTheCompletion()
    {
        var done = Run(Hourly(), PreviousHour, "Complete");
        var cronJob = Hourly("Forbid", lastSchedule: PreviousHour, active: done);

        var plan = CronJobPlanner.Plan(cronJob, [done], JustAfterTheHour);

        Assert.NotNull(plan.Create);
        Assert.Null(plan.Status.Active);
        Assert.Equal(done.Status!.CompletionTime, plan.Status.LastSuccessfulTime);
        Assert.Contains(plan.Events, e => e.Reason == "SawCompletedJob" && e.Message == $"Saw completed job: {done.Metadata.Name}, status: Complete");
    }

    [Fact]
    public void LongOverdue_NoDeadline_StartsOnlyTheMostRecentMissedRun()
    {
        var cronJob = Hourly(lastSchedule: PreviousHour);

        var plan = CronJobPlanner.Plan(cronJob, [], WeekAfterTheHour.AddMinutes(5));

        // A week of hourly runs missed: 168, more than 100 → Kubernetes' warning, and still the latest run starts.
        Assert.Equal(WeekAfterTheHour, plan.ScheduledTime);
        Assert.Contains(plan.Events, e => e is { Type: "Warning", Reason: "TooManyMissedTimes", Message: "too many missed start times. Set or decrease .spec.startingDeadlineSeconds or check clock skew" });
    }

    [Fact]
    public void LongOverdue_WithinADeadline_StartsTheMostRecent_WithoutTheTooManyWarning()
    {
        var cronJob = Hourly(deadline: 600, lastSchedule: PreviousHour);

        var plan = CronJobPlanner.Plan(cronJob, [], WeekAfterTheHour.AddMinutes(5));

        Assert.Equal(WeekAfterTheHour, plan.ScheduledTime);
        Assert.DoesNotContain("TooManyMissedTimes", Reasons(plan));
    }

    [Fact]
    public void LongOverdue_PastTheDeadline_MissesTheMostRecent()
    {
        var cronJob = Hourly(deadline: 60, lastSchedule: PreviousHour);

        var plan = CronJobPlanner.Plan(cronJob, [], WeekAfterTheHour.AddMinutes(5));

        Assert.Null(plan.Create);
        Assert.Contains(plan.Events, e => e.Reason == "MissSchedule" && e.Message.EndsWith("Thu, 26 May 2016 10:00:00 +0000", StringComparison.Ordinal));
    }

    [Fact]
    public void ActiveJobThatWentMissing_LeavesTheActiveList()
    {
        var gone = Run(Hourly(), PreviousHour);
        var cronJob = Hourly(lastSchedule: PreviousHour, active: gone);

        var plan = CronJobPlanner.Plan(cronJob, [], JustBeforeTheHour);

        Assert.Null(plan.Status.Active);
        Assert.Equal(["MissingJob"], Reasons(plan));
    }

    [Fact]
    public void UnfinishedRunMissingFromStatus_IsActiveAgain_ButAManualJobIsUnexpected()
    {
        // The silo stopped between creating a run and writing the status: the run is found and counted.
        var lost = Run(Hourly(), PreviousHour);
        var manual = Run(Hourly(), PreviousHour.AddMinutes(-30)) is var m
            ? m with { Metadata = m.Metadata with { Name = "hello-manual-1", Uid = "manual", Annotations = new Dictionary<string, string> { ["cronjob.kubernetes.io/instantiate"] = "manual" } } }
            : null!;
        var cronJob = Hourly("Forbid", lastSchedule: PreviousHour);

        var plan = CronJobPlanner.Plan(cronJob, [lost, manual], JustAfterTheHour);

        Assert.Equal([lost.Metadata.Uid], plan.Status.Active!.Select(r => r.Uid));
        Assert.Null(plan.Create); // Forbid: the recovered run is active
        Assert.Contains(plan.Events, e => e is { Type: "Warning", Reason: "UnexpectedJob", Message: "Saw a job that the controller did not create or forgot: hello-manual-1" });
    }

    [Fact]
    public void HistoryLimits_RemoveTheOldestFinishedJobs_SuccessfulAndFailedCountedApart()
    {
        var template = Hourly();
        var succeeded = Enumerable.Range(1, 5).Select(h => Run(template, TopOfTheHour.AddHours(-h), "Complete")).ToList();
        var failed = Enumerable.Range(1, 3).Select(h => Run(template, TopOfTheHour.AddHours(-h).AddMinutes(30), "Failed")).ToList();
        var running = Run(template, TopOfTheHour.AddHours(-9));
        var cronJob = Hourly(lastSchedule: PreviousHour, active: running);

        var plan = CronJobPlanner.Plan(cronJob, [.. succeeded, .. failed, running], JustBeforeTheHour);

        // Defaults keep 3 successful and 1 failed: the two oldest successes and the two oldest failures go; never a running Job.
        Assert.Equal(
            [succeeded[4].Metadata.Name, succeeded[3].Metadata.Name, failed[2].Metadata.Name, failed[1].Metadata.Name],
            plan.Prune.Select(j => j.Metadata.Name));
    }

    [Fact]
    public void HistoryLimitOfZero_RemovesEveryFinishedJob_AndNotStartedJobsCountAsNewest()
    {
        var template = Hourly() is var c ? c with { Spec = c.Spec with { SuccessfulJobsHistoryLimit = 1 } } : null!;
        var older = Run(template, TopOfTheHour.AddHours(-2), "Complete");
        var notStarted = Run(template, TopOfTheHour.AddHours(-3), "Complete") is var n ? n with { Status = n.Status! with { StartTime = null } } : null!;

        Assert.Equal([older.Metadata.Name], CronJobPlanner.Prunable(template.Spec, [notStarted, older]).Select(j => j.Metadata.Name));
        Assert.Equal(2, CronJobPlanner.Prunable(template.Spec with { SuccessfulJobsHistoryLimit = 0 }, [notStarted, older]).Count);
    }

    [Fact]
    public void BeingDeleted_OnlyKeepsTheStatus()
    {
        var cronJob = Hourly() is var c ? c with { Metadata = c.Metadata with { DeletionTimestamp = JustAfterTheHour } } : null!;

        var plan = CronJobPlanner.Plan(cronJob, [], JustAfterTheHour);

        Assert.Null(plan.Create);
        Assert.Null(plan.RequeueAfter);
    }

    [Fact]
    public void TimeZone_SchedulesInThatZone_AndAnnotatesTheRunInIt()
    {
        // 09:00 in Berlin (summer time, UTC+2) is 07:00 UTC; the CronJob was created at 09:10 UTC the day before.
        var cronJob = Hourly() is var c ? c with { Spec = c.Spec with { Schedule = "0 9 * * *", TimeZone = "Europe/Berlin" } } : null!;
        var nineInBerlin = new DateTimeOffset(2016, 5, 20, 7, 0, 0, TimeSpan.Zero);

        var before = CronJobPlanner.Plan(cronJob, [], nineInBerlin.AddMinutes(-1));
        var after = CronJobPlanner.Plan(cronJob, [], nineInBerlin.AddSeconds(30));

        Assert.Null(before.Create);
        Assert.Equal(TimeSpan.FromMinutes(1) + CronJobPlanner.NextScheduleDelta, before.RequeueAfter);
        Assert.Equal(nineInBerlin, after.ScheduledTime);
        Assert.Equal("2016-05-20T09:00:00+02:00", after.Create!.Metadata.Annotations![CronJobPlanner.ScheduledTimestampAnnotation]);
    }

    [Fact]
    public void UnknownTimeZone_StartsNothing_AndSaysWhy()
    {
        var cronJob = Hourly() is var c ? c with { Spec = c.Spec with { TimeZone = "Mars/Olympus" } } : null!;

        var plan = CronJobPlanner.Plan(cronJob, [], JustAfterTheHour);

        Assert.Null(plan.Create);
        Assert.Equal(["UnknownTimeZone"], Reasons(plan));
    }
}
