using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Contracts.Store;
using OrleansOrchestrator.Silo.Kinds.ResourceQuotas;

namespace OrleansOrchestrator.Silo.Tests.Kinds;

/// <summary>
/// A quota's resource names: Kubernetes' rule (a qualified name; without a '/', a standard resource), and no name this
/// cluster would accept but never count — such a limit would show <c>used: 0</c> while nothing held it.
/// </summary>
public sealed class ResourceQuotaStrategyTests
{
    private static List<FieldCause> Validate(params string[] names)
    {
        var errors = new List<FieldCause>();
        ResourceQuotaStrategy.Validate(new ResourceQuotaSpec { Hard = names.ToDictionary(n => n, _ => "1") }, errors);
        return errors;
    }

    [Theory]
    [InlineData("pods")]
    [InlineData("cpu")]
    [InlineData("requests.memory")]
    [InlineData("limits.cpu")]
    [InlineData("requests.ephemeral-storage")]
    [InlineData("services.nodeports")]
    [InlineData("secrets")]
    [InlineData("count/secrets")]
    [InlineData("count/deployments.apps")]
    [InlineData("count/rolebindings.rbac.authorization.k8s.io")]
    [InlineData("requests.example.com/gpu")]
    [InlineData("hugepages-2Mi")]
    [InlineData("requests.hugepages-1Gi")]
    [InlineData("gold.storageclass.storage.k8s.io/requests.storage")]
    [InlineData("gold.storageclass.storage.k8s.io/persistentvolumeclaims")]
    public void NamesThisClusterCounts_AreAccepted(string name) => Assert.Empty(Validate(name));

    [Theory]
    [InlineData("requests.foo")]
    [InlineData("limits.hugepages-2Mi")]
    [InlineData("widgets")]
    public void NamesKubernetesRefuses_AreRefusedWithItsMessage(string name) =>
        Assert.Equal(new FieldCause($"spec.hard[{name}]", "FieldValueInvalid", $"Invalid value: \"{name}\": must be a standard resource for quota"), Assert.Single(Validate(name)));

    [Theory]
    [InlineData("count/events")]
    [InlineData("count/resourcequotas")]
    [InlineData("resourcequotas")]
    [InlineData("replicationcontrollers")]
    [InlineData("count/widgets.example.com")]
    [InlineData("count/nodes")]
    [InlineData("example.com/gpu")]
    [InlineData("gold.storageclass.storage.k8s.io/limits.storage")]
    public void NamesKubernetesAccepts_ButThisClusterDoesNotCount_AreRefusedNotIgnored(string name)
    {
        var cause = Assert.Single(Validate(name));
        Assert.Equal($"spec.hard[{name}]", cause.Field);
        Assert.StartsWith($"Invalid value: \"{name}\": is not counted by this cluster", cause.Message);
    }

    [Fact]
    public void ANameThatIsNotAQualifiedName_IsRefused() =>
        Assert.Contains("name part must consist of alphanumeric characters", Assert.Single(Validate("count/-bad-")).Message);
}
