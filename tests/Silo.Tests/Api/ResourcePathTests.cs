using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Silo.Api;

namespace OrleansOrchestrator.Silo.Tests.Api;

public class ResourcePathTests
{
    public static TheoryData<string, string, string?, string?, string?> Paths => new()
    {
        { "/api/v1/pods", "pods", null, null, null },
        { "/api/v1/namespaces/x/pods", "pods", "x", null, null },
        { "/api/v1/namespaces/x/pods/p", "pods", "x", "p", null },
        { "/api/v1/namespaces/x/pods/p/log", "pods", "x", "p", "log" },
        { "/api/v1/namespaces/x/pods/p/status", "pods", "x", "p", "status" },
        { "/api/v1/namespaces", "namespaces", null, null, null },
        { "/api/v1/namespaces/x", "namespaces", null, "x", null },
        { "/api/v1/namespaces/x/status", "namespaces", null, "x", "status" },
        { "/api/v1/namespaces/x/finalize", "namespaces", null, "x", "finalize" },
        { "/api/v1/namespaces/pods", "namespaces", null, "pods", null },
        { "/api/v1/nodes", "nodes", null, null, null },
        { "/api/v1/nodes/n1", "nodes", null, "n1", null },
        { "/api/v1/nodes/n1/status", "nodes", null, "n1", "status" },
        { "/apis/apps/v1/deployments", "deployments.apps", null, null, null },
        { "/apis/apps/v1/namespaces/d/deployments", "deployments.apps", "d", null, null },
        { "/apis/apps/v1/namespaces/d/deployments/w", "deployments.apps", "d", "w", null },
        { "/apis/apps/v1/namespaces/d/deployments/w/scale", "deployments.apps", "d", "w", "scale" },
        { "/apis/apps/v1/namespaces/d/replicasets/w-5d4f/scale", "replicasets.apps", "d", "w-5d4f", "scale" },
        { "/api/v1/namespaces/default/events", "events", "default", null, null },
        { "/api/v1/namespaces/x/pods/", "pods", "x", null, null },
    };

    [Theory]
    [MemberData(nameof(Paths))]
    public void Parse_ResourceUrl_KindNamespaceNameSubresource(string path, string resource, string? ns, string? name, string? subresource)
    {
        var parsed = ResourcePath.Parse(path);

        Assert.NotNull(parsed);
        Assert.Equal(resource, parsed.Kind.Resource);
        Assert.Equal((ns, name, subresource), (parsed.Namespace, parsed.Name, parsed.Subresource));
    }

    [Fact]
    public void Parse_NamespaceObject_IsTheNamespaceKindNotANamespacedPath()
    {
        var parsed = ResourcePath.Parse("/api/v1/namespaces/team-a");

        Assert.Same(ResourceKinds.Namespace, parsed!.Kind);
        Assert.Null(parsed.Namespace);
        Assert.Equal("team-a", parsed.Name);
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/api")]
    [InlineData("/api/v1")]
    [InlineData("/apis/apps/v1")]
    [InlineData("/healthz")]
    [InlineData("/openapi/v3/api/v1")]
    [InlineData("/api/v2/pods")]
    [InlineData("/api/v1/widgets")]
    [InlineData("/apis/apps/v2/deployments")]
    [InlineData("/apis/apps/v1beta1/namespaces/d/deployments")]
    [InlineData("/apis/batch/v1/scheduledjobs")]
    [InlineData("/apis/foo/v1/namespaces/d/bars/b")]
    [InlineData("/api/v1/deployments")]
    [InlineData("/apis/apps/v1/pods")]
    [InlineData("/apis/apps/v1/namespaces/d/pods")]
    public void Parse_UnknownGroupVersionOrResource_Null(string path)
    {
        Assert.Null(ResourcePath.Parse(path));
    }

    [Theory]
    [InlineData("/api/v1/namespaces/x/nodes/n1")]
    [InlineData("/api/v1/namespaces/x/namespaces/y")]
    public void Parse_ClusterScopedKindUnderANamespace_Null(string path)
    {
        Assert.Null(ResourcePath.Parse(path));
    }

    [Theory]
    [InlineData("/api/v1/pods/p")]
    [InlineData("/api/v1/pods/p/log")]
    [InlineData("/apis/apps/v1/deployments/w")]
    public void Parse_NamespacedObjectWithoutNamespace_Null(string path)
    {
        Assert.Null(ResourcePath.Parse(path));
    }

    [Theory]
    [InlineData("/api/v1/namespaces/x/pods/p/log/extra")]
    [InlineData("/api/v1/nodes/n1/status/extra")]
    public void Parse_TooManySegments_Null(string path)
    {
        Assert.Null(ResourcePath.Parse(path));
    }

    [Theory]
    [InlineData("/api/v1/namespaces/n/configmaps/..", "..")]
    [InlineData("/api/v1/namespaces/n/configmaps/.", ".")]
    [InlineData("/api/v1/namespaces/n/configmaps/%2e%2E", "..")]
    [InlineData("/api/v1/namespaces/n/configmaps/.%2e?watch=1", "..")]
    [InlineData("/api/v1/namespaces/n/configmaps/cm/../..", "..")]
    [InlineData("/api/v1/./namespaces", ".")]
    [InlineData("https://127.0.0.1:6443/api/v1/namespaces/n/configmaps/..", "..")]
    public void DotSegment_RawTargetWithDotSegment_Found(string rawTarget, string expected)
    {
        Assert.Equal(expected, ResourcePath.DotSegment(rawTarget));
    }

    [Theory]
    [InlineData("/api/v1/namespaces/n/configmaps/a..b")]
    [InlineData("/api/v1/namespaces/n/configmaps/...")]
    [InlineData("/api/v1/namespaces/n/configmaps/.hidden")]
    [InlineData("/api/v1/namespaces/n/configmaps?labelSelector=..")]
    [InlineData("/api/v1/namespaces/n/configmaps/%252e%252e")]
    [InlineData("https://host.example/api/v1/pods")]
    [InlineData("*")]
    public void DotSegment_NoDotSegment_Null(string rawTarget)
    {
        Assert.Null(ResourcePath.DotSegment(rawTarget));
    }

    [Theory]
    [InlineData(".", "may not be '.'")]
    [InlineData("..", "may not be '..'")]
    [InlineData("a/b", "may not contain '/'")]
    [InlineData("a%2Fb", "may not contain '%'")]
    public void SegmentNameProblem_NameThatCannotBeAPathSegment_KubernetesMessage(string name, string expected)
    {
        Assert.Equal(expected, ResourcePath.SegmentNameProblem(name));
    }

    [Theory]
    [InlineData("web")]
    [InlineData("a.b")]
    [InlineData("...")]
    public void SegmentNameProblem_OrdinaryName_Null(string name)
    {
        Assert.Null(ResourcePath.SegmentNameProblem(name));
    }
}
