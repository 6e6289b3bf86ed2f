using OrleansOrchestrator.Silo.Controllers.Scheduling;
using static OrleansOrchestrator.Silo.Tests.Controllers.Scheduling.SchedulingSamples;

namespace OrleansOrchestrator.Silo.Tests.Controllers.Scheduling;

public class SchedulingPassTests
{
    [Fact]
    public void Plan_EachDecisionSeesTheEarlierOnes_NoNodeIsOvercommitted()
    {
        // Two nodes with room for two 1-CPU pods each: five pods → four placed, two per node, one left over.
        var views = new List<NodeView> { View("a", cpu: "2"), View("b", cpu: "2") };
        var pending = Enumerable.Range(0, 5).Select(i => Pod($"p{i}", cpu: "1")).ToList();

        var (placed, unplaced, _) = SchedulingPass.Plan(pending, views);

        Assert.Equal(4, placed.Count);
        Assert.Equal(2, placed.Count(p => p.NodeName == "a"));
        Assert.Equal(2, placed.Count(p => p.NodeName == "b"));
        Assert.Equal("p4", Assert.Single(unplaced).Pod.Metadata.Name);
        Assert.Contains("Insufficient cpu", unplaced[0].Message);
        Assert.All(views, v => Assert.Equal(2000, v.RequestedMilliCpu));
    }

    [Fact]
    public void Plan_KeepsTheCallersOrder_EarlierPodsGetTheRoom()
    {
        var views = new List<NodeView> { View("only", cpu: "1") };

        var (placed, unplaced, _) = SchedulingPass.Plan([Pod("first", cpu: "1"), Pod("second", cpu: "1")], views);

        Assert.Equal("first", Assert.Single(placed).Pod.Metadata.Name);
        Assert.Equal("second", Assert.Single(unplaced).Pod.Metadata.Name);
    }

    [Fact]
    public void Plan_MatchesPlacingOneAtATime()
    {
        var pending = Enumerable.Range(0, 40).Select(i => Pod($"p{i:00}", cpu: $"{100 + i * 37 % 400}m", memory: "256Mi")).ToList();
        List<NodeView> Nodes() => Enumerable.Range(0, 7).Select(i => View($"n{i}", cpu: $"{1 + i % 3}", memory: "4Gi")).ToList();

        var (placed, _, _) = SchedulingPass.Plan(pending, Nodes());

        var views = Nodes();
        var oneByOne = new List<(string, string)>();
        foreach (var pod in pending)
        {
            if (SchedulingPlanner.Schedule(pod, views).NodeName is not { } node) continue;
            var at = views.FindIndex(v => v.Name == node);
            views[at] = views[at].WithPod(pod with { Spec = pod.Spec with { NodeName = node } });
            oneByOne.Add((pod.Metadata.Name!, node));
        }
        Assert.Equal(oneByOne, placed.Select(p => (p.Pod.Metadata.Name!, p.NodeName)));
    }

    [Theory]
    [InlineData(5, 5)]
    [InlineData(99, 99)]
    [InlineData(100, 100)]
    [InlineData(150, 100)]
    [InlineData(1000, 420)]
    [InlineData(5000, 500)]
    [InlineData(6000, 300)]
    [InlineData(100000, 5000)]
    public void FeasibleNodesToFind_KubernetesAdaptiveDefault(int nodes, int expected) =>
        Assert.Equal(expected, SchedulingPass.FeasibleNodesToFind(nodes));

    [Fact]
    public void Plan_LargeCluster_SearchesFromARotatingStart_AndScoresOnlyWhatItFound()
    {
        // 1,000 equal nodes: each pod looks at 420 of them, starting where the previous pod stopped.
        var views = Enumerable.Range(0, 1000).Select(i => View($"n{i:0000}")).ToList();

        var plan = SchedulingPass.Plan([Pod("a"), Pod("b"), Pod("c")], views, startNodeIndex: 900);

        // Ties go to the first name. Windows: n0900..n0319, n0320..n0739, n0740..n0159 (where n0000 already holds
        // a pod, so the empty n0001 wins).
        Assert.Equal(["n0000", "n0320", "n0001"], plan.Placed.Select(p => p.NodeName));
        Assert.Equal((900 + 3 * 420) % 1000, plan.NextStartNodeIndex);
    }

    [Fact]
    public void Plan_LargeCluster_NothingFitsInTheWindow_LooksAtEveryNode()
    {
        // Only the last node has room; the search walks on until it finds it.
        var views = Enumerable.Range(0, 999).Select(i => View($"n{i:0000}", cpu: "1")).Append(View("z-big", cpu: "8")).ToList();

        var plan = SchedulingPass.Plan([Pod("big", cpu: "4")], views);

        Assert.Equal("z-big", Assert.Single(plan.Placed).NodeName);
    }

    [Fact]
    public void Plan_LargeCluster_FitsNowhere_MessageCoversEveryNode()
    {
        var views = Enumerable.Range(0, 500).Select(i => View($"n{i:000}", cpu: "1")).ToList();

        var plan = SchedulingPass.Plan([Pod("huge", cpu: "4")], views);

        Assert.StartsWith("0/500 nodes are available: 500 Insufficient cpu.", Assert.Single(plan.Unplaced).Message);
    }
}
