using k8s;
using k8s.Autorest;
using k8s.Models;
using OrleansOrchestrator.EndToEnd.Tests.Infrastructure;

namespace OrleansOrchestrator.EndToEnd.Tests.Api;

/// <summary>The KubernetesClient package, unchanged, against the silo: typed CRUD, scale, and a watch.</summary>
public sealed class KubernetesClientTests(SiloFixture fixture) : IClassFixture<SiloFixture>
{
    private Kubernetes Client() => new(KubernetesClientConfiguration.BuildConfigFromConfigFile(fixture.Silo.KubeconfigPath));

    private static V1Deployment Deployment(string name, int replicas) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, Labels = new Dictionary<string, string> { ["app"] = name } },
        Spec = new V1DeploymentSpec
        {
            Replicas = replicas,
            Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = name } },
            Template = new V1PodTemplateSpec
            {
                Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string> { ["app"] = name } },
                Spec = new V1PodSpec { Containers = [new V1Container { Name = "main", Image = "example/app:1" }] },
            },
        },
    };

    [Fact]
    public async Task TypedClient_CreateReadUpdateScaleDelete_RoundTrips()
    {
        using var client = Client();
        var created = await client.AppsV1.CreateNamespacedDeploymentAsync(Deployment("typed", 2), "default");
        Assert.Equal(1, created.Metadata.Generation);
        Assert.False(string.IsNullOrEmpty(created.Metadata.Uid));
        Assert.Equal("RollingUpdate", created.Spec.Strategy.Type);

        // Read, change, replace — retrying on 409 as clients do, since the deployment controller writes the
        // object's status and annotations meanwhile.
        V1Deployment read;
        V1Deployment replaced;
        for (var attempt = 1; ; attempt++)
        {
            read = await client.AppsV1.ReadNamespacedDeploymentAsync("typed", "default");
            read.Spec.Template.Spec.Containers[0].Image = "example/app:2";
            try
            {
                replaced = await client.AppsV1.ReplaceNamespacedDeploymentAsync(read, "typed", "default");
                break;
            }
            catch (HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.Conflict && attempt < 20)
            {
            }
        }
        Assert.Equal(2, replaced.Metadata.Generation);

        // Replacing with the version read before that write is refused.
        var conflict = await Assert.ThrowsAsync<HttpOperationException>(() => client.AppsV1.ReplaceNamespacedDeploymentAsync(read, "typed", "default"));
        Assert.Equal(System.Net.HttpStatusCode.Conflict, conflict.Response.StatusCode);

        var scale = await client.AppsV1.PatchNamespacedDeploymentScaleAsync(
            new V1Patch("{\"spec\":{\"replicas\":4}}", V1Patch.PatchType.MergePatch), "typed", "default");
        Assert.Equal(4, scale.Spec.Replicas);
        Assert.Equal("app=typed", scale.Status.Selector);

        var list = await client.AppsV1.ListNamespacedDeploymentAsync("default", labelSelector: "app=typed");
        Assert.Equal(4, Assert.Single(list.Items).Spec.Replicas);

        await client.AppsV1.DeleteNamespacedDeploymentAsync("typed", "default");
        var missing = await Assert.ThrowsAsync<HttpOperationException>(() => client.AppsV1.ReadNamespacedDeploymentAsync("typed", "default"));
        Assert.Equal(System.Net.HttpStatusCode.NotFound, missing.Response.StatusCode);
    }

    [Fact]
    public async Task TypedClient_Watch_SeesAddedModifiedDeletedInOrder()
    {
        using var client = Client();
        var list = await client.CoreV1.ListNamespacedConfigMapAsync("default", fieldSelector: "metadata.name=watched");
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var watching = Task.Run(async () =>
        {
            var seen = new List<(WatchEventType Type, string? Value)>();
            await foreach (var (type, cm) in client.CoreV1.WatchListNamespacedConfigMapAsync(
                "default", fieldSelector: "metadata.name=watched", resourceVersion: list.Metadata.ResourceVersion, cancellationToken: stop.Token))
            {
                seen.Add((type, cm.Data is { } data && data.TryGetValue("v", out var v) ? v : null));
                if (type == WatchEventType.Deleted) break;
            }
            return seen;
        });

        await client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "other" } }, "default");
        await client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "watched" }, Data = new Dictionary<string, string> { ["v"] = "1" } }, "default");
        await client.CoreV1.PatchNamespacedConfigMapAsync(new V1Patch("{\"data\":{\"v\":\"2\"}}", V1Patch.PatchType.MergePatch), "watched", "default");
        await client.CoreV1.DeleteNamespacedConfigMapAsync("watched", "default");

        Assert.Equal([(WatchEventType.Added, "1"), (WatchEventType.Modified, "2"), (WatchEventType.Deleted, "2")], await watching);
    }
}
