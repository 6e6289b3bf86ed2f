using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Dashboard.Model;
using static OrleansOrchestrator.Dashboard.Tests.TestObjects;

namespace OrleansOrchestrator.Dashboard.Tests.Model;

public sealed class ClusterOverviewTests
{
    [Fact]
    public void From_Cluster_CountsNodesPodsDeploymentsAndNewestEvents()
    {
        Node[] nodes = [Node("a"), Node("b", ready: false), Node("c")];
        Pod[] pods = [Pod("p1"), Pod("p2"), Pod("p3", phase: "Pending"), Pod("p4", phase: "Succeeded"), Pod("p5", phase: "Failed"), Pod("p6") with { Status = null }, Pod("p7", phase: "Weird")];
        Deployment[] deployments = [Deployment("ok"), Deployment("rolling", updated: 1), Deployment("held", paused: true), Deployment("stuck", conditions: [new Condition { Type = "ReplicaFailure", Status = "True" }])];
        var events = Enumerable.Range(0, 12).Select(i => Event($"e{i}", "Pod", "p1", $"Reason{i}", "m", Created.AddMinutes(i))).ToList();

        var overview = ClusterOverview.From(nodes, pods, deployments, events, recent: 5);

        Assert.Equal((2, 3), (overview.NodesReady, overview.NodesTotal));
        Assert.Equal(new Dictionary<string, int> { ["Running"] = 2, ["Pending"] = 1, ["Succeeded"] = 1, ["Failed"] = 1, ["Unknown"] = 2 }, overview.PodsByPhase);
        Assert.Equal(new Dictionary<WorkloadHealth, int>
        {
            [WorkloadHealth.Healthy] = 1, [WorkloadHealth.Progressing] = 1, [WorkloadHealth.Paused] = 1, [WorkloadHealth.Failed] = 1,
        }, overview.DeploymentsByHealth);
        Assert.Equal(["Reason11", "Reason10", "Reason9", "Reason8", "Reason7"], overview.RecentEvents.Select(e => e.Reason));
    }

    [Fact]
    public void From_EmptyCluster_EveryCountZero()
    {
        var overview = ClusterOverview.From([], [], [], []);

        Assert.Equal((0, 0), (overview.NodesReady, overview.NodesTotal));
        Assert.Equal(ClusterOverview.Phases, overview.PodsByPhase.Keys);
        Assert.All(overview.PodsByPhase.Values, count => Assert.Equal(0, count));
        Assert.All(overview.DeploymentsByHealth.Values, count => Assert.Equal(0, count));
        Assert.Empty(overview.RecentEvents);
    }
}
