using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Silo.Controllers.Scheduling;
using static OrleansOrchestrator.Silo.Tests.Controllers.Scheduling.SchedulingSamples;

namespace OrleansOrchestrator.Silo.Tests.Controllers.Scheduling;

public class FilterTests
{
    [Fact]
    public void Filter_RequestsExactlyFitting_Fits()
    {
        var node = View(Node(cpu: "2", memory: "2Gi", pods: "2"), Pod("a", "1500m", "1536Mi"));

        Assert.Null(SchedulingPlanner.Filter(Pod("b", "500m", "512Mi"), node));
    }

    [Fact]
    public void Filter_OneMilliCpuTooMuch_InsufficientCpu()
    {
        var node = View(Node(cpu: "2"), Pod("a", "1500m", null));

        Assert.Equal("Insufficient cpu", SchedulingPlanner.Filter(Pod("b", "501m", null), node));
    }

    [Fact]
    public void Filter_OneByteTooMuch_InsufficientMemory()
    {
        var node = View(Node(memory: "1Gi"), Pod("a", null, "512Mi"));

        Assert.Equal("Insufficient memory", SchedulingPlanner.Filter(Pod("b", null, "536870913"), node));
    }

    [Fact]
    public void Check_EverythingShort_EveryReasonInKubernetesOrder()
    {
        var node = View(Node(cpu: "1", memory: "1Gi", pods: "1"), Pod("a", "1", "1Gi"));

        var failure = SchedulingPlanner.Check(Pod("b", "1", "1Gi"), node);

        Assert.Equal(new FilterFailure("NodeResourcesFit", ["Too many pods", "Insufficient cpu", "Insufficient memory"], false), failure, FailureComparer.Instance);
        Assert.Equal("Too many pods, Insufficient cpu, Insufficient memory", failure!.Message);
    }

    [Fact]
    public void Filter_ZeroRequestsOnOvercommittedNode_Fits()
    {
        // Kubernetes only compares the resources a pod asks for.
        var node = View(Node(cpu: "1", memory: "1Gi"), Pod("a", "2", "2Gi"));

        Assert.Null(SchedulingPlanner.Filter(Pod("b"), node));
    }

    [Fact]
    public void Filter_CpuOnlyOnNodeWithMemoryOvercommitted_Fits()
    {
        var node = View(Node(cpu: "4", memory: "1Gi"), Pod("a", "1", "2Gi"));

        Assert.Null(SchedulingPlanner.Filter(Pod("b", "1", null), node));
    }

    [Fact]
    public void Filter_ZeroRequestsButPodSlotsFull_TooManyPods()
    {
        var node = View(Node(pods: "1"), Pod("a"));

        Assert.Equal("Too many pods", SchedulingPlanner.Filter(Pod("b"), node));
    }

    [Fact]
    public void Filter_NodeWithoutAllocatable_TooManyPods()
    {
        var node = NodeView.From(Node() with { Status = Node().Status! with { Allocatable = null } }, []);

        Assert.Equal("Too many pods", SchedulingPlanner.Filter(Pod("b"), node));
    }

    [Fact]
    public void Filter_InitContainerLargerThanNode_InsufficientCpu()
    {
        var pod = PodOf(new PodSpec { InitContainers = [Container("3", null, name: "init")], Containers = [Container("1", null)] });

        Assert.Equal("Insufficient cpu", SchedulingPlanner.Filter(pod, View(cpu: "2")));
    }

    [Fact]
    public void Filter_LimitsOnly_LimitsCompared()
    {
        var pod = PodOf(new PodSpec { Containers = [Container(limitCpu: "3", limitMemory: "1Gi")] });

        Assert.Equal("Insufficient cpu", SchedulingPlanner.Filter(pod, View(cpu: "2")));
    }

    [Fact]
    public void Filter_Cordoned_Unschedulable()
    {
        var node = NodeView.From(Node(unschedulable: true), []);

        Assert.Equal("node(s) were unschedulable", SchedulingPlanner.Filter(Pod(), node));
    }

    [Fact]
    public void Filter_CordonedButToleratesUnschedulableTaint_Fits()
    {
        var node = NodeView.From(Node(unschedulable: true), []);
        var pod = Pod().Tolerating(Toleration("node.kubernetes.io/unschedulable", "Exists", effect: "NoSchedule"));

        Assert.Null(SchedulingPlanner.Filter(pod, node));
    }

    [Fact]
    public void Filter_CordonedAndTainted_UnschedulableFirst()
    {
        var node = NodeView.From(Node(unschedulable: true, taints: [Taint("dedicated", "gpu", "NoSchedule")]), []);

        Assert.Equal("node(s) were unschedulable", SchedulingPlanner.Filter(Pod(), node));
    }

    [Theory]
    [InlineData("False", "node(s) had untolerated taint {node.kubernetes.io/not-ready: }")]
    [InlineData("Unknown", "node(s) had untolerated taint {node.kubernetes.io/unreachable: }")]
    public void Filter_NodeNotReady_UntoleratedTaintAsKubernetesPrints(string ready, string expected)
    {
        Assert.Equal(expected, SchedulingPlanner.Filter(Pod(), NodeView.From(Node(ready: ready), [])));
    }

    [Fact]
    public void Filter_NotReadyToleratedByDaemonSetStyleExists_Fits()
    {
        var pod = Pod().Tolerating(Toleration(null, "Exists"));

        Assert.Null(SchedulingPlanner.Filter(pod, NodeView.From(Node(ready: "False"), [])));
    }

    [Fact]
    public void Filter_NotReadyToleratedForNoExecuteOnly_StillRefused()
    {
        // Every pod tolerates not-ready:NoExecute for 300s by default; that must not let it onto a node that is not ready.
        var pod = Pod().Tolerating(Toleration("node.kubernetes.io/not-ready", "Exists", effect: "NoExecute"));

        Assert.Equal("node(s) had untolerated taint {node.kubernetes.io/not-ready: }", SchedulingPlanner.Filter(pod, NodeView.From(Node(ready: "False"), [])));
    }

    [Fact]
    public void Filter_HostPortTaken_NoFreePorts()
    {
        var node = View(Node(), Pod("a").WithHostPort(8080));

        Assert.Equal("node(s) didn't have free ports for the requested pod ports", SchedulingPlanner.Filter(Pod("b").WithHostPort(8080), node));
    }

    [Theory]
    [InlineData(8080, "TCP", null, 8081, "TCP", null, true)]
    [InlineData(8080, "TCP", null, 8080, "UDP", null, true)]
    [InlineData(8080, null, null, 8080, "TCP", null, false)]
    [InlineData(8080, "TCP", "10.0.0.1", 8080, "TCP", "10.0.0.2", true)]
    [InlineData(8080, "TCP", "10.0.0.1", 8080, "TCP", "10.0.0.1", false)]
    [InlineData(8080, "TCP", "10.0.0.1", 8080, "TCP", null, false)]
    [InlineData(8080, "TCP", null, 8080, "TCP", "10.0.0.1", false)]
    [InlineData(8080, "TCP", "0.0.0.0", 8080, "TCP", "10.0.0.1", false)]
    public void Filter_HostPorts_ConflictsAsKubernetes(int usedPort, string? usedProtocol, string? usedIp, int wantedPort, string? wantedProtocol, string? wantedIp, bool fits)
    {
        var node = View(Node(), Pod("a").WithHostPort(usedPort, usedProtocol, usedIp));

        var reason = SchedulingPlanner.Filter(Pod("b").WithHostPort(wantedPort, wantedProtocol, wantedIp), node);

        Assert.Equal(fits, reason is null);
    }

    [Fact]
    public void Filter_PortPublishedDynamicallyByAgent_Taken()
    {
        var running = Pod("a") with { Status = new PodStatus { Phase = "Running", HostPorts = [new HostPortBinding { ContainerPort = 80, HostIP = "10.0.0.1", HostPort = 30080 }] } };

        var reason = SchedulingPlanner.Filter(Pod("b").WithHostPort(30080), View(Node(), running));

        Assert.Equal("node(s) didn't have free ports for the requested pod ports", reason);
    }

    [Fact]
    public void Filter_PortsAndResources_PortsReportedFirst()
    {
        var node = View(Node(cpu: "1"), Pod("a", "1", null).WithHostPort(80));

        Assert.Equal("NodePorts", SchedulingPlanner.Check(Pod("b", "1", null).WithHostPort(80), node)!.Filter);
    }

    [Fact]
    public void Filter_NodeSelectorMismatch_AffinityReason()
    {
        var node = NodeView.From(Node(labels: new Dictionary<string, string> { ["disk"] = "hdd" }), []);

        Assert.Equal("node(s) didn't match Pod's node affinity/selector", SchedulingPlanner.Filter(Pod().WithNodeSelector(("disk", "ssd")), node));
    }

    [Fact]
    public void Filter_UntoleratedTaintBeforeAffinityAndResources_TaintReported()
    {
        var node = NodeView.From(Node(cpu: "1", taints: [Taint("dedicated", "gpu", "NoSchedule")]), []);

        var failure = SchedulingPlanner.Check(Pod("b", "2", null).WithNodeSelector(("disk", "ssd")), node);

        Assert.Equal("TaintToleration", failure!.Filter);
        Assert.True(failure.Unresolvable);
    }

    private sealed class FailureComparer : IEqualityComparer<FilterFailure?>
    {
        public static readonly FailureComparer Instance = new();

        public bool Equals(FilterFailure? x, FilterFailure? y) =>
            x is null ? y is null : y is not null && x.Filter == y.Filter && x.Unresolvable == y.Unresolvable && x.Reasons.SequenceEqual(y.Reasons);

        public int GetHashCode(FilterFailure? obj) => obj?.Filter.GetHashCode() ?? 0;
    }
}
