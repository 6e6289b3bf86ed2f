using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Contracts.Store;
using OrleansOrchestrator.Silo.Api.Admission;
using OrleansOrchestrator.Silo.Kinds;
using OrleansOrchestrator.Silo.Kinds.Jobs;
using OrleansOrchestrator.Silo.Store;

namespace OrleansOrchestrator.Silo.Tests.Kinds;

public class JobStrategyTests
{
    private const string Uid = "0f6c6d1e-7a51-4c39-9d0b-2b3c6f0e8a11";
    private static readonly DateTimeOffset Now = new(2026, 12, 2, 8, 0, 0, TimeSpan.Zero);

    private static Job Created(Job? job = null)
    {
        var strategy = KindRegistry.For(ResourceKinds.Job);
        var defaulted = strategy.Default(job ?? KindSamples.Job());
        return (Job)strategy.PrepareForCreate(defaulted with { Metadata = defaulted.Metadata with { Uid = Uid } });
    }

    private static IReadOnlyList<FieldCause> Causes(Job job) => Validation.Validate(job, ResourceKinds.Job);

    private static Job WithTemplateSpec(Job job, Func<PodSpec, PodSpec> change) =>
        job with { Spec = job.Spec with { Template = job.Spec.Template with { Spec = change(job.Spec.Template.Spec) } } };

    private static Dictionary<string, object?> Row(Job job) =>
        KindRegistry.For(ResourceKinds.Job).Columns.ToDictionary(c => c.Name, c => c.Cell(job, Now));

    [Fact]
    public void Defaults_DocumentationJob_AsKubernetesFillsThem()
    {
        var spec = ((Job)Defaults.Apply(KindSamples.Job())).Spec;

        Assert.Equal((1, 1, 4, "NonIndexed", false, "TerminatingOrFailed"),
            (spec.Completions, spec.Parallelism, spec.BackoffLimit, spec.CompletionMode, spec.Suspend, spec.PodReplacementPolicy));
        Assert.Equal("Never", spec.Template.Spec.RestartPolicy);
        Assert.Equal("IfNotPresent", spec.Template.Spec.Containers[0].ImagePullPolicy);
    }

    [Fact]
    public void Defaults_ParallelismWithoutCompletions_CompletionsLeftUnset()
    {
        // A work-queue job: pods run until one succeeds; only a job with neither gets one completion.
        var job = KindSamples.Job();
        job = job with { Spec = job.Spec with { Parallelism = 3 } };

        var spec = ((Job)Defaults.Apply(job)).Spec;

        Assert.Null(spec.Completions);
    }

    [Fact]
    public void Defaults_PodFailurePolicy_ConditionStatusTrueAndReplacementOnFailure()
    {
        var job = KindSamples.Job();
        job = job with { Spec = job.Spec with { PodFailurePolicy = new JobPodFailurePolicy { Rules = [new JobPodFailurePolicyRule { Action = "Ignore", OnPodConditions = [new JobPodFailurePolicyOnPodCondition { Type = "DisruptionTarget" }] }] } } };

        var spec = ((Job)Defaults.Apply(job)).Spec;

        Assert.Equal("True", spec.PodFailurePolicy!.Rules[0].OnPodConditions![0].Status);
        Assert.Equal("Failed", spec.PodReplacementPolicy);
    }

    [Fact]
    public void PrepareForCreate_NoManualSelector_SelectorAndPodLabelsFromUidAndName()
    {
        var job = Created();

        Assert.Equal(new Dictionary<string, string> { [JobStrategy.ControllerUidLabel] = Uid }, job.Spec.Selector!.MatchLabels);
        Assert.Equal(new Dictionary<string, string>
        {
            ["controller-uid"] = Uid,
            ["job-name"] = "pi",
            ["batch.kubernetes.io/controller-uid"] = Uid,
            ["batch.kubernetes.io/job-name"] = "pi",
        }, job.Spec.Template.Metadata!.Labels);
        Assert.Equal(job.Spec.Template.Metadata.Labels, job.Metadata.Labels);
        Assert.Empty(Causes(job));
    }

    [Fact]
    public void PrepareForCreate_JobWithOwnLabels_KeptOnJobAndAddedToPods()
    {
        var sample = KindSamples.Job();
        sample = sample with
        {
            Metadata = sample.Metadata with { Labels = Samples.Labels(("team", "data")) },
            Spec = sample.Spec with { Template = sample.Spec.Template with { Metadata = new ObjectMeta { Labels = Samples.Labels(("app", "pi")) } } },
        };

        var job = Created(sample);

        Assert.Equal(Samples.Labels(("team", "data")), job.Metadata.Labels);
        Assert.Equal("pi", job.Spec.Template.Metadata!.Labels!["app"]);
        Assert.Equal(Uid, job.Spec.Template.Metadata.Labels[JobStrategy.ControllerUidLabel]);
    }

    [Fact]
    public void PrepareForCreate_ManualSelector_NothingGenerated()
    {
        var sample = KindSamples.Job();
        sample = sample with
        {
            Spec = sample.Spec with
            {
                ManualSelector = true,
                Selector = new LabelSelector { MatchLabels = Samples.Labels(("app", "pi")) },
                Template = sample.Spec.Template with { Metadata = new ObjectMeta { Labels = Samples.Labels(("app", "pi")) } },
            },
        };

        var job = Created(sample);

        Assert.Equal(Samples.Labels(("app", "pi")), job.Spec.Selector!.MatchLabels);
        Assert.Equal(Samples.Labels(("app", "pi")), job.Spec.Template.Metadata!.Labels);
        Assert.Empty(Causes(job));
    }

    [Fact]
    public void Validate_ReplaceWithoutUid_GeneratedSelectorAccepted()
    {
        // kubectl replace may send the job without its uid; its selector and labels are still the stored ones.
        var job = Created();

        Assert.Empty(Causes(job with { Metadata = job.Metadata with { Uid = null } }));
    }

    [Fact]
    public void Validate_SelectorExpressionWithAnUnknownOperator_NamedAsInvalidNotThrown()
    {
        // Found by bench fuzz: the generated-selector check parsed the selector again and threw (a 500).
        var sample = KindSamples.Job();
        var broken = new LabelSelector { MatchExpressions = [new LabelSelectorRequirement { Key = "k", Operator = "x1", Values = ["v"] }] };

        var causes = Causes(Created(sample with { Spec = sample.Spec with { Selector = broken } }));

        Assert.Contains(causes, c => c.Field == "spec.selector" && c.Message.Contains("x1", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_ManualSelectorWithoutSelector_SelectorRequired()
    {
        var sample = KindSamples.Job();

        var cause = Assert.Single(Causes(Created(sample with { Spec = sample.Spec with { ManualSelector = true } })));

        Assert.Equal(("spec.selector", "FieldValueRequired"), (cause.Field, cause.Reason));
    }

    [Theory]
    [InlineData(null, "Always")]
    [InlineData("Always", "Always")]
    public void Validate_RestartPolicyAlways_NotSupported(string? policy, string shown)
    {
        // A job's pods must end: Kubernetes defaults an unset policy to Always and then refuses it.
        var job = Created(WithTemplateSpec(KindSamples.Job(), s => s with { RestartPolicy = policy }));

        var cause = Assert.Single(Causes(job));

        Assert.Equal("spec.template.spec.restartPolicy", cause.Field);
        Assert.Equal($"Unsupported value: \"{shown}\": supported values: \"OnFailure\", \"Never\"", cause.Message);
    }

    [Fact]
    public void Validate_RestartPolicyOnFailure_Accepted()
    {
        Assert.Empty(Causes(Created(WithTemplateSpec(KindSamples.Job(), s => s with { RestartPolicy = "OnFailure" }))));
    }

    [Fact]
    public void Validate_NegativeCountsAndZeroDeadline_EachNamed()
    {
        var sample = KindSamples.Job();
        var job = Created(sample with { Spec = sample.Spec with { Parallelism = -1, Completions = -2, BackoffLimit = -3, ActiveDeadlineSeconds = 0, TtlSecondsAfterFinished = -4 } });

        Assert.Equal(
            ["spec.activeDeadlineSeconds", "spec.backoffLimit", "spec.completions", "spec.parallelism", "spec.ttlSecondsAfterFinished"],
            Causes(job).Select(c => c.Field).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Validate_IndexedWithoutCompletions_CompletionsRequired()
    {
        var sample = KindSamples.Job();
        var job = Created(sample with { Spec = sample.Spec with { CompletionMode = "Indexed", Parallelism = 2 } });

        var cause = Assert.Single(Causes(job));

        Assert.Equal(("spec.completions", "Required value: when completion mode is Indexed"), (cause.Field, cause.Message));
    }

    [Fact]
    public void Validate_UnknownCompletionMode_NotSupported()
    {
        var sample = KindSamples.Job();

        var cause = Assert.Single(Causes(Created(sample with { Spec = sample.Spec with { CompletionMode = "Sometimes" } })));

        Assert.Equal("spec.completionMode", cause.Field);
    }

    [Fact]
    public void Validate_SelectorNotTheGeneratedOne_Refused()
    {
        // Without manualSelector a selector of one's own would let the job adopt others' pods.
        var sample = KindSamples.Job();
        var job = Created(sample with { Spec = sample.Spec with { Selector = new LabelSelector { MatchLabels = Samples.Labels(("app", "other")) } } });

        Assert.Contains(Causes(job), c => c.Field == "spec.selector" && c.Message.EndsWith("`selector` not auto-generated", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_PodFailurePolicyWithOnFailure_OnlyNeverSupported()
    {
        var sample = WithTemplateSpec(KindSamples.Job(), s => s with { RestartPolicy = "OnFailure" });
        var job = Created(sample with { Spec = sample.Spec with { PodFailurePolicy = new JobPodFailurePolicy { Rules = [new JobPodFailurePolicyRule { Action = "FailJob", OnExitCodes = new JobPodFailurePolicyOnExitCodes { Operator = "In", Values = [42] } }] } } });

        var cause = Assert.Single(Causes(job));

        Assert.Equal("spec.template.spec.restartPolicy", cause.Field);
    }

    [Fact]
    public void Validate_PodFailurePolicyRules_ActionOperatorAndValuesChecked()
    {
        var sample = KindSamples.Job();
        var job = Created(sample with
        {
            Spec = sample.Spec with
            {
                PodFailurePolicy = new JobPodFailurePolicy
                {
                    Rules =
                    [
                        new JobPodFailurePolicyRule { Action = "Retry", OnExitCodes = new JobPodFailurePolicyOnExitCodes { Operator = "In", Values = [0] } },
                        new JobPodFailurePolicyRule { Action = "Ignore" },
                        new JobPodFailurePolicyRule { Action = "Count", OnExitCodes = new JobPodFailurePolicyOnExitCodes { Operator = "Between", Values = [] } },
                    ],
                },
            },
        });

        Assert.Equal(
            [
                "spec.podFailurePolicy.rules[0].action",
                "spec.podFailurePolicy.rules[0].onExitCodes.values[0]",
                "spec.podFailurePolicy.rules[1]",
                "spec.podFailurePolicy.rules[2].onExitCodes.operator",
                "spec.podFailurePolicy.rules[2].onExitCodes.values",
            ],
            Causes(job).Select(c => c.Field));
    }

    [Fact]
    public void Update_TemplateChanged_FieldIsImmutable()
    {
        var stored = Created();
        var changed = WithTemplateSpec(stored, s => s with { Containers = [s.Containers[0] with { Image = "perl:5.36" }] });

        var cause = ObjectSemantics.ForbiddenChange(stored, changed);

        Assert.Equal(("spec.template", "FieldValueInvalid"), (cause?.Field, cause?.Reason));
    }

    [Fact]
    public void Update_ParallelismAndSuspend_Allowed()
    {
        var stored = Created();

        Assert.Null(ObjectSemantics.ForbiddenChange(stored, stored with { Spec = stored.Spec with { Parallelism = 5, Suspend = true } }));
    }

    [Fact]
    public void Table_NewJob_RunningNoCompletionsNoDuration()
    {
        var row = Row(Created() with { Metadata = Created().Metadata with { CreationTimestamp = Now.AddMinutes(-2) } });

        Assert.Equal(("pi", "Running", "0/1", "", "2m"), (row["Name"], row["Status"], row["Completions"], row["Duration"], row["Age"]));
        Assert.Equal(("pi", "perl:5.34.0", $"batch.kubernetes.io/controller-uid={Uid}"), (row["Containers"], row["Images"], row["Selector"]));
    }

    [Fact]
    public void Table_CompletedJob_CompleteWithItsDuration()
    {
        var job = Created() with
        {
            Status = new JobStatus
            {
                Succeeded = 1,
                StartTime = Now.AddSeconds(-90),
                CompletionTime = Now.AddSeconds(-50),
                Conditions = [new Condition { Type = "Complete", Status = "True" }],
            },
        };

        var row = Row(job);

        Assert.Equal(("Complete", "1/1", "40s"), (row["Status"], row["Completions"], row["Duration"]));
    }

    [Fact]
    public void Table_WorkQueueJobStillRunning_SucceededOfOneOfParallelismAndTimeSoFar()
    {
        var sample = KindSamples.Job();
        var job = Created(sample with { Spec = sample.Spec with { Parallelism = 3 } }) with
        {
            Status = new JobStatus { StartTime = Now.AddMinutes(-5), Conditions = [new Condition { Type = "Complete", Status = "False" }] },
        };

        var row = Row(job);

        Assert.Equal(("Running", "0/1 of 3", "5m"), (row["Status"], row["Completions"], row["Duration"]));
    }

    [Fact]
    public void Table_ColumnsAsKubectlPrintsThem_FiveThenThreeWide()
    {
        var columns = KindRegistry.For(ResourceKinds.Job).Columns;

        Assert.Equal(["Name", "Status", "Completions", "Duration", "Age"], columns.Where(c => c.Priority == 0).Select(c => c.Name));
        Assert.Equal(["Containers", "Images", "Selector"], columns.Where(c => c.Priority == 1).Select(c => c.Name));
    }

    [Fact]
    public void SelectableFields_StatusSuccessful_CountAsText()
    {
        Assert.True(KindRegistry.IsSelectable(ResourceKinds.Job, "status.successful"));
        Assert.Equal("2", KindRegistry.FieldValue(Created() with { Status = new JobStatus { Succeeded = 2 } }, "status.successful"));
        Assert.Equal("0", KindRegistry.FieldValue(Created(), "status.successful"));
    }
}
