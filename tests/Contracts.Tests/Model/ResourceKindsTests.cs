using OrleansOrchestrator.Contracts.Model;

namespace OrleansOrchestrator.Contracts.Tests.Model;

public class ResourceKindsTests
{
    [Theory]
    [InlineData("", "pods", "Pod")]
    [InlineData("", "namespaces", "Namespace")]
    [InlineData("", "nodes", "Node")]
    [InlineData("", "services", "Service")]
    [InlineData("", "endpoints", "Endpoints")]
    [InlineData("", "configmaps", "ConfigMap")]
    [InlineData("", "secrets", "Secret")]
    [InlineData("", "events", "Event")]
    [InlineData("", "persistentvolumeclaims", "PersistentVolumeClaim")]
    [InlineData("", "persistentvolumes", "PersistentVolume")]
    [InlineData("storage.k8s.io", "storageclasses", "StorageClass")]
    [InlineData("apps", "deployments", "Deployment")]
    [InlineData("apps", "replicasets", "ReplicaSet")]
    [InlineData("apps", "statefulsets", "StatefulSet")]
    [InlineData("batch", "jobs", "Job")]
    [InlineData("batch", "cronjobs", "CronJob")]
    [InlineData("discovery.k8s.io", "endpointslices", "EndpointSlice")]
    public void Find_GroupAndPlural_TheKind(string group, string plural, string kind)
    {
        Assert.Equal(kind, ResourceKinds.Find(group, plural)?.Kind);
    }

    [Theory]
    [InlineData("", "deployments")]
    [InlineData("apps", "pods")]
    [InlineData("", "pod")]
    [InlineData("", "Pods")]
    [InlineData("", "po")]
    [InlineData("batch", "cj")]
    [InlineData("apps", "jobs")]
    [InlineData("extensions", "deployments")]
    public void Find_WrongGroupSingularOrShortName_Null(string group, string plural)
    {
        Assert.Null(ResourceKinds.Find(group, plural));
    }

    [Theory]
    [InlineData("pods", "Pod")]
    [InlineData("nodes", "Node")]
    [InlineData("deployments.apps", "Deployment")]
    [InlineData("replicasets.apps", "ReplicaSet")]
    public void FindByResource_ResourceName_TheKind(string resource, string kind)
    {
        Assert.Equal(kind, ResourceKinds.FindByResource(resource)?.Kind);
    }

    [Theory]
    [InlineData("deployments")]
    [InlineData("pods.core")]
    [InlineData("Deployment")]
    [InlineData("")]
    public void FindByResource_NotAResourceName_Null(string resource)
    {
        Assert.Null(ResourceKinds.FindByResource(resource));
    }

    [Fact]
    public void FindByResource_EveryKindsResource_FindsItself()
    {
        foreach (var kind in ResourceKinds.All)
            Assert.Same(kind, ResourceKinds.FindByResource(kind.Resource));
    }

    [Fact]
    public void Of_Objects_TheirKinds()
    {
        Assert.Same(ResourceKinds.Pod, ResourceKinds.Of(new Pod()));
        Assert.Same(ResourceKinds.Deployment, ResourceKinds.Of(new Deployment()));
        Assert.Same(ResourceKinds.Namespace, ResourceKinds.Of<Namespace>());
        Assert.Same(ResourceKinds.Secret, ResourceKinds.Of<Secret>());
    }

    [Fact]
    public void Of_EveryKindsClrType_RoundTrips()
    {
        foreach (var kind in ResourceKinds.All)
            Assert.Same(kind, ResourceKinds.Of((KubeObject)Activator.CreateInstance(kind.ClrType)!));
    }

    [Fact]
    public void ResourceKind_CoreAndAppsKinds_ApiVersionResourceAndPath()
    {
        Assert.Equal("v1", ResourceKinds.Pod.ApiVersion);
        Assert.Equal("pods", ResourceKinds.Pod.Resource);
        Assert.Equal("/api/v1", ResourceKinds.Pod.GroupVersionPath);
        Assert.Equal("apps/v1", ResourceKinds.Deployment.ApiVersion);
        Assert.Equal("deployments.apps", ResourceKinds.Deployment.Resource);
        Assert.Equal("/apis/apps/v1", ResourceKinds.Deployment.GroupVersionPath);
        Assert.Equal("deployments.apps", ResourceKinds.Deployment.ToString());
    }

    [Fact]
    public void All_ShortNamesKubectlUses_Present()
    {
        var shortNames = ResourceKinds.All.SelectMany(k => k.ShortNames.Select(s => (s, k.Kind))).ToDictionary(p => p.s, p => p.Kind);

        Assert.Equal("Pod", shortNames["po"]);
        Assert.Equal("Deployment", shortNames["deploy"]);
        Assert.Equal("Service", shortNames["svc"]);
        Assert.Equal("ReplicaSet", shortNames["rs"]);
        Assert.Equal("Namespace", shortNames["ns"]);
        Assert.Equal("Node", shortNames["no"]);
        Assert.Equal("ConfigMap", shortNames["cm"]);
        Assert.Equal("StatefulSet", shortNames["sts"]);
        Assert.Equal("Event", shortNames["ev"]);
        Assert.Equal("PersistentVolume", shortNames["pv"]);
        Assert.Equal("StorageClass", shortNames["sc"]);
        Assert.Equal("ResourceQuota", shortNames["quota"]);
        Assert.Equal("LimitRange", shortNames["limits"]);
    }

    [Fact]
    public void All_ClusterScopedKinds_AsInKubernetes()
    {
        Assert.Equal(["ClusterRole", "ClusterRoleBinding", "Namespace", "Node", "PersistentVolume", "StorageClass"],
            ResourceKinds.All.Where(k => !k.Namespaced && k.Group != ResourceKinds.TenancyGroup).Select(k => k.Kind).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void OperatorOnly_NodesAndEveryKindOfOurTenancyGroup_NothingElse()
    {
        Assert.Equal(["AccessToken", "Node", "Tenant", "User"], ResourceKinds.All.Where(ResourceKinds.IsOperatorOnly).Select(k => k.Kind).Order(StringComparer.Ordinal));
        Assert.False(ResourceKinds.Tenant.Namespaced);
        Assert.Equal("tenancy.orleans-orchestrator.io/v1", ResourceKinds.Tenant.ApiVersion);
    }

    [Fact]
    public void All_CategoryAll_TheWorkloadsKubectlGetAllShows()
    {
        Assert.Equal(["CronJob", "DaemonSet", "Deployment", "Job", "Pod", "ReplicaSet", "Service", "StatefulSet"],
            ResourceKinds.All.Where(k => k.Categories.Contains("all")).Select(k => k.Kind).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Job_BatchV1_NoShortName()
    {
        Assert.Equal("batch/v1", ResourceKinds.Job.ApiVersion);
        Assert.Equal("jobs.batch", ResourceKinds.Job.Resource);
        Assert.Empty(ResourceKinds.Job.ShortNames);
        Assert.True(ResourceKinds.Job.Namespaced);
    }
}
