using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Silo.Controllers.Scheduling;
using static OrleansOrchestrator.Silo.Tests.Controllers.Scheduling.SchedulingSamples;

namespace OrleansOrchestrator.Silo.Tests.Controllers.Scheduling;

public class SchedulingPropertyTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Schedule_ThousandRandomPodsOnTwentyRandomNodes_NoNodeOvercommitted(int seed)
    {
        var random = new Random(seed);
        var nodes = Enumerable.Range(0, 20).Select(i => RandomNode(random, $"node-{i:00}")).ToArray();
        var placed = 0;

        for (var i = 0; i < 1000; i++)
        {
            var pod = RandomPod(random, $"pod-{i:0000}");
            var result = SchedulingPlanner.Schedule(pod, nodes);
            if (result.NodeName is { } chosen)
            {
                placed++;
                var index = Array.FindIndex(nodes, n => n.Name == chosen);
                Assert.Null(SchedulingPlanner.Filter(pod, nodes[index]));
                nodes[index] = nodes[index].WithPod(pod.OnNode(chosen));
            }
            else
            {
                Assert.StartsWith("0/20 nodes are available: ", result.Message);
                Assert.Equal(20, result.Failures.Count);
            }

            foreach (var node in nodes)
            {
                Assert.InRange(node.RequestedMilliCpu, 0, node.AllocatableMilliCpu);
                Assert.InRange(node.RequestedMemory, 0, node.AllocatableMemory);
                Assert.InRange(node.PodCount, 0, node.AllocatablePods);
            }
        }

        // The incremental accounting equals a view built afresh from the same pods.
        foreach (var node in nodes)
        {
            var rebuilt = NodeView.From(node.Node, node.Pods.Values.Select(p => p.Pod));
            Assert.Equal(rebuilt.RequestedMilliCpu, node.RequestedMilliCpu);
            Assert.Equal(rebuilt.RequestedMemory, node.RequestedMemory);
            Assert.Equal(rebuilt.NonZeroRequestedMilliCpu, node.NonZeroRequestedMilliCpu);
            Assert.Equal(rebuilt.PodCount, node.PodCount);
            Assert.Equal(rebuilt.UsedHostPorts, node.UsedHostPorts);
        }
        Assert.InRange(placed, 100, 999);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Best_RandomPodsOnRandomNodes_IsTheFirstOfTheRanking(int seed)
    {
        var random = new Random(seed);
        // Some nodes alike (same labels and load) so that ties, broken by name, occur.
        var nodes = Enumerable.Range(0, 40).Select(i => RandomNode(new Random(seed * 100 + i % 7), $"node-{39 - i:00}")).ToList();

        for (var i = 0; i < 300; i++)
        {
            var pod = RandomPod(random, $"pod-{i:0000}");
            var feasible = nodes.Where(n => SchedulingPlanner.Filter(pod, n) is null).ToList();
            if (feasible.Count == 0) continue;

            var requests = PodRequests.Of(pod.Spec);
            var ranked = NodeScoring.ScoreAll(pod, requests, feasible);
            var best = NodeScoring.Best(pod, requests, feasible);

            Assert.Equal(ranked[0], best);
            var at = nodes.FindIndex(n => n.Name == best.Node);
            nodes[at] = nodes[at].WithPod(pod.OnNode(best.Node));
        }
    }

    private static NodeView RandomNode(Random random, string name)
    {
        var labels = new Dictionary<string, string>
        {
            ["kubernetes.io/hostname"] = name,
            ["topology.kubernetes.io/zone"] = $"zone-{random.Next(3)}",
            ["disk"] = random.Next(2) == 0 ? "ssd" : "hdd",
        };
        var taints = random.Next(5) == 0 ? new[] { Taint("dedicated", "batch", random.Next(2) == 0 ? "NoSchedule" : "PreferNoSchedule") } : null;
        var node = Node(
            name,
            cpu: $"{random.Next(500, 16_000)}m",
            memory: $"{random.Next(512, 32 * 1024)}Mi",
            pods: random.Next(3, 60).ToString(System.Globalization.CultureInfo.InvariantCulture),
            labels: labels,
            taints: taints,
            unschedulable: random.Next(20) == 0,
            ready: random.Next(20) == 0 ? "False" : "True");
        return NodeView.From(node, []);
    }

    private static Pod RandomPod(Random random, string name)
    {
        string? Cpu() => random.Next(4) == 0 ? null : $"{random.Next(0, 2000)}m";
        string? Memory() => random.Next(4) == 0 ? null : $"{random.Next(0, 2048)}Mi";

        var containers = Enumerable.Range(0, random.Next(1, 3)).Select(c => random.Next(5) == 0
            ? Container(name: $"c{c}", limitCpu: Cpu(), limitMemory: Memory())
            : Container(Cpu(), Memory(), name: $"c{c}")).ToList();
        var init = random.Next(4) == 0 ? new List<Container> { Container(Cpu(), Memory(), name: "init") } : null;
        var pod = PodOf(new PodSpec { Containers = containers, InitContainers = init }, name)
            .WithLabels(("app", $"app-{random.Next(5)}"))
            .OwnedBy("ReplicaSet", $"rs-{random.Next(5)}")
            .WithPriority(random.Next(3) * 100);
        if (random.Next(10) == 0) pod = pod.WithHostPort(random.Next(8000, 8010));
        if (random.Next(8) == 0) pod = pod.WithNodeSelector(("disk", "ssd"));
        if (random.Next(8) == 0) pod = pod.Tolerating(Toleration("dedicated", "Exists"));
        return pod;
    }
}
