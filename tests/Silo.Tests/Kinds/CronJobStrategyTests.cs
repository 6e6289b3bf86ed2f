using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Contracts.Store;
using OrleansOrchestrator.Silo.Api.Admission;
using OrleansOrchestrator.Silo.Kinds;

namespace OrleansOrchestrator.Silo.Tests.Kinds;

public class CronJobStrategyTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 2, 8, 0, 0, TimeSpan.Zero);

    private static CronJob Defaulted(Func<CronJobSpec, CronJobSpec>? change = null)
    {
        var sample = KindSamples.CronJob();
        return (CronJob)Defaults.Apply(sample with { Spec = (change ?? (s => s))(sample.Spec) });
    }

    private static List<string> Messages(CronJob cronJob) =>
        Validation.Validate(cronJob, ResourceKinds.CronJob).Select(c => $"{c.Field}: {c.Message}").ToList();

    private static CronJobSpec WithTemplate(CronJobSpec spec, Func<JobSpec, JobSpec> change) =>
        spec with { JobTemplate = spec.JobTemplate with { Spec = change(spec.JobTemplate.Spec) } };

    [Fact]
    public void Defaults_DocumentationCronJob_AsKubernetesFillsThem()
    {
        var cronJob = Defaulted();

        Assert.Equal(("Allow", false, 3, 1), (cronJob.Spec.ConcurrencyPolicy, cronJob.Spec.Suspend, cronJob.Spec.SuccessfulJobsHistoryLimit, cronJob.Spec.FailedJobsHistoryLimit));
        Assert.Equal("IfNotPresent", cronJob.Spec.JobTemplate.Spec.Template.Spec.Containers[0].ImagePullPolicy);
        // Kubernetes leaves the job template's own fields to each Job's defaults.
        Assert.Null(cronJob.Spec.JobTemplate.Spec.BackoffLimit);
        Assert.Empty(Messages(cronJob));
    }

    [Fact]
    public void Defaults_EmptyConcurrencyPolicy_Allow()
    {
        Assert.Equal("Allow", Defaulted(s => s with { ConcurrencyPolicy = "" }).Spec.ConcurrencyPolicy);
    }

    [Theory]
    [InlineData("", "spec.schedule: Required value")]
    [InlineData("* * * *", "spec.schedule: Invalid value: \"* * * *\": expected exactly 5 fields, found 4: [* * * *]")]
    [InlineData("@fortnightly", "spec.schedule: Invalid value: \"@fortnightly\": unrecognized descriptor: @fortnightly")]
    [InlineData("TZ=Europe/Berlin 0 * * * *", "spec.schedule: Invalid value: \"TZ=Europe/Berlin 0 * * * *\": cannot use TZ or CRON_TZ in schedule, use timeZone field instead")]
    public void Validate_BadSchedule_KubernetesMessage(string schedule, string message)
    {
        Assert.Equal([message], Messages(Defaulted(s => s with { Schedule = schedule })));
    }

    [Fact]
    public void Validate_ScheduleFieldOutOfRange_Invalid()
    {
        Assert.StartsWith("spec.schedule: Invalid value: \"61 * * * *\": ", Assert.Single(Messages(Defaulted(s => s with { Schedule = "61 * * * *" }))));
    }

    [Theory]
    [InlineData("Europe/Berlin", null)]
    [InlineData("UTC", null)]
    [InlineData("Mars/Olympus", "spec.timeZone: Invalid value: \"Mars/Olympus\": unknown time zone Mars/Olympus")]
    [InlineData("", "spec.timeZone: Invalid value: \"\": timeZone must be nil or non-empty string")]
    [InlineData("Local", "spec.timeZone: Invalid value: \"Local\": timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones")]
    [InlineData("../etc/passwd", "spec.timeZone: Invalid value: \"../etc/passwd\": unknown time zone ../etc/passwd")]
    public void Validate_TimeZone_AsKubernetes(string zone, string? message)
    {
        var messages = Messages(Defaulted(s => s with { TimeZone = zone }));

        if (message is null) Assert.Empty(messages);
        else Assert.Equal([message], messages);
    }

    [Fact]
    public void Validate_NegativeNumbersAndUnknownPolicy_EachNamed()
    {
        var cronJob = Defaulted(s => s with { ConcurrencyPolicy = "Sometimes", StartingDeadlineSeconds = -1, SuccessfulJobsHistoryLimit = -2, FailedJobsHistoryLimit = -3 });

        Assert.Equal(
        [
            "spec.startingDeadlineSeconds: Invalid value: -1: must be greater than or equal to 0",
            "spec.concurrencyPolicy: Unsupported value: \"Sometimes\": supported values: \"Allow\", \"Forbid\", \"Replace\"",
            "spec.successfulJobsHistoryLimit: Invalid value: -2: must be greater than or equal to 0",
            "spec.failedJobsHistoryLimit: Invalid value: -3: must be greater than or equal to 0",
        ], Messages(cronJob));
    }

    [Fact]
    public void Validate_JobTemplate_ValidatedAsAJobSpecAtItsPath_WithoutASelector()
    {
        var cronJob = Defaulted(s => WithTemplate(s, j => j with
        {
            BackoffLimit = -1,
            Selector = new LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = "x" } },
            ManualSelector = true,
            Template = j.Template with { Spec = j.Template.Spec with { RestartPolicy = "Always" } },
        }));

        Assert.Equal(
        [
            "spec.jobTemplate.spec.backoffLimit: Invalid value: -1: must be greater than or equal to 0",
            "spec.jobTemplate.spec.template.spec.restartPolicy: Unsupported value: \"Always\": supported values: \"OnFailure\", \"Never\"",
            "spec.jobTemplate.spec.selector: Invalid value: app=x: `selector` will be auto-generated",
            "spec.jobTemplate.spec.manualSelector: Unsupported value: true: supported values: \"nil\", \"false\"",
        ], Messages(cronJob));
    }

    [Fact]
    public void Validate_NameLongerThan52_RefusedBecauseItsJobsAddElevenCharacters()
    {
        var cronJob = Defaulted();

        Assert.Empty(Messages(cronJob with { Metadata = cronJob.Metadata with { Name = new string('a', 52) } }));
        Assert.Equal([$"metadata.name: Invalid value: \"{new string('a', 53)}\": must be no more than 52 characters"],
            Messages(cronJob with { Metadata = cronJob.Metadata with { Name = new string('a', 53) } }));
    }

    [Fact]
    public void Table_ColumnsAsKubectlPrintsThem_SevenThenThreeWide()
    {
        var columns = KindRegistry.For(ResourceKinds.CronJob).Columns;

        Assert.Equal(["Name", "Schedule", "Timezone", "Suspend", "Active", "Last Schedule", "Age"], columns.Where(c => c.Priority == 0).Select(c => c.Name));
        Assert.Equal(["Containers", "Images", "Selector"], columns.Where(c => c.Priority == 1).Select(c => c.Name));
    }

    [Fact]
    public void Table_Row_NeverScheduledThenActive()
    {
        var cronJob = Defaulted() is var c ? c with { Metadata = c.Metadata with { CreationTimestamp = Now.AddMinutes(-5) } } : null!;
        Dictionary<string, object?> Row(CronJob j) => KindRegistry.For(ResourceKinds.CronJob).Columns.ToDictionary(col => col.Name, col => col.Cell(j, Now));

        var fresh = Row(cronJob);
        var running = Row(cronJob with
        {
            Spec = cronJob.Spec with { TimeZone = "Europe/Berlin" },
            Status = new CronJobStatus { Active = [new ObjectReference { Name = "hello-1" }], LastScheduleTime = Now.AddSeconds(-30) },
        });

        Assert.Equal(("hello", "* * * * *", "<none>", "False", 0, "<none>", "5m"),
            (fresh["Name"], fresh["Schedule"], fresh["Timezone"], fresh["Suspend"], fresh["Active"], fresh["Last Schedule"], fresh["Age"]));
        Assert.Equal(("Europe/Berlin", 1, "30s"), (running["Timezone"], running["Active"], running["Last Schedule"]));
        Assert.Equal(("hello", "busybox:1.28", "<none>"), (fresh["Containers"], fresh["Images"], fresh["Selector"]));
    }
}
