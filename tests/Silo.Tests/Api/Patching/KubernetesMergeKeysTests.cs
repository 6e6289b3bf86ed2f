using OrleansOrchestrator.Silo.Api.Patching;

namespace OrleansOrchestrator.Silo.Tests.Api.Patching;

public class KubernetesMergeKeysTests
{
    [Theory]
    [InlineData("spec.containers", "name")]
    [InlineData("spec.template.spec.containers", "name")]
    [InlineData("spec.jobTemplate.spec.template.spec.initContainers", "name")]
    [InlineData("spec.ephemeralContainers", "name")]
    [InlineData("spec.template.spec.containers.ports", "containerPort")]
    [InlineData("spec.initContainers.ports", "containerPort")]
    [InlineData("spec.template.spec.containers.env", "name")]
    [InlineData("spec.containers.volumeMounts", "mountPath")]
    [InlineData("spec.template.spec.containers.volumeDevices", "devicePath")]
    [InlineData("spec.template.spec.volumes", "name")]
    [InlineData("spec.imagePullSecrets", "name")]
    [InlineData("spec.template.spec.hostAliases", "ip")]
    [InlineData("spec.template.spec.topologySpreadConstraints", "topologyKey")]
    [InlineData("spec.resourceClaims", "name")]
    [InlineData("spec.ports", "port")]
    [InlineData("metadata.ownerReferences", "uid")]
    [InlineData("spec.template.metadata.finalizers", IMergeKeys.PrimitiveMerge)]
    [InlineData("metadata.finalizers", IMergeKeys.PrimitiveMerge)]
    [InlineData("spec.podCIDRs", IMergeKeys.PrimitiveMerge)]
    [InlineData("status.conditions", "type")]
    [InlineData("status.addresses", "type")]
    [InlineData("status.podIPs", "ip")]
    [InlineData("spec.template.spec.tolerations", null)]
    [InlineData("spec.template.spec.containers.envFrom", null)]
    [InlineData("spec.template.spec.containers.args", null)]
    [InlineData("spec.selector.matchExpressions", null)]
    [InlineData("status.containerStatuses", null)]
    [InlineData("containers", null)]
    public void MergeStrategyFor_ListPath_IsTheKubernetesPatchMergeKey(string dottedPath, string? expected)
    {
        var strategy = KubernetesMergeKeys.Instance.MergeStrategyFor(dottedPath.Split('.'));

        Assert.Equal(expected, strategy);
    }
}
