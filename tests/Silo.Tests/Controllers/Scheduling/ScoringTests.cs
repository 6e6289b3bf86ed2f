using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Silo.Controllers.Scheduling;
using static OrleansOrchestrator.Silo.Tests.Controllers.Scheduling.SchedulingSamples;

namespace OrleansOrchestrator.Silo.Tests.Controllers.Scheduling;

public class ScoringTests
{
    [Fact]
    public void Schedule_EqualNodesOneBusier_LeastAllocatedWins()
    {
        var busy = View(Node("a-busy", cpu: "4", memory: "8Gi"), Pod("x", "2", "4Gi"));
        var idle = View("b-idle", cpu: "4", memory: "8Gi");

        var result = SchedulingPlanner.Schedule(Pod("web", "500m", "512Mi"), [busy, idle]);

        Assert.Equal("b-idle", result.NodeName);
        Assert.True(result.Scores[0].LeastAllocated > result.Scores[1].LeastAllocated);
    }

    [Fact]
    public void ScoreDetails_LeastAllocated_KubernetesArithmetic()
    {
        // cpu: (4000 - 1000 - 500) * 100 / 4000 = 62; memory: (8Gi - 2Gi - 1Gi) * 100 / 8Gi = 62 → 62.
        var node = View(Node("n", cpu: "4", memory: "8Gi"), Pod("x", "1", "2Gi"));

        var score = SchedulingPlanner.ScoreDetails(Pod("web", "500m", "1Gi"), node, [node]);

        Assert.Equal(62, score.LeastAllocated);
    }

    [Fact]
    public void ScoreDetails_RequestlessPods_CountedAtDefaults()
    {
        var crowded = View(Node("a", cpu: "1", memory: "1Gi"), Pod("x"), Pod("y"), Pod("z"));
        var empty = View("b", cpu: "1", memory: "1Gi");

        var result = SchedulingPlanner.Schedule(Pod("web"), [crowded, empty]);

        Assert.Equal("b", result.NodeName);
        Assert.Equal(40, SchedulingPlanner.ScoreDetails(Pod("web"), crowded, [crowded, empty]).LeastAllocated); // cpu (1000 - 400) → 60, memory (1024Mi - 800Mi) → 21
    }

    [Fact]
    public void Schedule_SameReplicaSetOneByOne_SpreadAcrossNodes()
    {
        // Big nodes and small pods: free capacity hardly differs, so spreading decides.
        var nodes = new[] { View("n1", cpu: "64", memory: "256Gi"), View("n2", cpu: "64", memory: "256Gi"), View("n3", cpu: "64", memory: "256Gi") };
        var placed = new List<string>();
        for (var i = 0; i < 6; i++)
        {
            var pod = Pod($"web-{i}", "100m", "128Mi").WithLabels(("app", "web")).OwnedBy("ReplicaSet", "web-abc");
            var result = SchedulingPlanner.Schedule(pod, nodes);
            placed.Add(result.NodeName!);
            nodes = nodes.Select(n => n.Name == result.NodeName ? n.WithPod(pod.OnNode(n.Name)) : n).ToArray();
        }

        Assert.Equal(["n1", "n2", "n3", "n1", "n2", "n3"], placed);
    }

    [Fact]
    public void Schedule_OtherWorkloadOnNode_NoSpreadPenalty()
    {
        var withDb = View(Node("a", cpu: "64", memory: "256Gi"), Pod("db-0", "100m", "128Mi").OwnedBy("StatefulSet", "db"));
        var withWeb = View(Node("b", cpu: "64", memory: "256Gi"), Pod("web-0", "100m", "128Mi").OwnedBy("ReplicaSet", "web-abc"));

        var result = SchedulingPlanner.Schedule(Pod("web-1", "100m", "128Mi").OwnedBy("ReplicaSet", "web-abc"), [withDb, withWeb]);

        Assert.Equal("a", result.NodeName);
        // Kubernetes' arithmetic: raw = matches × ln(nodes + 2) + (maxSkew - 1), rounded: 2 and 3; then 100 × (max + min - raw) / max.
        Assert.Equal([100, 66], result.Scores.Select(s => s.Spread ?? -1));
    }

    [Fact]
    public void Schedule_BarePodsWithSameLabels_Spread()
    {
        var a = View(Node("a", cpu: "64", memory: "256Gi"), Pod("x", "100m", "128Mi").WithLabels(("app", "web"), ("tier", "front")));
        var b = View("b", cpu: "64", memory: "256Gi");

        var result = SchedulingPlanner.Schedule(Pod("y", "100m", "128Mi").WithLabels(("app", "web")), [a, b]);

        Assert.Equal("b", result.NodeName);
    }

    [Fact]
    public void ScoreDetails_BarePodWithoutLabels_SpreadNotApplied()
    {
        var node = View("a");

        Assert.Null(SchedulingPlanner.ScoreDetails(Pod("x"), node, [node]).Spread);
    }

    [Fact]
    public void Schedule_SpreadIgnoresOtherNamespacesAndDeletingPods()
    {
        var deleting = Pod("web-0", "100m", "128Mi").OwnedBy("ReplicaSet", "web-abc");
        deleting = deleting with { Metadata = deleting.Metadata with { DeletionTimestamp = DateTimeOffset.UnixEpoch } };
        var a = View(Node("a", cpu: "64", memory: "256Gi"), deleting, Pod("web-0", "100m", "128Mi", "other").OwnedBy("ReplicaSet", "web-abc"));
        var b = View(Node("b", cpu: "64", memory: "256Gi"), Pod("web-9", "100m", "128Mi").OwnedBy("ReplicaSet", "web-abc"));

        var result = SchedulingPlanner.Schedule(Pod("web-1", "100m", "128Mi").OwnedBy("ReplicaSet", "web-abc"), [a, b]);

        Assert.Equal("a", result.NodeName);
    }

    [Fact]
    public void Schedule_PreferredAffinity_HeavierMatchWins()
    {
        var hdd = NodeView.From(Node("a-hdd", labels: new Dictionary<string, string> { ["disk"] = "hdd" }), []);
        var ssd = NodeView.From(Node("b-ssd", labels: new Dictionary<string, string> { ["disk"] = "ssd" }), []);
        var pod = Pod("web", "100m", "128Mi").Preferring((80, Term(Req("disk", "In", "ssd"))), (20, Term(Req("disk", "In", "hdd"))));

        var result = SchedulingPlanner.Schedule(pod, [hdd, ssd]);

        Assert.Equal("b-ssd", result.NodeName);
        Assert.Equal([100, 25], result.Scores.Select(s => s.NodeAffinity ?? -1));
    }

    [Fact]
    public void Schedule_PreferredAffinityAgainstFreeCapacity_WeightedSum()
    {
        // Affinity (weight 2 × 100) outweighs a fuller node (weight 1 × fewer free points).
        var preferred = View(Node("a", cpu: "4", memory: "8Gi", labels: new Dictionary<string, string> { ["zone"] = "1" }), Pod("x", "2", "4Gi"));
        var other = NodeView.From(Node("b", cpu: "4", memory: "8Gi", labels: new Dictionary<string, string> { ["zone"] = "2" }), []);
        var pod = Pod("web", "100m", "128Mi").Preferring((1, Term(Req("zone", "In", "1"))));

        Assert.Equal("a", SchedulingPlanner.Schedule(pod, [preferred, other]).NodeName);
    }

    [Fact]
    public void Schedule_PreferNoScheduleTaint_Avoided()
    {
        var tainted = NodeView.From(Node("a", taints: [Taint("spot", "true", "PreferNoSchedule")]), []);
        var clean = View("b");

        var result = SchedulingPlanner.Schedule(Pod("web", "100m", "128Mi"), [tainted, clean]);

        Assert.Equal("b", result.NodeName);
        Assert.Equal([100, 0], result.Scores.Select(s => s.TaintToleration));
    }

    [Fact]
    public void Schedule_PreferNoScheduleTolerated_NotAvoided()
    {
        var tainted = NodeView.From(Node("a", taints: [Taint("spot", "true", "PreferNoSchedule")]), []);
        var pod = Pod("web", "100m", "128Mi").Tolerating(Toleration("spot", "Exists"));

        Assert.Equal("a", SchedulingPlanner.Schedule(pod, [tainted, View("b")]).NodeName);
    }

    [Fact]
    public void Schedule_Tie_NodeNameDecides()
    {
        var result = SchedulingPlanner.Schedule(Pod("web", "100m", "128Mi"), [View("c"), View("a"), View("b")]);

        Assert.Equal("a", result.NodeName);
        Assert.Equal(["a", "b", "c"], result.Scores.Select(s => s.Node));
    }

    [Fact]
    public void Score_Range_ZeroToHundred()
    {
        var full = View(Node("full", cpu: "1", memory: "1Gi"), Pod("x", "1", "1Gi"));
        var empty = View("empty", cpu: "64", memory: "256Gi");
        var pod = Pod("web").OwnedBy("ReplicaSet", "r");

        var low = SchedulingPlanner.Score(pod, full, [full, empty]);
        var high = SchedulingPlanner.Score(pod, empty, [full, empty]);

        Assert.InRange(low, 0, 100);
        Assert.InRange(high, 0, 100);
        Assert.True(high > low);
    }

    [Fact]
    public void Score_NodeMissingFromFeasible_Added()
    {
        var node = View("a");

        Assert.Equal(SchedulingPlanner.Score(Pod(), node, [node]), SchedulingPlanner.Score(Pod(), node, []));
    }
}
