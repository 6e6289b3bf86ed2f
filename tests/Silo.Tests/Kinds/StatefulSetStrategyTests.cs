using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Contracts.Store;
using OrleansOrchestrator.Silo.Api.Admission;

namespace OrleansOrchestrator.Silo.Tests.Kinds;

public class StatefulSetStrategyTests
{
    private static IReadOnlyList<FieldCause> Causes(StatefulSet sts) => Validation.Validate(Defaults.Apply(sts), ResourceKinds.StatefulSet);

    [Fact]
    public void Validate_MountOfAVolumeClaimTemplate_Accepted()
    {
        // The StatefulSet of the Kubernetes documentation: its container mounts "www", which only the claim template names.
        Assert.Empty(Causes(KindSamples.StatefulSet()));
    }

    [Fact]
    public void Validate_MountOfNeitherVolumeNorClaimTemplate_NotFound()
    {
        var sts = KindSamples.StatefulSet();
        sts = sts with { Spec = sts.Spec with { VolumeClaimTemplates = [new PersistentVolumeClaim { Metadata = new ObjectMeta { Name = "data" } }] } };

        var cause = Assert.Single(Causes(sts));

        Assert.Equal("spec.template.spec.containers[0].volumeMounts[0].name", cause.Field);
        Assert.Equal("Not found: \"www\"", cause.Message);
    }

    [Fact]
    public void Validate_PodWithTheSameMount_StillNotFound()
    {
        // Claim templates are a StatefulSet's: a bare pod mounting "www" without declaring it stays refused.
        var pod = Samples.Pod(spec: KindSamples.StatefulSet().Spec.Template.Spec);

        var cause = Assert.Single(Validation.Validate(Defaults.Apply(pod), ResourceKinds.Pod));

        Assert.Equal("spec.containers[0].volumeMounts[0].name", cause.Field);
    }

    private static StatefulSet WithSpec(Func<StatefulSetSpec, StatefulSetSpec> change)
    {
        var sts = KindSamples.StatefulSet();
        return sts with { Spec = change(sts.Spec) };
    }

    [Fact]
    public void Defaults_AsKubernetes_RollingUpdateWithPartitionZero_OrderedReady_ClaimsRetained()
    {
        var sts = (StatefulSet)Defaults.Apply(WithSpec(s => s with
        {
            UpdateStrategy = new StatefulSetUpdateStrategy { Type = "RollingUpdate" },
            PersistentVolumeClaimRetentionPolicy = new StatefulSetPersistentVolumeClaimRetentionPolicy { WhenScaled = "Delete" },
        }));

        Assert.Equal(0, sts.Spec.UpdateStrategy!.RollingUpdate!.Partition);
        Assert.Null(sts.Spec.UpdateStrategy.RollingUpdate.MaxUnavailable);
        Assert.Equal("OrderedReady", sts.Spec.PodManagementPolicy);
        Assert.Equal(10, sts.Spec.RevisionHistoryLimit);
        Assert.Equal(("Retain", "Delete"), (sts.Spec.PersistentVolumeClaimRetentionPolicy!.WhenDeleted, sts.Spec.PersistentVolumeClaimRetentionPolicy.WhenScaled));
    }

    [Fact]
    public void Defaults_OnDelete_GetsNoRollingUpdate()
    {
        var sts = (StatefulSet)Defaults.Apply(WithSpec(s => s with { UpdateStrategy = new StatefulSetUpdateStrategy { Type = "OnDelete" } }));

        Assert.Null(sts.Spec.UpdateStrategy!.RollingUpdate);
        Assert.Empty(Causes(sts));
    }

    [Theory]
    [InlineData("podManagementPolicy", "spec.podManagementPolicy", "Invalid value: \"Sometimes\": must be 'OrderedReady' or 'Parallel'")]
    [InlineData("updateStrategy", "spec.updateStrategy", "Invalid value: \"Sometimes\": must be 'RollingUpdate' or 'OnDelete'")]
    [InlineData("onDeleteRolling", "spec.updateStrategy.rollingUpdate", "Invalid value: {}: only allowed for updateStrategy 'RollingUpdate'")]
    [InlineData("partition", "spec.updateStrategy.rollingUpdate.partition", "Invalid value: -1: must be greater than or equal to 0")]
    [InlineData("maxUnavailable", "spec.updateStrategy.rollingUpdate.maxUnavailable", "Invalid value: 0: must be greater than 0")]
    [InlineData("maxUnavailablePercent", "spec.updateStrategy.rollingUpdate.maxUnavailable", "Invalid value: \"150%\": must not be greater than 100%")]
    [InlineData("whenDeleted", "spec.persistentVolumeClaimRetentionPolicy.whenDeleted", "Unsupported value: \"Keep\": supported values: \"Retain\", \"Delete\"")]
    [InlineData("ordinals", "spec.ordinals.start", "Invalid value: -2: must be greater than or equal to 0")]
    [InlineData("minReadySeconds", "spec.minReadySeconds", "Invalid value: -1: must be greater than or equal to 0")]
    public void Validate_BadPolicy_RefusedAsKubernetes(string what, string field, string message)
    {
        var sts = WithSpec(s => what switch
        {
            "podManagementPolicy" => s with { PodManagementPolicy = "Sometimes" },
            "updateStrategy" => s with { UpdateStrategy = new StatefulSetUpdateStrategy { Type = "Sometimes" } },
            "onDeleteRolling" => s with { UpdateStrategy = new StatefulSetUpdateStrategy { Type = "OnDelete", RollingUpdate = new RollingUpdateStatefulSetStrategy() } },
            "partition" => s with { UpdateStrategy = new StatefulSetUpdateStrategy { Type = "RollingUpdate", RollingUpdate = new RollingUpdateStatefulSetStrategy { Partition = -1 } } },
            "maxUnavailable" => s with { UpdateStrategy = new StatefulSetUpdateStrategy { Type = "RollingUpdate", RollingUpdate = new RollingUpdateStatefulSetStrategy { MaxUnavailable = 0 } } },
            "maxUnavailablePercent" => s with { UpdateStrategy = new StatefulSetUpdateStrategy { Type = "RollingUpdate", RollingUpdate = new RollingUpdateStatefulSetStrategy { MaxUnavailable = "150%" } } },
            "whenDeleted" => s with { PersistentVolumeClaimRetentionPolicy = new StatefulSetPersistentVolumeClaimRetentionPolicy { WhenDeleted = "Keep" } },
            "ordinals" => s with { Ordinals = new StatefulSetOrdinals { Start = -2 } },
            _ => s with { MinReadySeconds = -1 },
        });

        var cause = Assert.Single(Causes(sts));

        Assert.Equal((field, message), (cause.Field, cause.Message));
    }

    [Fact]
    public void UpdateRule_MutableFieldsMayChange_OthersAreForbidden()
    {
        var strategy = Silo.Kinds.KindRegistry.For(ResourceKinds.StatefulSet);
        var before = (StatefulSet)Defaults.Apply(KindSamples.StatefulSet());
        var scaled = before with { Spec = before.Spec with { Replicas = 7, MinReadySeconds = 5, RevisionHistoryLimit = 2, Template = before.Spec.Template with { Metadata = new ObjectMeta { Labels = Tests.Samples.Labels(("app", "nginx"), ("v", "2")) } } } };
        var renamed = before with { Spec = before.Spec with { ServiceName = "other" } };

        Assert.Null(strategy.ForbiddenChange(before, scaled));
        var cause = strategy.ForbiddenChange(before, renamed);
        Assert.Equal("spec", cause?.Field);
        Assert.Equal("Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden", cause?.Message);
    }
}
