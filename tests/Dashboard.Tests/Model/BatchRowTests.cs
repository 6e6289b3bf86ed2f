using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Dashboard.Model;
using static OrleansOrchestrator.Dashboard.Tests.WorkloadObjects;

namespace OrleansOrchestrator.Dashboard.Tests.Model;

public sealed class JobRowTests
{
    private static readonly DateTimeOffset Start = new(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(null, false, "Running", Tone.Working)]
    [InlineData("Complete", false, "Complete", Tone.Good)]
    [InlineData("Failed", false, "Failed", Tone.Bad)]
    [InlineData("Suspended", true, "Suspended", Tone.Warning)]
    public void From_StatusFromConditions(string? condition, bool suspend, string status, Tone tone)
    {
        var row = JobRow.From(Job("batch", condition: condition, suspend: suspend));

        Assert.Equal((status, tone, suspend), (row.Status, row.Tone, row.Suspended));
        Assert.Equal(condition is "Complete" or "Failed", row.Finished);
    }

    [Fact]
    public void From_CompletionsAndDuration_AsKubectlGetJobs()
    {
        var running = JobRow.From(Job("batch", completions: 5, succeeded: 2, start: Start));
        var done = JobRow.From(Job("batch", completions: 5, succeeded: 5, condition: "Complete", start: Start, end: Start.AddSeconds(75)));

        Assert.Equal("2/5", running.Completions);
        Assert.Equal("3m", running.Duration(Start.AddMinutes(3)));
        Assert.Equal("75s", done.Duration(Start.AddHours(5)));
        Assert.Equal("", JobRow.From(Job("batch")).Duration(Start));
    }
}

public sealed class CronJobRowTests
{
    private static readonly DateTimeOffset Now = new(2025, 3, 1, 12, 2, 30, TimeSpan.Zero);

    [Fact]
    public void NextRun_FromTheScheduleAfterNow()
    {
        var row = CronJobRow.From(CronJob("backup", schedule: "*/5 * * * *"));

        Assert.Equal(new DateTimeOffset(2025, 3, 1, 12, 5, 0, TimeSpan.Zero), row.NextRun(Now));
        Assert.Equal("2025-03-01 12:05 UTC (in 2m30s)", row.NextRunText(Now));
        Assert.Equal(CronJobRow.NoTimeZone, row.TimeZone);
    }

    [Fact]
    public void NextRun_InTheTimeZoneOfTheSchedule()
    {
        // 03:00 in Berlin is 02:00 UTC in March (CET, before the switch to summer time).
        var row = CronJobRow.From(CronJob("backup", schedule: "0 3 * * *", timeZone: "Europe/Berlin"));

        Assert.Equal(new DateTimeOffset(2025, 3, 2, 2, 0, 0, TimeSpan.Zero), row.NextRun(Now));
        Assert.StartsWith("2025-03-02 03:00 Europe/Berlin", row.NextRunText(Now));
    }

    [Fact]
    public void NextRun_Suspended_None()
    {
        var row = CronJobRow.From(CronJob("backup", suspend: true));

        Assert.Null(row.NextRun(Now));
        Assert.Equal("suspended", row.NextRunText(Now));
    }

    [Fact]
    public void NextRun_ScheduleUnreadable_SaysWhy()
    {
        var row = CronJobRow.From(CronJob("backup", schedule: "@fortnightly"));

        Assert.Null(row.NextRun(Now));
        Assert.Equal("unrecognized descriptor: @fortnightly", row.ScheduleProblem);
    }

    [Fact]
    public void From_ActiveAndLastSchedule()
    {
        var row = CronJobRow.From(CronJob("backup", active: 2, lastSchedule: Now));

        Assert.Equal((2, Now), (row.Active, row.LastSchedule));
    }

    [Fact]
    public void ManualJob_AsKubectlCreateJobFromCronJob()
    {
        var cronJob = CronJob("backup");

        var job = CronJobRuns.ManualJob(cronJob);

        Assert.Equal(("batch/v1", "Job", "default", null, "backup-manual-"), (job.ApiVersion, job.Kind, job.Metadata.Namespace, job.Metadata.Name, job.Metadata.GenerateName));
        Assert.Equal(new Dictionary<string, string> { ["cronjob.kubernetes.io/instantiate"] = "manual", ["note"] = "nightly" }, job.Metadata.Annotations);
        Assert.Equal(new Dictionary<string, string> { ["team"] = "ops" }, job.Metadata.Labels);
        var owner = Assert.Single(job.Metadata.OwnerReferences!);
        Assert.Equal(("batch/v1", "CronJob", "backup", cronJob.Metadata.Uid, true, null), (owner.ApiVersion, owner.Kind, owner.Name, owner.Uid, owner.Controller, owner.BlockOwnerDeletion));
        Assert.Same(cronJob.Spec.JobTemplate.Spec, job.Spec);
    }

    [Fact]
    public void ManualJob_LongName_PrefixCutSoTheGeneratedNameIsAValidJobName()
    {
        var name = new string('a', 52);

        var job = CronJobRuns.ManualJob(CronJob(name));

        // 63 characters at most once the API appends its five: the prefix is cut, as Kubernetes' name generator cuts it.
        Assert.Equal(name + "-manua", job.Metadata.GenerateName);
    }

    [Fact]
    public void Recent_OwnedJobsNewestFirst()
    {
        var cronJob = CronJob("backup");
        Job[] jobs =
        [
            Job("backup-100", created: Now.AddMinutes(-10), owner: ControlledBy("CronJob", "backup", apiVersion: "batch/v1")),
            Job("backup-105", created: Now.AddMinutes(-5), owner: ControlledBy("CronJob", "backup", apiVersion: "batch/v1")),
            Job("unrelated", created: Now),
        ];

        Assert.Equal(["backup-105", "backup-100"], CronJobRuns.Recent(cronJob, jobs).Select(j => j.Name));
    }
}

public sealed class DaemonSetRowTests
{
    [Fact]
    public void From_CountsAndNodeSelector()
    {
        var row = DaemonSetRow.From(DaemonSet("logs", desired: 3, current: 3, ready: 2, updated: 3, available: 2,
            nodeSelector: new Dictionary<string, string> { ["role"] = "edge", ["disk"] = "ssd" }));

        Assert.Equal((3, 3, 2, 3, 2), (row.Desired, row.Current, row.Ready, row.UpToDate, row.Available));
        Assert.Equal("disk=ssd,role=edge", row.NodeSelector);
        Assert.Equal(WorkloadHealth.Progressing, row.Health);
    }

    [Fact]
    public void From_NoSelector_None() => Assert.Equal("<none>", DaemonSetRow.From(DaemonSet("logs")).NodeSelector);

    [Theory]
    [InlineData(3, 3, 3, 1, 1, WorkloadHealth.Healthy)]
    [InlineData(3, 2, 3, 1, 1, WorkloadHealth.Progressing)]
    [InlineData(3, 3, 2, 1, 1, WorkloadHealth.Progressing)]
    [InlineData(3, 3, 3, 2, 1, WorkloadHealth.Progressing)]
    [InlineData(0, 0, 0, 1, 1, WorkloadHealth.Healthy)]
    public void HealthOf_AsKubectlRolloutStatus(int desired, int updated, int available, long generation, long observed, WorkloadHealth expected) =>
        Assert.Equal(expected, DaemonSetRow.HealthOf(DaemonSet("logs", desired: desired, updated: updated, available: available,
            generation: generation, observedGeneration: observed)));
}
