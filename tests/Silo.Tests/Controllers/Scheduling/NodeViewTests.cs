using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Silo.Controllers.Scheduling;
using static OrleansOrchestrator.Silo.Tests.Controllers.Scheduling.SchedulingSamples;

namespace OrleansOrchestrator.Silo.Tests.Controllers.Scheduling;

public class NodeViewTests
{
    [Fact]
    public void From_BoundPods_Accounted()
    {
        var view = NodeView.From(Node(cpu: "4", memory: "8Gi", pods: "10"), [Pod("a", "1", "1Gi"), Pod("b", "500m", null).WithHostPort(8080)]);

        Assert.Equal(4000, view.AllocatableMilliCpu);
        Assert.Equal(8L << 30, view.AllocatableMemory);
        Assert.Equal(10, view.AllocatablePods);
        Assert.Equal(1500, view.RequestedMilliCpu);
        Assert.Equal(1L << 30, view.RequestedMemory);
        Assert.Equal(2, view.PodCount);
        Assert.Equal([new HostPort("TCP", "0.0.0.0", 8080)], view.UsedHostPorts.Keys);
    }

    [Fact]
    public void From_FinishedPods_NotCounted()
    {
        var done = Pod("done", "1", "1Gi") with { Status = new PodStatus { Phase = "Succeeded" } };
        var failed = Pod("failed", "1", "1Gi") with { Status = new PodStatus { Phase = "Failed" } };

        var view = NodeView.From(Node(), [done, failed]);

        Assert.Equal(0, view.PodCount);
        Assert.Equal(0, view.RequestedMilliCpu);
    }

    [Fact]
    public void WithPod_SamePodAgain_Replaced()
    {
        var view = View().WithPod(Pod("a", "1", "1Gi")).WithPod(Pod("a", "2", "1Gi"));

        Assert.Equal(1, view.PodCount);
        Assert.Equal(2000, view.RequestedMilliCpu);
    }

    [Fact]
    public void WithPod_PodFinished_Removed()
    {
        var running = Pod("a", "1", "1Gi");
        var view = View().WithPod(running).WithPod(running with { Status = new PodStatus { Phase = "Succeeded" } });

        Assert.Equal(0, view.PodCount);
        Assert.Equal(0, view.RequestedMilliCpu);
    }

    [Fact]
    public void WithoutPod_Bound_EverythingGivenBack()
    {
        var empty = View();
        var pod = Pod("a", "1", "1Gi").WithHostPort(8080);

        var view = empty.WithPod(pod).WithoutPod("default", "a");

        Assert.Equal(0, view.PodCount);
        Assert.Equal(0, view.RequestedMilliCpu);
        Assert.Equal(0, view.RequestedMemory);
        Assert.Equal(0, view.NonZeroRequestedMilliCpu);
        Assert.Empty(view.UsedHostPorts);
    }

    [Fact]
    public void WithoutPod_Unknown_SameView()
    {
        var view = View().WithPod(Pod("a", "1", "1Gi"));

        Assert.Same(view, view.WithoutPod(Pod("other")));
    }

    [Fact]
    public void WithPod_Immutable_OriginalUnchanged()
    {
        var before = View();

        _ = before.WithPod(Pod("a", "1", "1Gi"));

        Assert.Equal(0, before.PodCount);
        Assert.Equal(0, before.RequestedMilliCpu);
    }

    [Fact]
    public void WithoutPod_PortHeldByTwoPods_StillHeldByTheOther()
    {
        var published = new PodStatus { HostPorts = [new HostPortBinding { ContainerPort = 80, HostIP = "10.0.0.1", HostPort = 30080 }] };
        var view = View().WithPod(Pod("a") with { Status = published }).WithPod(Pod("b") with { Status = published });

        var after = view.WithoutPod("default", "a");

        Assert.Equal(2, view.UsedHostPorts[new HostPort("TCP", "10.0.0.1", 30080)]);
        Assert.True(after.PortInUse(new HostPort("TCP", "0.0.0.0", 30080)));
    }

    [Fact]
    public void PodLabels_BoundPods_TheirLabelSets()
    {
        var view = View().WithPod(Pod("a").WithLabels(("app", "web"))).WithPod(Pod("b").WithLabels(("app", "db")));

        Assert.Equal(["db", "web"], view.PodLabels.Select(l => l["app"]).Order());
    }

    [Fact]
    public void WithNode_NewAllocatable_PodsKept()
    {
        var view = View(cpu: "2").WithPod(Pod("a", "1", null));

        var bigger = view.WithNode(Node(cpu: "8"));

        Assert.Equal(8000, bigger.AllocatableMilliCpu);
        Assert.Equal(1000, bigger.RequestedMilliCpu);
        Assert.Equal(1, bigger.PodCount);
    }

    [Theory]
    [InlineData("False", "node.kubernetes.io/not-ready")]
    [InlineData("Unknown", "node.kubernetes.io/unreachable")]
    public void Taints_NotReady_TaintsKubernetesAdds(string ready, string key)
    {
        var view = NodeView.From(Node(ready: ready), []);

        Assert.Equal([(key, "NoSchedule"), (key, "NoExecute")], view.Taints.Select(t => (t.Key, t.Effect)));
    }

    [Fact]
    public void Taints_TaintAlreadyOnNode_NotDoubled()
    {
        var node = Node(ready: "Unknown", taints: [Taint("node.kubernetes.io/unreachable", null, "NoExecute")]);

        var view = NodeView.From(node, []);

        Assert.Equal([("node.kubernetes.io/unreachable", "NoExecute"), ("node.kubernetes.io/unreachable", "NoSchedule")], view.Taints.Select(t => (t.Key, t.Effect)));
    }

    [Fact]
    public void Taints_NoConditions_NotReady()
    {
        var node = Node() with { Status = Node().Status! with { Conditions = null } };

        Assert.Contains(NodeView.From(node, []).Taints, t => t.Key == "node.kubernetes.io/not-ready" && t.Effect == "NoSchedule");
    }

    [Fact]
    public void Taints_MemoryPressure_NoScheduleTaint()
    {
        var node = Node() with
        {
            Status = Node().Status! with { Conditions = [new Condition { Type = "Ready", Status = "True" }, new Condition { Type = "MemoryPressure", Status = "True" }] },
        };

        Assert.Equal([("node.kubernetes.io/memory-pressure", "NoSchedule")], NodeView.From(node, []).Taints.Select(t => (t.Key, t.Effect)));
    }

    [Fact]
    public void CountOfWorkload_AlwaysEqualsCountingTheBoundPods()
    {
        // Random adds, replacements (some marked for deletion, some finished) and removals of pods of three
        // owners in two namespaces: the kept counts equal a count over the pods at every step.
        var random = new Random(7);
        var view = View("n", cpu: "64", memory: "256Gi");
        for (var step = 0; step < 2000; step++)
        {
            var pod = Pod($"p{random.Next(40)}", @namespace: random.Next(2) == 0 ? "a" : "b").OwnedBy("ReplicaSet", $"rs{random.Next(3)}");
            if (random.Next(5) == 0) pod = pod with { Metadata = pod.Metadata with { DeletionTimestamp = DateTimeOffset.UnixEpoch } };
            if (random.Next(10) == 0) pod = pod with { Status = new PodStatus { Phase = "Succeeded" } };
            view = random.Next(4) == 0 ? view.WithoutPod(pod) : view.WithPod(pod);

            foreach (var ns in new[] { "a", "b" })
            foreach (var owner in new[] { "uid-ReplicaSet-rs0", "uid-ReplicaSet-rs1", "uid-ReplicaSet-rs2" })
                Assert.Equal(
                    view.Pods.Values.Count(p => !p.Terminating && p.Namespace == ns && p.OwnerKey == owner),
                    view.CountOfWorkload(ns, owner));
        }
    }
}
