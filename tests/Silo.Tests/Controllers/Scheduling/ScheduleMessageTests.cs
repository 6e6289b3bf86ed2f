using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Silo.Controllers.Scheduling;
using static OrleansOrchestrator.Silo.Tests.Controllers.Scheduling.SchedulingSamples;

namespace OrleansOrchestrator.Silo.Tests.Controllers.Scheduling;

public class ScheduleMessageTests
{
    private static readonly Dictionary<string, string> SsdLabels = new() { ["disk"] = "ssd" };
    private static readonly Dictionary<string, string> HddLabels = new() { ["disk"] = "hdd" };

    [Fact]
    public void Schedule_MixOfReasons_KubernetesMessage()
    {
        var nodes = new[]
        {
            NodeView.From(Node("n1", cpu: "1", labels: SsdLabels), []),
            NodeView.From(Node("n2", labels: HddLabels), []),
            NodeView.From(Node("n3", labels: HddLabels), []),
        };
        var pod = Pod("web", "2", null).WithNodeSelector(("disk", "ssd"));

        var result = SchedulingPlanner.Schedule(pod, nodes);

        Assert.Null(result.NodeName);
        Assert.Equal(
            "0/3 nodes are available: 1 Insufficient cpu, 2 node(s) didn't match Pod's node affinity/selector. " +
            "preemption: 0/3 nodes are available: 1 No preemption victims found for incoming pod, 2 Preemption is not helpful for scheduling.",
            result.Message);
        Assert.Equal("Insufficient cpu", result.Failures["n1"].Message);
        Assert.Equal("NodeAffinity", result.Failures["n2"].Filter);
    }

    [Fact]
    public void Schedule_CountsSortedAsStrings_TenBeforeTwo()
    {
        var tainted = Enumerable.Range(1, 10).Select(i => NodeView.From(Node($"t{i:00}", taints: [Taint("dedicated", "gpu", "NoSchedule")]), []));
        var small = Enumerable.Range(1, 2).Select(i => NodeView.From(Node($"s{i}", memory: "1Gi"), []));

        var result = SchedulingPlanner.Schedule(Pod("big", null, "2Gi"), [.. small, .. tainted]);

        Assert.Equal(
            "0/12 nodes are available: 10 node(s) had untolerated taint {dedicated: gpu}, 2 Insufficient memory. " +
            "preemption: 0/12 nodes are available: 10 Preemption is not helpful for scheduling, 2 No preemption victims found for incoming pod.",
            result.Message);
    }

    [Fact]
    public void Schedule_SeveralResourcesShortOnOneNode_EachCounted()
    {
        var result = SchedulingPlanner.Schedule(Pod("big", "8", "16Gi"), [View("n1", cpu: "4", memory: "8Gi")]);

        Assert.Equal(
            "0/1 nodes are available: 1 Insufficient cpu, 1 Insufficient memory. " +
            "preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.",
            result.Message);
    }

    [Fact]
    public void Schedule_EveryKindOfRefusal_OneMessage()
    {
        var nodes = new[]
        {
            NodeView.From(Node("cordoned", unschedulable: true), []),
            NodeView.From(Node("down", ready: "False"), []),
            View(Node("full", pods: "1"), Pod("other")),
            View(Node("port"), Pod("other").WithHostPort(80)),
        };

        var result = SchedulingPlanner.Schedule(Pod("web").WithHostPort(80), nodes);

        Assert.Equal(
            "0/4 nodes are available: 1 Too many pods, 1 node(s) didn't have free ports for the requested pod ports, " +
            "1 node(s) had untolerated taint {node.kubernetes.io/not-ready: }, 1 node(s) were unschedulable. " +
            "preemption: 0/4 nodes are available: 2 No preemption victims found for incoming pod, 2 Preemption is not helpful for scheduling.",
            result.Message);
    }

    [Fact]
    public void Schedule_LowerPriorityPodsButStillTooSmall_FilterReasonAgainInPreemption()
    {
        var node = View(Node("n1", cpu: "2"), Pod("low", "1", null).WithPriority(0));

        var result = SchedulingPlanner.Schedule(Pod("high", "4", null).WithPriority(1000), [node]);

        Assert.Equal(
            "0/1 nodes are available: 1 Insufficient cpu. preemption: 0/1 nodes are available: 1 Insufficient cpu.",
            result.Message);
        Assert.Empty(result.PreemptionCandidates);
    }

    [Fact]
    public void Schedule_EvictingLowerPriorityWouldMakeRoom_NoPreemptionPartAndCandidate()
    {
        var nodes = new[]
        {
            View(Node("n1", cpu: "2"), Pod("low", "2", null).WithPriority(0)),
            View(Node("n2", cpu: "2"), Pod("peer", "2", null).WithPriority(1000)),
        };

        var result = SchedulingPlanner.Schedule(Pod("high", "1", null).WithPriority(1000), nodes);

        Assert.Null(result.NodeName);
        Assert.Equal("0/2 nodes are available: 2 Insufficient cpu.", result.Message);
        Assert.Equal(["n1"], result.PreemptionCandidates);
    }

    [Fact]
    public void Schedule_PreemptionPolicyNever_NotEligible()
    {
        var pod = Pod("web", "4", null).WithPriority(1000).WithSpec(s => s with { PreemptionPolicy = "Never" });

        var result = SchedulingPlanner.Schedule(pod, [View(Node("n1", cpu: "2"), Pod("low", "1", null))]);

        Assert.Equal("0/1 nodes are available: 1 Insufficient cpu. preemption: not eligible due to preemptionPolicy=Never.", result.Message);
    }

    [Fact]
    public void Schedule_DaemonSetPodPinnedToBusyNode_OthersFilteredOutByPreFilter()
    {
        var nodes = new[] { View(Node("n1"), Pod("other").WithHostPort(9100)), View("n2"), View("n3") };
        var pod = Pod("exporter").WithHostPort(9100).Requiring(FieldTerm(Req("metadata.name", "In", "n1")));

        var result = SchedulingPlanner.Schedule(pod, nodes);

        Assert.Equal(
            "0/3 nodes are available: 1 node(s) didn't have free ports for the requested pod ports, 2 node is filtered out by the prefilter result. " +
            "preemption: 0/3 nodes are available: 1 No preemption victims found for incoming pod, 2 Preemption is not helpful for scheduling.",
            result.Message);
    }

    [Fact]
    public void Schedule_DaemonSetPodPinnedToFreeNode_ThatNode()
    {
        var pod = Pod("exporter").Requiring(FieldTerm(Req("metadata.name", "In", "n2")));

        Assert.Equal("n2", SchedulingPlanner.Schedule(pod, [View("n1"), View("n2"), View("n3")]).NodeName);
    }

    [Fact]
    public void Schedule_ContradictoryNodeNames_PreFilterMessage()
    {
        var pod = Pod("web").Requiring(new NodeSelectorTerm { MatchFields = [Req("metadata.name", "In", "n1"), Req("metadata.name", "In", "n2")] });

        var result = SchedulingPlanner.Schedule(pod, [View("n1"), View("n2")]);

        Assert.Equal(
            "0/2 nodes are available: pod affinity terms conflict. preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling.",
            result.Message);
    }

    [Fact]
    public void Schedule_NoNodes_NoNodesAvailable()
    {
        Assert.Equal("no nodes available to schedule pods", SchedulingPlanner.Schedule(Pod(), []).Message);
    }

    [Fact]
    public void Schedule_Fits_NoMessageAndFailuresOfTheOthers()
    {
        var result = SchedulingPlanner.Schedule(Pod("web", "2", null), [View("small", cpu: "1"), View("big", cpu: "4")]);

        Assert.Equal("big", result.NodeName);
        Assert.True(result.Scheduled);
        Assert.Null(result.Message);
        Assert.Equal(["small"], result.Failures.Keys);
        Assert.Equal("big", Assert.Single(result.Scores).Node);
    }

    [Fact]
    public void NoFit_PreFilterMessage_ReplacesHistogram()
    {
        var message = SchedulingReasons.NoFit(2, [["a"], ["b"]], preFilterMessage: "x");

        Assert.Equal("0/2 nodes are available: x.", message);
    }
}
