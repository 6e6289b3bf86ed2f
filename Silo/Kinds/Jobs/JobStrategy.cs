using System.Globalization;
using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Contracts.Presentation;
using OrleansOrchestrator.Contracts.Store;
using OrleansOrchestrator.Silo.Api.Admission;
using OrleansOrchestrator.Silo.Store;
using static OrleansOrchestrator.Silo.Api.Admission.Validation;
using static OrleansOrchestrator.Silo.Api.Tables.TableColumns;

namespace OrleansOrchestrator.Silo.Kinds.Jobs;

/// <summary>
/// <c>batch/v1</c> Job: runs pods until enough of them succeed. Stored, defaulted, validated and printed as
/// Kubernetes does; run by <see cref="Controllers.Jobs.JobControllerGrain"/>.
/// </summary>
public static class JobStrategy
{
    /// <summary>The labels Kubernetes puts on a job's pods when it generates the job's selector.</summary>
    public const string ControllerUidLabel = "batch.kubernetes.io/controller-uid";
    public const string JobNameLabel = "batch.kubernetes.io/job-name";
    public const string LegacyControllerUidLabel = "controller-uid";
    public const string LegacyJobNameLabel = "job-name";

    private static readonly string[] RestartPolicies = ["OnFailure", "Never"];
    private static readonly string[] CompletionModes = ["NonIndexed", "Indexed"];
    private static readonly string[] FailureActions = ["FailJob", "FailIndex", "Ignore", "Count"];
    private static readonly string[] ExitCodeOperators = ["In", "NotIn"];

    public static readonly KindStrategy<Job> Strategy = new()
    {
        Identity = ResourceKinds.Job,
        Defaults = Defaulted,
        Validation = Validate,
        UpdateRule = ImmutableFields,
        Table =
        [
            Name,
            Col<Job>("Status", (j, _) => JobStatusText.Of(j), description: "Status of the job."),
            Col<Job>("Completions", (j, _) => JobStatusText.Completions(j), description: "The desired number of successfully finished pods the job should be run with."),
            Col<Job>("Duration", (j, now) => JobStatusText.Duration(j, now), description: "Time required to complete the job."),
            Age,
            Col<Job>("Containers", (j, _) => Containers(j.Spec.Template.Spec), 1, description: "Names of each container in the template."),
            Col<Job>("Images", (j, _) => Images(j.Spec.Template.Spec), 1, description: "Images referenced by each container in the template."),
            Col<Job>("Selector", (j, _) => Selector(j.Spec.Selector), 1, description: "Selector for pods."),
        ],
        Fields = new Dictionary<string, Func<Job, string>>
        {
            ["status.successful"] = j => (j.Status?.Succeeded ?? 0).ToString(CultureInfo.InvariantCulture),
        },
        Spec = new(j => j.Spec),
        Status = new((target, source) => target with { Status = source.Status }, j => j with { Status = null }),
        OnCreate = WithGeneratedSelector,
        Scale = null,
        Owned = [ResourceKinds.Pod],
        ControlLoop = typeof(Controllers.IJobController),
        PodTemplate = j => j.Spec.Template.Spec,
    };

    /// <summary>Kubernetes' SetDefaults_Job, for the fields we model.</summary>
    private static Job Defaulted(Job job)
    {
        var spec = job.Spec;
        var unset = spec.Completions is null && spec.Parallelism is null;
        var templateLabels = spec.Template.Metadata?.Labels;
        return job with
        {
            Metadata = templateLabels is not null && job.Metadata.Labels is not { Count: > 0 }
                ? job.Metadata with { Labels = templateLabels }
                : job.Metadata,
            Spec = spec with
            {
                Completions = unset ? 1 : spec.Completions,
                Parallelism = spec.Parallelism ?? 1,
                BackoffLimit = spec.BackoffLimit ?? 6,
                CompletionMode = spec.CompletionMode ?? "NonIndexed",
                Suspend = spec.Suspend ?? false,
                PodReplacementPolicy = spec.PodReplacementPolicy ?? (spec.PodFailurePolicy is null ? "TerminatingOrFailed" : "Failed"),
                PodFailurePolicy = spec.PodFailurePolicy is { } policy
                    ? policy with
                    {
                        Rules = policy.Rules.Select(r => r with
                        {
                            OnPodConditions = r.OnPodConditions?.Select(c => c with { Status = c.Status ?? "True" }).ToList(),
                        }).ToList(),
                    }
                    : null,
                Template = Defaults.Template(spec.Template),
            },
        };
    }

    /// <summary>
    /// Unless the job asks to choose its own selector (<c>manualSelector: true</c>), its pods are labelled with the
    /// job's uid and name and selected by the uid, as Kubernetes does: no other controller's pods can match.
    /// </summary>
    private static Job WithGeneratedSelector(Job job)
    {
        if (job.Spec.ManualSelector == true) return job;
        var uid = job.Metadata.Uid ?? throw new InvalidOperationException("a job's selector is generated from its uid, which is not set");
        var name = job.Metadata.Name ?? "";
        var labels = new Dictionary<string, string>(job.Spec.Template.Metadata?.Labels ?? new Dictionary<string, string>());
        // A label the user set is left alone; if it conflicts, validation says so.
        labels.TryAdd(LegacyJobNameLabel, name);
        labels.TryAdd(JobNameLabel, name);
        labels.TryAdd(LegacyControllerUidLabel, uid);
        labels.TryAdd(ControllerUidLabel, uid);
        var matchLabels = new Dictionary<string, string>(job.Spec.Selector?.MatchLabels ?? new Dictionary<string, string>());
        matchLabels.TryAdd(ControllerUidLabel, uid);
        var template = job.Spec.Template with { Metadata = (job.Spec.Template.Metadata ?? new ObjectMeta()) with { Labels = labels } };
        return job with
        {
            // What Kubernetes' defaulting does when it next reads a job whose labels are empty.
            Metadata = job.Metadata.Labels is { Count: > 0 } ? job.Metadata : job.Metadata with { Labels = labels },
            Spec = job.Spec with
            {
                Template = template,
                Selector = (job.Spec.Selector ?? new LabelSelector()) with { MatchLabels = matchLabels },
            },
        };
    }

    private static void Validate(Job job, List<FieldCause> errors)
    {
        ValidateSpec(job.Spec, "spec", errors, selectorGenerated: false);
        if (job.Spec.ManualSelector != true) GeneratedSelector(job, errors);
    }

    /// <summary>
    /// Kubernetes' validateJobSpec: the rules of a job's spec wherever it is written, at <paramref name="path"/> — a
    /// Job's <c>spec</c>, or a CronJob's <c>spec.jobTemplate.spec</c>, whose selector is generated for each Job
    /// (<paramref name="selectorGenerated"/>: its template is validated without one).
    /// </summary>
    internal static void ValidateSpec(JobSpec spec, string path, List<FieldCause> errors, bool selectorGenerated)
    {
        NonNegative(spec.Parallelism, $"{path}.parallelism", errors);
        NonNegative(spec.Completions, $"{path}.completions", errors);
        NonNegative(spec.BackoffLimit, $"{path}.backoffLimit", errors);
        NonNegative(spec.TtlSecondsAfterFinished, $"{path}.ttlSecondsAfterFinished", errors);
        if (spec.ActiveDeadlineSeconds is <= 0)
            errors.Add(InvalidValue($"{path}.activeDeadlineSeconds", spec.ActiveDeadlineSeconds.Value.ToString(CultureInfo.InvariantCulture), "must be greater than 0"));
        if (spec.CompletionMode is { } mode && !CompletionModes.Contains(mode))
            errors.Add(NotSupported($"{path}.completionMode", mode, CompletionModes));
        if (spec.CompletionMode == "Indexed" && spec.Completions is null)
            errors.Add(Required($"{path}.completions", "when completion mode is Indexed"));
        if (selectorGenerated) PodTemplate(spec.Template, $"{path}.template", errors, RestartPolicies);
        else Workload(spec.Selector, spec.Template, path, errors, RestartPolicies);
        if (spec.PodFailurePolicy is { } policy) PodFailurePolicy(policy, spec.Template.Spec, path, errors);
    }

    /// <summary>
    /// Kubernetes' ValidateGeneratedSelector: the generated labels are on the template, and the selector selects them.
    /// Checked where the uid is known (a create always has it); a replace without one is held to the stored
    /// selector and template by <see cref="ImmutableFields"/>.
    /// </summary>
    private static void GeneratedSelector(Job job, List<FieldCause> errors)
    {
        if (job.Spec.Template.Metadata?.Labels is not { } labels || job.Metadata.Uid is not { Length: > 0 } uid) return;
        var name = job.Metadata.Name ?? "";
        foreach (var (label, value) in new[] { (LegacyControllerUidLabel, uid), (LegacyJobNameLabel, name), (ControllerUidLabel, uid), (JobNameLabel, name) })
        {
            if (!labels.TryGetValue(label, out var actual))
                errors.Add(Required("spec.template.metadata.labels", $"`{label}` must be set"));
            else if (actual != value)
                errors.Add(InvalidValue($"spec.template.metadata.labels", Quote(actual), $"`{label}` must be {Quote(value)}"));
        }
        var expected = new Dictionary<string, string> { [ControllerUidLabel] = uid, [LegacyJobNameLabel] = name };
        IReadOnlyList<Contracts.Selection.LabelRequirement> requirements;
        try
        {
            requirements = Contracts.Selection.SelectorParser.FromLabelSelector(job.Spec.Selector);
        }
        catch (FormatException)
        {
            return; // a selector that does not parse is already named by Workload's check
        }
        if (!requirements.All(r => r.Matches(expected)))
            errors.Add(InvalidValue("spec.selector", Selector(job.Spec.Selector), "`selector` not auto-generated"));
    }

    private static void PodFailurePolicy(JobPodFailurePolicy policy, PodSpec template, string specPath, List<FieldCause> errors)
    {
        if (template.RestartPolicy != "Never")
            errors.Add(InvalidValue($"{specPath}.template.spec.restartPolicy", Quote(template.RestartPolicy ?? ""), "only \"Never\" is supported when podFailurePolicy is specified"));
        for (var i = 0; i < policy.Rules.Count; i++)
        {
            var rule = policy.Rules[i];
            var path = $"{specPath}.podFailurePolicy.rules[{i}]";
            if (!FailureActions.Contains(rule.Action))
                errors.Add(NotSupported($"{path}.action", rule.Action, FailureActions));
            if ((rule.OnExitCodes is null) == (rule.OnPodConditions is null))
                errors.Add(InvalidValue(path, "", "specifying one of OnExitCodes and OnPodConditions is required"));
            if (rule.OnExitCodes is { } codes)
            {
                if (!ExitCodeOperators.Contains(codes.Operator))
                    errors.Add(NotSupported($"{path}.onExitCodes.operator", codes.Operator, ExitCodeOperators));
                if (codes.Values.Count == 0)
                    errors.Add(InvalidValue($"{path}.onExitCodes.values", "[]int32{}", "at least one value is required"));
                else if (codes.Operator == "In" && codes.Values.Contains(0))
                    errors.Add(InvalidValue($"{path}.onExitCodes.values[{codes.Values.ToList().IndexOf(0)}]", "0", "must not be 0 for the In operator"));
            }
            for (var c = 0; c < (rule.OnPodConditions?.Count ?? 0); c++)
                if (rule.OnPodConditions![c].Status is { } status && status is not ("True" or "False" or "Unknown"))
                    errors.Add(NotSupported($"{path}.onPodConditions[{c}].status", status, ["True", "False", "Unknown"]));
        }
    }

    /// <summary>What Kubernetes never lets change once a job exists: its selector, pod template and completion mode.</summary>
    private static FieldCause? ImmutableFields(Job before, Job after)
    {
        if (!ObjectSemantics.SameJson(before.Spec.Selector, after.Spec.Selector))
            return InvalidValue("spec.selector", Selector(after.Spec.Selector), "field is immutable");
        if (!ObjectSemantics.SameJson(before.Spec.Template, after.Spec.Template))
            return InvalidValue("spec.template", "core.PodTemplateSpec{...}", "field is immutable");
        if (before.Spec.CompletionMode != after.Spec.CompletionMode)
            return InvalidValue("spec.completionMode", Quote(after.Spec.CompletionMode ?? ""), "field is immutable");
        if (before.Spec.Completions != after.Spec.Completions)
            return InvalidValue("spec.completions", after.Spec.Completions?.ToString(CultureInfo.InvariantCulture) ?? "null", "field is immutable");
        return null;
    }
}
