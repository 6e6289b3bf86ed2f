using System.Globalization;
using System.Text.RegularExpressions;
using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Contracts.Presentation;
using OrleansOrchestrator.Contracts.Store;
using OrleansOrchestrator.Contracts.Workloads;
using OrleansOrchestrator.Silo.Api.Admission;
using OrleansOrchestrator.Silo.Controllers;
using OrleansOrchestrator.Silo.Kinds.Jobs;
using static OrleansOrchestrator.Silo.Api.Admission.Validation;
using static OrleansOrchestrator.Silo.Api.Tables.TableColumns;

namespace OrleansOrchestrator.Silo.Kinds.CronJobs;

/// <summary>
/// <c>batch/v1</c> CronJob: creates a Job from its template on a cron schedule. Defaulted, validated and printed
/// as Kubernetes does; <see cref="ICronJobController"/> runs it.
/// </summary>
public static partial class CronJobStrategy
{
    public const string Allow = "Allow";
    public const string Forbid = "Forbid";
    public const string Replace = "Replace";

    private static readonly string[] ConcurrencyPolicies = [Allow, Forbid, Replace];

    /// <summary>
    /// The longest name a CronJob may have: its Jobs are named <c>NAME-&lt;minutes since the epoch&gt;</c>, an 11-character
    /// suffix, and a Job's name must fit a 63-character label (Kubernetes refuses longer CronJobs at once).
    /// </summary>
    public const int MaxNameLength = 63 - 11;

    public static readonly KindStrategy<CronJob> Strategy = new()
    {
        Identity = ResourceKinds.CronJob,
        Defaults = Defaulted,
        Validation = Validate,
        Table =
        [
            Name,
            Col<CronJob>("Schedule", (c, _) => c.Spec.Schedule, description: "The schedule in Cron format, see https://en.wikipedia.org/wiki/Cron."),
            Col<CronJob>("Timezone", (c, _) => c.Spec.TimeZone ?? "<none>", description: "The time zone name for the given schedule, see https://en.wikipedia.org/wiki/List_of_tz_database_time_zones."),
            Col<CronJob>("Suspend", (c, _) => c.Spec.Suspend is { } suspend ? (suspend ? "True" : "False") : "<unset>", type: "boolean",
                description: "This flag tells the controller to suspend subsequent executions, it does not apply to already started executions."),
            Col<CronJob>("Active", (c, _) => c.Status?.Active?.Count ?? 0, type: "integer", description: "A list of pointers to currently running jobs."),
            Col<CronJob>("Last Schedule", (c, now) => c.Status?.LastScheduleTime is { } last ? HumanDuration.Since(last, now) : "<none>",
                description: "Information when was the last time the job was successfully scheduled."),
            Age,
            Col<CronJob>("Containers", (c, _) => Containers(c.Spec.JobTemplate.Spec.Template.Spec), 1, description: "Names of each container in the template."),
            Col<CronJob>("Images", (c, _) => Images(c.Spec.JobTemplate.Spec.Template.Spec), 1, description: "Images referenced by each container in the template."),
            Col<CronJob>("Selector", (c, _) => Selector(c.Spec.JobTemplate.Spec.Selector), 1, description: "A label query over pods that should match the pod count."),
        ],
        Fields = new Dictionary<string, Func<CronJob, string>>(),
        Spec = new(c => c.Spec),
        Status = new((target, source) => target with { Status = source.Status }, c => c with { Status = null }),
        Scale = null,
        Owned = [ResourceKinds.Job],
        ControlLoop = typeof(ICronJobController),
        PodTemplate = c => c.Spec.JobTemplate.Spec.Template.Spec,
    };

    /// <summary>
    /// Kubernetes' SetDefaults_CronJob; the job template's pod template is defaulted as every pod template is (its Job's
    /// own defaults are applied when each Job is created, as in Kubernetes).
    /// </summary>
    private static CronJob Defaulted(CronJob cronJob)
    {
        var spec = cronJob.Spec;
        return cronJob with
        {
            Spec = spec with
            {
                ConcurrencyPolicy = string.IsNullOrEmpty(spec.ConcurrencyPolicy) ? Allow : spec.ConcurrencyPolicy,
                Suspend = spec.Suspend ?? false,
                SuccessfulJobsHistoryLimit = spec.SuccessfulJobsHistoryLimit ?? 3,
                FailedJobsHistoryLimit = spec.FailedJobsHistoryLimit ?? 1,
                JobTemplate = spec.JobTemplate with
                {
                    Spec = spec.JobTemplate.Spec with { Template = Defaults.Template(spec.JobTemplate.Spec.Template) },
                },
            },
        };
    }

    private static void Validate(CronJob cronJob, List<FieldCause> errors)
    {
        if (cronJob.Metadata.Name is { Length: > MaxNameLength } name)
            errors.Add(InvalidValue("metadata.name", Quote(name), $"must be no more than {MaxNameLength} characters"));
        var spec = cronJob.Spec;
        if (string.IsNullOrEmpty(spec.Schedule))
            errors.Add(Required("spec.schedule", ""));
        // The time zone is checked on its own below: here only the schedule's text.
        else if (CronSchedule.TryParse(spec.Schedule, null, out var problem) is null)
            errors.Add(InvalidValue("spec.schedule", Quote(spec.Schedule), problem!));
        if (spec.StartingDeadlineSeconds is { } deadline && deadline < 0)
            errors.Add(InvalidValue("spec.startingDeadlineSeconds", deadline.ToString(CultureInfo.InvariantCulture), "must be greater than or equal to 0"));
        if (TimeZoneProblem(spec.TimeZone) is { } zoneProblem)
            errors.Add(InvalidValue("spec.timeZone", Quote(spec.TimeZone!), zoneProblem));
        if (spec.ConcurrencyPolicy is { } policy && !ConcurrencyPolicies.Contains(policy))
            errors.Add(NotSupported("spec.concurrencyPolicy", policy, ConcurrencyPolicies));
        JobTemplate(spec.JobTemplate, "spec.jobTemplate", errors);
        NonNegative(spec.SuccessfulJobsHistoryLimit, "spec.successfulJobsHistoryLimit", errors);
        NonNegative(spec.FailedJobsHistoryLimit, "spec.failedJobsHistoryLimit", errors);
    }

    /// <summary>Kubernetes' ValidateJobTemplateSpec: a Job's spec, whose selector each Job gets generated.</summary>
    private static void JobTemplate(JobTemplateSpec template, string path, List<FieldCause> errors)
    {
        if (template.Metadata is { } meta) Metadata(meta, $"{path}.metadata", errors);
        JobStrategy.ValidateSpec(template.Spec, $"{path}.spec", errors, selectorGenerated: true);
        if (template.Spec.Selector is { } selector)
            errors.Add(InvalidValue($"{path}.spec.selector", SelectorText(selector), "`selector` will be auto-generated"));
        if (template.Spec.ManualSelector == true)
            errors.Add(new FieldCause($"{path}.spec.manualSelector", "FieldValueNotSupported", "Unsupported value: true: supported values: \"nil\", \"false\""));
    }

    /// <summary>A selector as kubectl prints it; one that does not even parse is refused all the same, without its text.</summary>
    private static string SelectorText(LabelSelector selector)
    {
        try { return Selector(selector); }
        catch (FormatException) { return "{}"; }
    }

    /// <summary>A name part of an IANA time zone as Kubernetes accepts it (its validateTimeZone).</summary>
    [GeneratedRegex(@"^[A-Za-z\.\-_0-9+]{1,14}$")]
    private static partial Regex TimeZonePart();

    /// <summary>What is wrong with a CronJob's <c>timeZone</c>, in Kubernetes' words, or null.</summary>
    internal static string? TimeZoneProblem(string? timeZone)
    {
        if (timeZone is null) return null;
        if (timeZone.Length == 0) return "timeZone must be nil or non-empty string";
        if (timeZone.Split('/').Any(part => part is "." or ".." || part.StartsWith('-') || !TimeZonePart().IsMatch(part)))
            return $"unknown time zone {timeZone}";
        if (string.Equals(timeZone, "Local", StringComparison.OrdinalIgnoreCase))
            return "timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones";
        return TimeZoneInfo.TryFindSystemTimeZoneById(timeZone, out _) ? null : $"unknown time zone {timeZone}";
    }
}
