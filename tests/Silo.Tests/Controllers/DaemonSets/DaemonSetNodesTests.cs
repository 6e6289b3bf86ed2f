using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Silo.Controllers.DaemonSets;
using static OrleansOrchestrator.Silo.Tests.Controllers.DaemonSets.Daemons;

namespace OrleansOrchestrator.Silo.Tests.Controllers.DaemonSets;

/// <summary>Which node changes wake the DaemonSet controllers: those that can move daemon pods, not heartbeats.</summary>
public class DaemonSetNodesTests
{
    private static Node Heartbeat(Node node, DateTimeOffset at) => node with
    {
        Status = node.Status! with { Conditions = [new Condition { Type = "Ready", Status = "True", LastHeartbeatTime = at }] },
    };

    [Fact]
    public void Placement_Heartbeat_Unchanged()
    {
        var before = DaemonSetNodesGrain.Placement([Heartbeat(Node("a"), Now), Node("b")]);

        Assert.Equal(before, DaemonSetNodesGrain.Placement([Node("b"), Heartbeat(Node("a"), Now.AddSeconds(40))]));
    }

    [Fact]
    public void Placement_JoinLeaveLabelTaintOrReadiness_Changed()
    {
        var before = DaemonSetNodesGrain.Placement([Node("a"), Node("b")]);

        Assert.NotEqual(before, DaemonSetNodesGrain.Placement([Node("a"), Node("b"), Node("c")]));
        Assert.NotEqual(before, DaemonSetNodesGrain.Placement([Node("a")]));
        Assert.NotEqual(before, DaemonSetNodesGrain.Placement([Node("a", Samples.Labels(("zone", "east"))), Node("b")]));
        Assert.NotEqual(before, DaemonSetNodesGrain.Placement([Node("a", taints: [Taint("dedicated", "NoSchedule", "db")]), Node("b")]));
        Assert.NotEqual(before, DaemonSetNodesGrain.Placement([Node("a", ready: "Unknown"), Node("b")]));
    }
}
