using OrleansOrchestrator.Agents.Runtime;
using OrleansOrchestrator.Agents.Runtime.Docker;

namespace OrleansOrchestrator.Agents.Tests.Runtime.Docker;

/// <summary>The parsing the Docker runtime does on the engine's strings; no engine needed.</summary>
public sealed class DockerRuntimeHelperTests
{
    [Fact]
    public void DockerTime_keeps_nanosecond_timestamps_and_reads_the_zero_time_as_never()
    {
        Assert.Equal(new DateTimeOffset(2024, 5, 1, 10, 0, 0, TimeSpan.Zero).AddTicks(1_234_568), // .NET keeps 100 ns, rounded
            DockerTime.Parse("2024-05-01T10:00:00.123456789Z"));
        Assert.Null(DockerTime.Parse("0001-01-01T00:00:00Z"));
        Assert.Null(DockerTime.Parse(""));
        Assert.Null(DockerTime.Parse(null));
    }

    [Theory]
    [InlineData("busybox", "busybox", "latest")]
    [InlineData("busybox:1.36", "busybox", "1.36")]
    [InlineData("registry:5000/team/app", "registry:5000/team/app", "latest")]
    [InlineData("registry:5000/team/app:2", "registry:5000/team/app", "2")]
    [InlineData("app@sha256:abc", "app", "sha256:abc")]
    [InlineData("app:1@sha256:abc", "app", "sha256:abc")]
    public void ImageReference_splits_repository_and_tag(string image, string repository, string tag) =>
        Assert.Equal((repository, tag), ImageReference.Split(image));

    [Theory]
    [InlineData("busybox", true)]
    [InlineData("busybox:latest", true)]
    [InlineData("registry:5000/app", true)]
    [InlineData("busybox:1.36", false)]
    [InlineData("app@sha256:abc", false)]
    public void ImageReference_knows_latest_for_the_default_pull_policy(string image, bool latest) =>
        Assert.Equal(latest, ImageReference.IsLatest(image));

    [Theory]
    [InlineData("cluster-a", "node-1", "container", true)]
    [InlineData("cluster-b", "node-1", "container", false)] // another cluster on the same engine, same node name
    [InlineData("cluster-a", "node-2", "container", false)] // another node of the same cluster
    [InlineData("cluster-a", "node-1", "podsandbox", false)]
    public void PodContainerNaming_BelongsTo_needs_the_cluster_the_node_and_the_type(string cluster, string node, string type, bool belongs)
    {
        var labels = PodContainerNaming.Labels("cluster-a", "node-1", new PodRef("t", "ns", "p", "uid"), "app", PodContainerNaming.ContainerType, 0);
        Assert.Equal(belongs, PodContainerNaming.BelongsTo(labels, cluster, node, type));
    }

    [Fact]
    public void PodContainerNaming_BelongsTo_counts_a_container_without_cluster_label_as_the_default_clusters()
    {
        var labels = PodContainerNaming.Labels("ignored", "node-1", new PodRef("t", "ns", "p", "uid"), "app", PodContainerNaming.ContainerType, 0);
        labels.Remove(PodContainerNaming.ClusterLabel);
        Assert.True(PodContainerNaming.BelongsTo(labels, Contracts.ClusterIdentity.DefaultClusterId, "node-1", PodContainerNaming.ContainerType));
        Assert.False(PodContainerNaming.BelongsTo(labels, "another-cluster", "node-1", PodContainerNaming.ContainerType));
    }
}
