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

        var (placed, unplaced) = SchedulingPass.Plan(pending, views);

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

        var (placed, unplaced) = SchedulingPass.Plan([Pod("first", cpu: "1"), Pod("second", cpu: "1")], views);

        Assert.Equal("first", Assert.Single(placed).Pod.Metadata.Name);
        Assert.Equal("second", Assert.Single(unplaced).Pod.Metadata.Name);
    }

    [Fact]
    public void Plan_MatchesPlacingOneAtATime()
    {
        var pending = Enumerable.Range(0, 40).Select(i => Pod($"p{i:00}", cpu: $"{100 + i * 37 % 400}m", memory: "256Mi")).ToList();
        List<NodeView> Nodes() => Enumerable.Range(0, 7).Select(i => View($"n{i}", cpu: $"{1 + i % 3}", memory: "4Gi")).ToList();

        var (placed, _) = SchedulingPass.Plan(pending, Nodes());

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
}
