using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Silo.Controllers.DaemonSets;
using static OrleansOrchestrator.Silo.Tests.Controllers.DaemonSets.Daemons;

namespace OrleansOrchestrator.Silo.Tests.Controllers.DaemonSets;

/// <summary>The cases of Kubernetes' daemon_controller_test.go that our model can express: which nodes get a pod, which lose theirs.</summary>
public class DaemonSetPlannerTests
{
    [Fact]
    public void Plan_FiveNodesNoPods_OnePodOnEach()
    {
        var step = Plan(DaemonSet(), NodeList(5), []);

        Assert.Equal(["node-0", "node-1", "node-2", "node-3", "node-4"], step.CreateOn);
        Assert.Empty(step.Delete);
    }

    [Fact]
    public void Plan_EveryNodeHasItsPod_NothingToDo()
    {
        var ds = DaemonSet();

        var step = Plan(ds, NodeList(3), [Pod(ds, "node-0"), Pod(ds, "node-1"), Pod(ds, "node-2")]);

        Assert.True(step.IsEmpty);
    }

    [Fact]
    public void Plan_NodeSelector_OnlyMatchingNodes()
    {
        var ds = DaemonSet(Samples.PodSpec() with { NodeSelector = Samples.Labels(("color", "blue")) });
        Node[] nodes = [Node("a", Samples.Labels(("color", "blue"))), Node("b", Samples.Labels(("color", "red"))), Node("c")];

        Assert.Equal(["a"], Plan(ds, nodes, []).CreateOn);
    }

    [Fact]
    public void Plan_PodOnNodeThatNoLongerMatchesTheSelector_Deleted()
    {
        var ds = DaemonSet(Samples.PodSpec() with { NodeSelector = Samples.Labels(("color", "blue")) });
        var stray = Pod(ds, "b");

        var step = Plan(ds, [Node("a", Samples.Labels(("color", "blue"))), Node("b", Samples.Labels(("color", "red")))], [Pod(ds, "a"), stray]);

        Assert.Equal([stray], step.Delete);
        Assert.Empty(step.CreateOn);
    }

    [Fact]
    public void Plan_RequiredNodeAffinity_OnlyNodesOfSomeTerm()
    {
        var affinity = new Affinity
        {
            NodeAffinity = new NodeAffinity
            {
                RequiredDuringSchedulingIgnoredDuringExecution = new NodeSelector
                {
                    NodeSelectorTerms =
                    [
                        new NodeSelectorTerm { MatchExpressions = [new LabelSelectorRequirement { Key = "zone", Operator = "In", Values = ["east"] }] },
                        new NodeSelectorTerm { MatchFields = [new LabelSelectorRequirement { Key = "metadata.name", Operator = "In", Values = ["c"] }] },
                    ],
                },
            },
        };
        var ds = DaemonSet(Samples.PodSpec() with { Affinity = affinity });

        var step = Plan(ds, [Node("a", Samples.Labels(("zone", "east"))), Node("b", Samples.Labels(("zone", "west"))), Node("c")], []);

        Assert.Equal(["a", "c"], step.CreateOn);
    }

    [Fact]
    public void Plan_TemplateNamesANode_OnlyThatNode()
    {
        var ds = DaemonSet(Samples.PodSpec() with { NodeName = "b" });

        Assert.Equal(["b"], Plan(ds, NodeList(0).Concat([Node("a"), Node("b")]).ToList(), []).CreateOn);
    }

    [Fact]
    public void Plan_UntoleratedNoScheduleTaint_NoNewPod_ButTheRunningOneStays()
    {
        var ds = DaemonSet();
        Node[] nodes = [Node("tainted", taints: [Taint("dedicated", "NoSchedule", "db")]), Node("fresh-tainted", taints: [Taint("dedicated", "NoSchedule", "db")])];

        var step = Plan(ds, nodes, [Pod(ds, "tainted")]);

        Assert.True(step.IsEmpty);
    }

    [Fact]
    public void Plan_UntoleratedNoExecuteTaint_PodEvicted()
    {
        var ds = DaemonSet();
        var pod = Pod(ds, "tainted");

        var step = Plan(ds, [Node("tainted", taints: [Taint("dedicated", "NoExecute", "db")])], [pod]);

        Assert.Equal([pod], step.Delete);
        Assert.Empty(step.CreateOn);
    }

    [Fact]
    public void Plan_ToleratedTaints_PodPlaced()
    {
        var ds = DaemonSet(Samples.PodSpec() with { Tolerations = [Tolerate("dedicated", "NoSchedule", "db"), Tolerate("gpu", "NoExecute")] });

        var step = Plan(ds, [Node("a", taints: [Taint("dedicated", "NoSchedule", "db"), Taint("gpu", "NoExecute", "true")])], []);

        Assert.Equal(["a"], step.CreateOn);
    }

    [Fact]
    public void Plan_PreferNoScheduleTaint_IgnoredLikeKubernetes()
    {
        Assert.Equal(["a"], Plan(DaemonSet(), [Node("a", taints: [Taint("soft", "PreferNoSchedule")])], []).CreateOn);
    }

    [Fact]
    public void Plan_CordonedAndPressuredNodes_StillGetTheirPod_TheDaemonTolerationsCoverThem()
    {
        Node[] nodes =
        [
            Node("cordoned", unschedulable: true),
            Node("memory", conditions: ("MemoryPressure", "True")),
            Node("disk", conditions: ("DiskPressure", "True")),
            Node("pid", conditions: ("PIDPressure", "True")),
        ];

        Assert.Equal(["cordoned", "disk", "memory", "pid"], Plan(DaemonSet(), nodes, []).CreateOn);
    }

    [Fact]
    public void Plan_NetworkUnavailableNode_OnlyForHostNetworkPods()
    {
        Node[] nodes = [Node("no-network", conditions: ("NetworkUnavailable", "True"))];

        Assert.Empty(Plan(DaemonSet(), nodes, []).CreateOn);
        Assert.Equal(["no-network"], Plan(DaemonSet(Samples.PodSpec() with { HostNetwork = true }), nodes, []).CreateOn);
    }

    [Fact]
    public void Plan_NotReadyNode_NoNewPod_ButTheRunningOneStays()
    {
        // The node is tainted not-ready: NoSchedule keeps new pods off, NoExecute the daemon pod tolerates for ever.
        var ds = DaemonSet();

        Assert.Empty(Plan(ds, [Node("sick", ready: "False")], []).CreateOn);
        Assert.True(Plan(ds, [Node("sick", ready: "False")], [Pod(ds, "sick")]).IsEmpty);
        Assert.True(Plan(ds, [Node("gone-quiet", ready: "Unknown")], [Pod(ds, "gone-quiet")]).IsEmpty);
    }

    [Fact]
    public void Plan_TwoPodsOnANode_TheNewerGoes_TheOldestStays()
    {
        var ds = DaemonSet();
        var oldest = Pod(ds, "a", age: TimeSpan.FromHours(2));
        var newer = Pod(ds, "a", age: TimeSpan.FromHours(1));
        var newest = Pod(ds, "a", age: TimeSpan.FromMinutes(1));

        var step = Plan(ds, [Node("a")], [newest, oldest, newer]);

        Assert.Equal([newer, newest], step.Delete);
    }

    [Fact]
    public void Plan_ScheduledPodIsKeptBeforeAnOlderUnscheduledOne()
    {
        var ds = DaemonSet();
        var unscheduled = Pod(ds, "a", age: TimeSpan.FromHours(2), bound: false);
        var scheduled = Pod(ds, "a", age: TimeSpan.FromHours(1));

        Assert.Equal([unscheduled], Plan(ds, [Node("a")], [unscheduled, scheduled]).Delete);
    }

    [Fact]
    public void Plan_FailedPod_DeletedAndReported_UnlessItsNodeIsInBackoff()
    {
        var ds = DaemonSet();
        var failed = Pod(ds, "a", phase: "Failed", ready: false);

        var step = Plan(ds, [Node("a")], [failed]);
        Assert.Equal([failed], step.DeleteFailed);
        Assert.Empty(step.CreateOn); // its successor comes once it is gone

        var waiting = Plan(ds, [Node("a")], [failed], backoff: new HashSet<string> { "a" });
        Assert.True(waiting.IsEmpty);
        Assert.True(waiting.WaitingOnBackoff);
    }

    [Fact]
    public void Plan_SucceededPod_Deleted()
    {
        var ds = DaemonSet();
        var done = Pod(ds, "a", phase: "Succeeded", ready: false);

        Assert.Equal([done], Plan(ds, [Node("a")], [done]).Delete);
    }

    [Fact]
    public void Plan_PodBeingDeleted_NoReplacementUntilItIsGone()
    {
        var ds = DaemonSet();
        var going = Pod(ds, "a") is var p ? p with { Metadata = p.Metadata with { DeletionTimestamp = Now } } : null!;

        Assert.True(Plan(ds, [Node("a")], [going]).IsEmpty);
    }

    [Fact]
    public void Plan_FinishedPodBeingDeleted_IgnoredAndReplaced()
    {
        var ds = DaemonSet();
        var gone = Pod(ds, "a", phase: "Failed", ready: false) is var p ? p with { Metadata = p.Metadata with { DeletionTimestamp = Now } } : null!;

        Assert.Equal(["a"], Plan(ds, [Node("a")], [gone]).CreateOn);
    }

    [Fact]
    public void Plan_PodsOfANodeThatIsGone_DeletedAtOnce()
    {
        var ds = DaemonSet();
        var bound = Pod(ds, "gone");
        var pending = Pod(ds, "gone-too", bound: false);

        var step = Plan(ds, [Node("a")], [Pod(ds, "a"), bound, pending]);

        Assert.Equal([bound, pending], step.ForceDelete);
    }

    [Fact]
    public void NewPod_PinnedToItsNode_LabelledWithRevision_TolerationsAdded()
    {
        var affinity = new Affinity
        {
            NodeAffinity = new NodeAffinity
            {
                RequiredDuringSchedulingIgnoredDuringExecution = new NodeSelector
                {
                    NodeSelectorTerms = [new NodeSelectorTerm { MatchExpressions = [new LabelSelectorRequirement { Key = "zone", Operator = "Exists" }] }],
                },
            },
        };
        var ds = DaemonSet(Samples.PodSpec() with
        {
            Affinity = affinity,
            Tolerations = [new Toleration { Key = DaemonPods.NotReadyTaint, Operator = "Exists", Effect = "NoExecute", TolerationSeconds = 300 }],
        });

        var pod = DaemonPods.NewPod(ds, "node-7", "abc123");

        Assert.StartsWith("foo-", pod.Metadata.Name);
        Assert.Equal("abc123", pod.Metadata.Labels!["controller-revision-hash"]);
        Assert.Equal("1", pod.Metadata.Labels!["pod-template-generation"]);
        Assert.Equal("foo", Assert.Single(pod.Metadata.OwnerReferences!).Name);
        var term = Assert.Single(pod.Spec.Affinity!.NodeAffinity!.RequiredDuringSchedulingIgnoredDuringExecution!.NodeSelectorTerms);
        var field = Assert.Single(term.MatchFields!);
        Assert.Equal(("metadata.name", "In", "node-7"), (field.Key, field.Operator, Assert.Single(field.Values!)));
        Assert.Null(term.MatchExpressions);
        Assert.Equal("node-7", DaemonPods.TargetNode(pod));
        Assert.Equal(
            [
                "node.kubernetes.io/not-ready:NoExecute:", "node.kubernetes.io/unreachable:NoExecute:", "node.kubernetes.io/disk-pressure:NoSchedule:",
                "node.kubernetes.io/memory-pressure:NoSchedule:", "node.kubernetes.io/pid-pressure:NoSchedule:", "node.kubernetes.io/unschedulable:NoSchedule:",
            ],
            pod.Spec.Tolerations!.Select(t => $"{t.Key}:{t.Effect}:{t.TolerationSeconds}"));
    }

    [Fact]
    public void Limits_PercentagesRoundUp_BothZeroMeansOneUnavailable()
    {
        Assert.Equal((0, 1), DaemonSetPlanner.Limits(DaemonSet(), 10));
        Assert.Equal((0, 3), DaemonSetPlanner.Limits(DaemonSet(strategy: Rolling(maxUnavailable: "25%")), 10));
        Assert.Equal((2, 0), DaemonSetPlanner.Limits(DaemonSet(strategy: Rolling(maxUnavailable: 0, maxSurge: "11%")), 10));
        Assert.Equal((0, 1), DaemonSetPlanner.Limits(DaemonSet(strategy: Rolling(maxUnavailable: "0%", maxSurge: "0%")), 10));
        Assert.Equal((0, 0), DaemonSetPlanner.Limits(DaemonSet(strategy: new DaemonSetUpdateStrategy { Type = "OnDelete" }), 10));
    }

    [Fact]
    public void Status_CountsAsKubernetes()
    {
        var ds = DaemonSet(Samples.PodSpec() with { NodeSelector = Samples.Labels(("daemon", "yes")) }, minReadySeconds: 60);
        var yes = Samples.Labels(("daemon", "yes"));
        Node[] nodes = [Node("a", yes), Node("b", yes), Node("c", yes), Node("d", yes), Node("e")];
        Pod[] pods =
        [
            Pod(ds, "a"),                                           // current, ready, available
            Pod(ds, "b", readyFor: TimeSpan.FromSeconds(10)),       // ready, not yet available
            Pod(ds, "c", hash: "old", ready: false),               // old revision, not ready
            Pod(ds, "e"),                                           // on a node that should not run it
        ];

        var status = DaemonSetPlanner.Status(new DaemonSetPlanInput(ds, "h1", nodes, pods, Now), collisionCount: null);

        Assert.Equal(4, status.DesiredNumberScheduled);
        Assert.Equal(3, status.CurrentNumberScheduled);
        Assert.Equal(1, status.NumberMisscheduled);
        Assert.Equal(2, status.NumberReady);
        Assert.Equal(1, status.NumberAvailable);
        Assert.Equal(3, status.NumberUnavailable);
        Assert.Equal(2, status.UpdatedNumberScheduled);
        Assert.Equal(1, status.ObservedGeneration);
        Assert.Equal(TimeSpan.FromSeconds(50), DaemonSetPlanner.NextAvailability(new DaemonSetPlanInput(ds, "h1", nodes, pods, Now)));
    }

    [Fact]
    public void Status_NothingToCount_ZeroesLeftOutAsInKubernetes()
    {
        var status = DaemonSetPlanner.Status(new DaemonSetPlanInput(DaemonSet(), "h1", [], [], Now), collisionCount: null);

        Assert.Equal((0, 0, 0, 0), (status.DesiredNumberScheduled, status.CurrentNumberScheduled, status.NumberMisscheduled, status.NumberReady));
        Assert.Null(status.NumberAvailable);
        Assert.Null(status.NumberUnavailable);
        Assert.Null(status.UpdatedNumberScheduled);
    }

    [Fact]
    public void Backoff_DoublesPerFailure_UpToFifteenMinutes_AndForgetsOldFailures()
    {
        var backoff = new FailedPodBackoff();
        backoff.Failed("a", Now);
        Assert.Contains("a", backoff.Waiting(Now + TimeSpan.FromMilliseconds(900)));
        Assert.DoesNotContain("a", backoff.Waiting(Now + TimeSpan.FromSeconds(1)));

        backoff.Failed("a", Now + TimeSpan.FromSeconds(1));
        Assert.Equal(TimeSpan.FromSeconds(2), backoff.NextRetry(Now + TimeSpan.FromSeconds(1)));
        for (var i = 0; i < 20; i++) backoff.Failed("a", Now + TimeSpan.FromSeconds(2));
        Assert.Equal(FailedPodBackoff.Longest, backoff.NextRetry(Now + TimeSpan.FromSeconds(2)));

        var much = Now + TimeSpan.FromHours(1);
        backoff.Failed("a", much);
        Assert.Equal(FailedPodBackoff.Initial, backoff.NextRetry(much));
    }
}
