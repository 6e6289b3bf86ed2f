using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Silo.Controllers.DaemonSets;
using static OrleansOrchestrator.Silo.Tests.Controllers.DaemonSets.Daemons;

namespace OrleansOrchestrator.Silo.Tests.Controllers.DaemonSets;

/// <summary>
/// Whole rolling updates of a DaemonSet, pass after pass, against simulated nodes (a created pod starts and becomes
/// ready some passes later, a deleted pod goes at once), with random node counts, limits and start-up delays from
/// fixed seeds; the limits are checked at every state.
/// </summary>
public class DaemonSetRolloutSimulationTests
{
    public static TheoryData<int> Seeds => new(Enumerable.Range(1, 60));

    [Theory]
    [MemberData(nameof(Seeds))]
    public void RollingUpdate_WithoutSurge_NeverMoreNodesUnavailableThanAllowed_AndConverges(int seed)
    {
        var random = new Random(seed);
        var nodes = NodeList(random.Next(1, 13));
        IntOrString maxUnavailable = random.Next(2) == 0 ? random.Next(1, 5) : $"{random.Next(1, 101)}%";
        var limit = DaemonSetPlanner.Limits(DaemonSet(strategy: Rolling(maxUnavailable, 0)), nodes.Count).Unavailable;
        var world = new World(DaemonSet(strategy: Rolling(maxUnavailable, 0)), nodes, random);

        world.RollOut(check: () =>
        {
            var unavailable = world.NodesWithoutAvailablePod();
            Assert.True(unavailable <= limit, $"{unavailable} nodes without an available pod, above {maxUnavailable} ({limit}) of {nodes.Count}; {world}");
            Assert.All(world.PodsPerNode(), n => Assert.True(n <= 1, $"two pods on a node without surge; {world}"));
        });
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void RollingUpdate_WithSurge_EveryNodeKeepsAnAvailablePod_AndAtMostMaxSurgeNodesRunTwo(int seed)
    {
        var random = new Random(seed);
        var nodes = NodeList(random.Next(1, 13));
        IntOrString maxSurge = random.Next(2) == 0 ? random.Next(1, 5) : $"{random.Next(1, 101)}%";
        var limit = DaemonSetPlanner.Limits(DaemonSet(strategy: Rolling(0, maxSurge)), nodes.Count).Surge;
        var world = new World(DaemonSet(strategy: Rolling(0, maxSurge)), nodes, random);

        world.RollOut(check: () =>
        {
            Assert.Equal(0, world.NodesWithoutAvailablePod());
            var doubled = world.PodsPerNode().Count(n => n == 2);
            Assert.True(doubled <= limit, $"{doubled} nodes run two pods, above {maxSurge} ({limit}) of {nodes.Count}; {world}");
            Assert.All(world.PodsPerNode(), n => Assert.True(n <= 2, $"three pods on a node; {world}"));
        });
    }

    [Fact]
    public void OnDelete_TemplateChange_ReplacesNothing_ButADeletedPodComesBackNew()
    {
        var ds = DaemonSet(strategy: new DaemonSetUpdateStrategy { Type = "OnDelete" });
        var pods = new List<Pod> { Pod(ds, "node-0", hash: "old"), Pod(ds, "node-1", hash: "old") };

        Assert.True(Plan(ds, NodeList(2), pods, hash: "new").IsEmpty);

        var step = Plan(ds, NodeList(2), [pods[0]], hash: "new");
        Assert.Equal(["node-1"], step.CreateOn);
    }

    [Fact]
    public void RollingUpdate_WithoutSurge_UnavailableOldPodsGoFirst_ThenAvailableOnesWithinTheLimit()
    {
        var ds = DaemonSet(strategy: Rolling(2, 0));
        var broken = Pod(ds, "node-0", hash: "old", ready: false);
        var fine = Enumerable.Range(1, 4).Select(i => Pod(ds, $"node-{i}", hash: "old")).ToList();

        var step = Plan(ds, NodeList(5), [broken, .. fine], hash: "new");

        // The broken pod counts against the two, so one available pod may go with it.
        Assert.Equal([broken, fine[0]], step.Delete);
    }

    [Fact]
    public void RollingUpdate_WithSurge_OldPodGoesOnceItsSuccessorIsAvailable()
    {
        var ds = DaemonSet(strategy: Rolling(0, 1), minReadySeconds: 30);
        var old = Pod(ds, "node-0", hash: "old", age: TimeSpan.FromHours(1));
        var starting = Pod(ds, "node-0", hash: "new", readyFor: TimeSpan.FromSeconds(10), age: TimeSpan.FromMinutes(1));
        var available = starting with { Status = starting.Status! with { Conditions = [new Condition { Type = "Ready", Status = "True", LastTransitionTime = Now - TimeSpan.FromSeconds(31) }] } };

        Assert.True(Plan(ds, NodeList(1), [old, starting], hash: "new").IsEmpty);
        Assert.Equal([old], Plan(ds, NodeList(1), [old, available], hash: "new").Delete);
    }

    /// <summary>Simulated nodes: the planner's steps applied, pods ready after a random number of passes.</summary>
    private sealed class World(DaemonSet ds, IReadOnlyList<Node> nodes, Random random)
    {
        private const int MaxPasses = 400;
        private readonly List<(Pod Pod, int ReadyAt)> _pods = nodes.Select(n => (Pod(ds, n.Metadata.Name!, hash: "old"), 0)).ToList();
        private int _pass;

        public void RollOut(Action check)
        {
            check();
            for (_pass = 1; _pass <= MaxPasses; _pass++)
            {
                var step = Plan(ds, nodes, Observed(), hash: "new");
                if (step.IsEmpty && Converged()) return;
                var deleted = step.Deleted.ToHashSet();
                _pods.RemoveAll(p => deleted.Contains(p.Pod.Metadata.Name!));
                foreach (var node in step.CreateOn)
                {
                    var pod = Pod(ds, node, hash: "new", age: TimeSpan.Zero, name: $"foo-{_pass}-{node}");
                    _pods.Add((pod, _pass + 1 + random.Next(0, 4)));
                }
                check();
            }
            Assert.Fail($"no convergence after {MaxPasses} passes; {this}");
        }

        private List<Pod> Observed() => _pods.Select(p => p.Pod with
        {
            Status = p.Pod.Status! with { Conditions = [new Condition { Type = "Ready", Status = p.ReadyAt <= _pass ? "True" : "False", LastTransitionTime = Now - TimeSpan.FromMinutes(5) }] },
        }).ToList();

        private bool Converged() =>
            nodes.All(n => _pods.Count(p => p.Pod.Spec.NodeName == n.Metadata.Name) == 1)
            && _pods.All(p => HashOf(p.Pod) == "new" && p.ReadyAt <= _pass);

        public int NodesWithoutAvailablePod() =>
            nodes.Count(n => !_pods.Any(p => p.Pod.Spec.NodeName == n.Metadata.Name && p.ReadyAt <= _pass));

        public IEnumerable<int> PodsPerNode() => nodes.Select(n => _pods.Count(p => p.Pod.Spec.NodeName == n.Metadata.Name));

        public override string ToString() =>
            $"pass {_pass}: " + string.Join(", ", nodes.Select(n => $"{n.Metadata.Name}[{string.Join(" ", _pods.Where(p => p.Pod.Spec.NodeName == n.Metadata.Name).Select(p => $"{HashOf(p.Pod)}{(p.ReadyAt <= _pass ? "+" : "-")}"))}]"));
    }
}
