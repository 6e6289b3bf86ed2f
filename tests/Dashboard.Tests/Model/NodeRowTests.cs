using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Dashboard.Model;
using static OrleansOrchestrator.Dashboard.Tests.TestObjects;

namespace OrleansOrchestrator.Dashboard.Tests.Model;

public sealed class NodeRowTests
{
    private const decimal Mi = 1024m * 1024;
    private const decimal Gi = Mi * 1024;

    [Fact]
    public void From_PodsWithRequests_SumsTheirContainersRequests()
    {
        var pods = new[]
        {
            Pod("a", containers: [Container("one", cpuRequest: "250m", memoryRequest: "128Mi"), Container("two", cpuRequest: "500m", memoryRequest: "256Mi")]),
            Pod("b", containers: [Container("one", cpuRequest: "1", memoryRequest: "1Gi")]),
        };

        var row = NodeRow.From(Node("node-a", cpu: "4", memory: "8Gi", pods: "110"), pods);

        Assert.Equal(new Allocation(1.75m, 4m), row.Cpu);
        Assert.Equal(new Allocation(384 * Mi + Gi, 8 * Gi), row.Memory);
        Assert.Equal(new Allocation(2, 110), row.Pods);
        Assert.Equal(43.75, row.Cpu.Percent, 3);
    }

    [Fact]
    public void From_ContainerWithOnlyALimit_LimitStandsInForRequest()
    {
        var pods = new[] { Pod("a", containers: [Container("limited", cpuLimit: "2", memoryLimit: "1Gi"), Container("both", cpuRequest: "100m", cpuLimit: "1")]) };

        var row = NodeRow.From(Node("node-a"), pods);

        Assert.Equal(2.1m, row.Cpu.Requested);
        Assert.Equal(Gi, row.Memory.Requested);
    }

    [Fact]
    public void From_ContainerWithoutResources_CountsNothingButItsPodSlot()
    {
        var row = NodeRow.From(Node("node-a"), [Pod("a")]);

        Assert.Equal((0m, 0m, 1m), (row.Cpu.Requested, row.Memory.Requested, row.Pods.Requested));
    }

    [Theory]
    [InlineData("Succeeded", false)]
    [InlineData("Failed", false)]
    [InlineData("Running", true)]
    [InlineData("Pending", true)]
    public void From_PodPhase_OnlyUnfinishedPodsCount(string phase, bool counted)
    {
        var row = NodeRow.From(Node("node-a"), [Pod("a", phase: phase, containers: [Container("c", cpuRequest: "1")])]);

        Assert.Equal(counted ? 1m : 0m, row.Cpu.Requested);
        Assert.Equal(counted ? 1m : 0m, row.Pods.Requested);
        Assert.Equal(counted ? 1 : 0, row.PodsOnNode.Count);
    }

    [Fact]
    public void From_PodsOnOtherNodesOrUnscheduled_NotCounted()
    {
        var pods = new[]
        {
            Pod("here", node: "node-a", containers: [Container("c", cpuRequest: "1")]),
            Pod("there", node: "node-b", containers: [Container("c", cpuRequest: "1")]),
            Pod("nowhere", node: null, containers: [Container("c", cpuRequest: "1")]),
        };

        var row = NodeRow.From(Node("node-a"), pods);

        Assert.Equal(1m, row.Cpu.Requested);
        Assert.Equal(["here"], row.PodsOnNode.Select(p => p.Name));
    }

    [Fact]
    public void From_NodeConditions_ReadyAndUnschedulable()
    {
        Assert.True(NodeRow.From(Node("a", ready: true), []).Ready);
        Assert.False(NodeRow.From(Node("a", ready: false), []).Ready);
        Assert.True(NodeRow.From(Node("a", unschedulable: true), []).Unschedulable);
    }

    [Fact]
    public void From_NoAllocatable_FallsBackToCapacity()
    {
        var node = Node("a") with { Status = new NodeStatus { Capacity = new Dictionary<string, string> { ["cpu"] = "8" } } };

        Assert.Equal(8m, NodeRow.From(node, []).Cpu.Allocatable);
    }

    [Theory]
    [InlineData(1, 4, 25)]
    [InlineData(6, 4, 150)]
    [InlineData(1, 0, 0)]
    public void AllocationPercent_RequestedOverAllocatable(decimal requested, decimal allocatable, double expected) =>
        Assert.Equal(expected, new Allocation(requested, allocatable).Percent, 6);
}
