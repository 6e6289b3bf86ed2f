using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Contracts.Store;

namespace OrleansOrchestrator.Contracts.Tests.Store;

public class StoreKeysTests
{
    [Fact]
    public void Object_NamespacedKind_TenantResourceNamespaceName()
    {
        Assert.Equal("acme/pods/default/web-1", StoreKeys.Object("acme", ResourceKinds.Pod, "default", "web-1"));
        Assert.Equal("acme/deployments.apps/prod/web", StoreKeys.Object("acme", ResourceKinds.Deployment, "prod", "web"));
    }

    [Fact]
    public void Object_ClusterScopedKind_EmptyNamespacePartEvenWhenOneIsGiven()
    {
        Assert.Equal("system/nodes//n1", StoreKeys.Object("system", ResourceKinds.Node, "default", "n1"));
        Assert.Equal("acme/namespaces//prod", StoreKeys.Object("acme", ResourceKinds.Namespace, null, "prod"));
    }

    [Fact]
    public void Collection_NamespacedAndClusterScoped_TenantResourceNamespace()
    {
        Assert.Equal("acme/configmaps/default", StoreKeys.Collection("acme", ResourceKinds.ConfigMap, "default"));
        Assert.Equal("acme/namespaces/", StoreKeys.Collection("acme", ResourceKinds.Namespace, "ignored"));
    }

    [Fact]
    public void Object_SameObjectInTwoTenants_DifferentKeys()
    {
        Assert.NotEqual(
            StoreKeys.Object("acme", ResourceKinds.Pod, "default", "web"),
            StoreKeys.Object("globex", ResourceKinds.Pod, "default", "web"));
        Assert.NotEqual(
            StoreKeys.Collection("acme", ResourceKinds.Pod, "default"),
            StoreKeys.Collection("globex", ResourceKinds.Pod, "default"));
    }

    [Fact]
    public void Object_KeyOfAnObject_StartsWithItsCollectionPrefix()
    {
        var collection = StoreKeys.Collection("acme", ResourceKinds.Pod, "default");

        Assert.StartsWith(StoreKeys.CollectionPrefix(collection), StoreKeys.Object("acme", ResourceKinds.Pod, "default", "web"), StringComparison.Ordinal);
        Assert.DoesNotContain(StoreKeys.CollectionPrefix(collection), StoreKeys.Object("acme", ResourceKinds.Pod, "default-2", "web"), StringComparison.Ordinal);
    }

    [Fact]
    public void ParseObject_EveryKind_RoundTrips()
    {
        foreach (var kind in ResourceKinds.All)
        {
            var ns = kind.Namespaced ? "team-a" : "";

            var (tenant, parsedKind, parsedNs, name) = StoreKeys.ParseObject(StoreKeys.Object("acme", kind, ns, "obj.v1"));

            Assert.Equal(("acme", kind, ns, "obj.v1"), (tenant, parsedKind, parsedNs, name));
        }
    }

    [Fact]
    public void ParseCollection_EveryKind_RoundTrips()
    {
        foreach (var kind in ResourceKinds.All)
        {
            var ns = kind.Namespaced ? "team-a" : "";

            var (tenant, parsedKind, parsedNs) = StoreKeys.ParseCollection(StoreKeys.Collection("acme", kind, ns));

            Assert.Equal(("acme", kind, ns), (tenant, parsedKind, parsedNs));
        }
    }

    [Theory]
    [InlineData("acme/pods/default")]
    [InlineData("acme/pods/default/web/extra")]
    [InlineData("acme")]
    [InlineData("acme/widgets/default/web")]
    [InlineData("acme/deployments/default/web")]
    public void ParseObject_NotAnObjectKey_ArgumentException(string key)
    {
        Assert.Throws<ArgumentException>(() => StoreKeys.ParseObject(key));
    }

    [Theory]
    [InlineData("acme/pods/default/web")]
    [InlineData("acme/pods")]
    [InlineData("acme/widgets/default")]
    public void ParseCollection_NotACollectionKey_ArgumentException(string key)
    {
        Assert.Throws<ArgumentException>(() => StoreKeys.ParseCollection(key));
    }
}
