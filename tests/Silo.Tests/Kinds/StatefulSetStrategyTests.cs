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
}
