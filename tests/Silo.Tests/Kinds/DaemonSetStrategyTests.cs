using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Contracts.Store;
using OrleansOrchestrator.Silo.Api.Admission;
using OrleansOrchestrator.Silo.Kinds;
using OrleansOrchestrator.Silo.Store;

namespace OrleansOrchestrator.Silo.Tests.Kinds;

/// <summary>Kubernetes' SetDefaults_DaemonSet and ValidateDaemonSet (pkg/apis/apps/validation) cases, and kubectl's columns.</summary>
public class DaemonSetStrategyTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 2, 8, 0, 0, TimeSpan.Zero);

    private static DaemonSet Defaulted(DaemonSet? ds = null) => (DaemonSet)Defaults.Apply(ds ?? KindSamples.DaemonSet());

    private static IReadOnlyList<FieldCause> Causes(DaemonSet ds) => Validation.Validate(Defaulted(ds), ResourceKinds.DaemonSet);

    private static DaemonSet WithStrategy(DaemonSetUpdateStrategy strategy) =>
        KindSamples.DaemonSet() with { Spec = KindSamples.DaemonSet().Spec with { UpdateStrategy = strategy } };

    private static DaemonSet WithLimits(IntOrString? maxUnavailable, IntOrString? maxSurge) =>
        WithStrategy(new DaemonSetUpdateStrategy { Type = "RollingUpdate", RollingUpdate = new RollingUpdateDaemonSet { MaxUnavailable = maxUnavailable, MaxSurge = maxSurge } });

    private static DaemonSet WithTemplateSpec(Func<PodSpec, PodSpec> change)
    {
        var ds = KindSamples.DaemonSet();
        return ds with { Spec = ds.Spec with { Template = ds.Spec.Template with { Spec = change(ds.Spec.Template.Spec) } } };
    }

    [Fact]
    public void Defaults_RollingUpdateOfOneNodeWithoutSurge_TenRevisions()
    {
        var spec = Defaulted().Spec;

        Assert.Equal(("RollingUpdate", "1", "0", 10), (spec.UpdateStrategy!.Type, spec.UpdateStrategy.RollingUpdate!.MaxUnavailable.ToString(), spec.UpdateStrategy.RollingUpdate.MaxSurge.ToString(), spec.RevisionHistoryLimit));
        Assert.Equal(("Always", "ClusterFirst"), (spec.Template.Spec.RestartPolicy, spec.Template.Spec.DnsPolicy));
    }

    [Fact]
    public void Defaults_OnDelete_NoRollingUpdateLimits()
    {
        Assert.Null(Defaulted(WithStrategy(new DaemonSetUpdateStrategy { Type = "OnDelete" })).Spec.UpdateStrategy!.RollingUpdate);
    }

    [Fact]
    public void Defaults_OnlySurgeGiven_UnavailableStillDefaultsToOne_AndIsThenRefused()
    {
        // As in Kubernetes: maxUnavailable defaults to 1 whatever maxSurge says, so a surge needs maxUnavailable: 0.
        var cause = Assert.Single(Causes(WithLimits(null, 1)));

        Assert.Equal(("spec.updateStrategy.rollingUpdate.maxSurge", "Invalid value: 1: may not be set when maxUnavailable is non-zero"), (cause.Field, cause.Message));
    }

    [Fact]
    public void Validate_DocumentationDaemonSet_Accepted()
    {
        Assert.Empty(Causes(KindSamples.DaemonSet()));
        Assert.Empty(Causes(WithLimits(0, "25%")));
        Assert.Empty(Causes(WithLimits("100%", 0)));
    }

    [Fact]
    public void Validate_BothLimitsZero_MaxUnavailableRequired()
    {
        var cause = Assert.Single(Causes(WithLimits(0, "0%")));

        Assert.Equal(("spec.updateStrategy.rollingUpdate.maxUnavailable", "FieldValueRequired", "Required value: cannot be 0 when maxSurge is 0"), (cause.Field, cause.Reason, cause.Message));
    }

    [Fact]
    public void Validate_BadLimits_EachNamed()
    {
        Assert.Equal(
            ["spec.updateStrategy.rollingUpdate.maxUnavailable", "spec.updateStrategy.rollingUpdate.maxSurge", "spec.updateStrategy.rollingUpdate.maxSurge"],
            Causes(WithLimits(-1, "101%")).Select(c => c.Field));
        Assert.Contains(Causes(WithLimits("abc", 0)), c => c.Message.Contains("a valid percent string must be a numeric string followed by an ending '%'", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_UnknownStrategyType_NotSupported()
    {
        var cause = Assert.Single(Causes(WithStrategy(new DaemonSetUpdateStrategy { Type = "Recreate" })));

        Assert.Equal("spec.updateStrategy", cause.Field);
        Assert.EndsWith("supported values: \"RollingUpdate\", \"OnDelete\"", cause.Message);
    }

    [Fact]
    public void Validate_RestartPolicyNever_OnlyAlways()
    {
        var cause = Assert.Single(Causes(WithTemplateSpec(s => s with { RestartPolicy = "Never" })));

        Assert.Equal(("spec.template.spec.restartPolicy", "Unsupported value: \"Never\": supported values: \"Always\""), (cause.Field, cause.Message));
    }

    [Fact]
    public void Validate_ActiveDeadlineSeconds_Forbidden()
    {
        var cause = Assert.Single(Causes(WithTemplateSpec(s => s with { ActiveDeadlineSeconds = 30 })));

        Assert.Equal(("spec.template.spec.activeDeadlineSeconds", "Forbidden: activeDeadlineSeconds in DaemonSet is not Supported"), (cause.Field, cause.Message));
    }

    [Fact]
    public void Validate_SelectorNotMatchingTemplate_Refused()
    {
        var ds = KindSamples.DaemonSet();
        ds = ds with { Spec = ds.Spec with { Selector = new LabelSelector { MatchLabels = Samples.Labels(("name", "other")) } } };

        var cause = Assert.Single(Causes(ds));

        Assert.Equal("spec.template.metadata.labels", cause.Field);
        Assert.EndsWith("`selector` does not match template `labels`", cause.Message);
    }

    [Fact]
    public void Validate_NegativeCounts_Refused()
    {
        var ds = KindSamples.DaemonSet();
        ds = ds with { Spec = ds.Spec with { MinReadySeconds = -1, RevisionHistoryLimit = -1 } };

        Assert.Equal(["spec.minReadySeconds", "spec.revisionHistoryLimit"], Causes(ds).Select(c => c.Field));
    }

    [Fact]
    public void Update_Selector_FieldIsImmutable_TemplateAndStrategyMayChange()
    {
        var stored = Defaulted();
        var relabelled = stored with { Spec = stored.Spec with { Selector = new LabelSelector { MatchLabels = Samples.Labels(("name", "fluentd-elasticsearch"), ("tier", "logs")) } } };

        var cause = ObjectSemantics.ForbiddenChange(stored, relabelled);

        Assert.Equal(("spec.selector", "FieldValueInvalid"), (cause?.Field, cause?.Reason));
        Assert.EndsWith("field is immutable", cause!.Message);
        var newImage = stored with { Spec = stored.Spec with { Template = stored.Spec.Template with { Spec = stored.Spec.Template.Spec with { Containers = [stored.Spec.Template.Spec.Containers[0] with { Image = "fluentd:v3" }] } } } };
        Assert.Null(ObjectSemantics.ForbiddenChange(stored, newImage));
    }

    [Fact]
    public void Create_StatusStartsWithZeroCounts()
    {
        var created = (DaemonSet)KindRegistry.For(ResourceKinds.DaemonSet).PrepareForCreate(Defaulted() with { Status = new DaemonSetStatus { NumberReady = 5 } });

        Assert.Equal(new DaemonSetStatus(), created.Status);
    }

    [Fact]
    public void Table_ColumnsAsKubectlPrintsThem()
    {
        var columns = KindRegistry.For(ResourceKinds.DaemonSet).Columns;
        var ds = Defaulted(WithTemplateSpec(s => s with { NodeSelector = Samples.Labels(("zone", "b"), ("disk", "ssd")) })) with
        {
            Metadata = KindSamples.DaemonSet().Metadata with { CreationTimestamp = Now.AddMinutes(-3) },
            Status = new DaemonSetStatus { DesiredNumberScheduled = 3, CurrentNumberScheduled = 3, NumberReady = 2, UpdatedNumberScheduled = 1, NumberAvailable = 2 },
        };

        Assert.Equal(["Name", "Desired", "Current", "Ready", "Up-to-date", "Available", "Node Selector", "Age"], columns.Where(c => c.Priority == 0).Select(c => c.Name));
        Assert.Equal(["Containers", "Images", "Selector"], columns.Where(c => c.Priority == 1).Select(c => c.Name));
        Assert.Equal(
            new object?[] { "fluentd-elasticsearch", 3, 3, 2, 1, 2, "disk=ssd,zone=b", "3m", "fluentd-elasticsearch", "quay.io/fluentd_elasticsearch/fluentd:v2.5.2", "name=fluentd-elasticsearch" },
            columns.Select(c => c.Cell(ds, Now)));
        Assert.Equal("<none>", columns.Single(c => c.Name == "Node Selector").Cell(Defaulted(), Now));
    }
}
