using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Contracts.Store;
using OrleansOrchestrator.Silo.Admission;
using OrleansOrchestrator.Silo.Controllers;
using OrleansOrchestrator.Silo.Controllers.NodeLifecycle;
using OrleansOrchestrator.Silo.Nodes;

namespace OrleansOrchestrator.Silo.Tests.Controllers.NodeLifecycle;

/// <summary>
/// The pure decisions of node failure handling: which taints a node's Ready calls for, which conditions a silent node
/// gets, when it is silent, which tolerations a new pod is given, and when each pod on a tainted node is evicted.
/// </summary>
public class NodeFailureDecisionTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 3, 8, 0, 0, TimeSpan.Zero);

    private static Taint UserTaint => new() { Key = "dedicated", Value = "gpu", Effect = "NoSchedule" };

    [Fact]
    public void Unknown_GetsBothUnreachableTaints_WithTheTimeOnNoExecute_AndKeepsAUsersTaint()
    {
        var taints = NodeTaints.Reconciled([UserTaint], "Unknown", Now)!;
        Assert.Equal(
            [("dedicated", "NoSchedule", (DateTimeOffset?)null), (NodeTaints.Unreachable, "NoSchedule", null), (NodeTaints.Unreachable, "NoExecute", Now)],
            taints.Select(t => (t.Key, t.Effect, t.TimeAdded)));
    }

    [Fact]
    public void False_GetsNotReadyTaints_InsteadOfUnreachableOnes()
    {
        var unreachable = NodeTaints.Reconciled(null, "Unknown", Now)!;
        var notReady = NodeTaints.Reconciled(unreachable, "False", Now.AddSeconds(7))!;
        Assert.Equal([(NodeTaints.NotReady, "NoSchedule"), (NodeTaints.NotReady, "NoExecute")], notReady.Select(t => (t.Key, t.Effect)));
        Assert.Equal(Now.AddSeconds(7), notReady.Single(t => t.Effect == "NoExecute").TimeAdded);
    }

    [Fact]
    public void True_RemovesOnlyTheManagedTaints()
    {
        var tainted = NodeTaints.Reconciled([UserTaint], "Unknown", Now)!;
        Assert.Equal([UserTaint], NodeTaints.Reconciled(tainted, "True", Now)!);
        Assert.Empty(NodeTaints.Reconciled(NodeTaints.Reconciled(null, "False", Now), "True", Now)!);
    }

    [Fact]
    public void AlreadyMatching_IsNoChange_AndKeepsWhenTheTaintWasAdded()
    {
        var tainted = NodeTaints.Reconciled(null, "Unknown", Now)!;
        Assert.Null(NodeTaints.Reconciled(tainted, "Unknown", Now.AddMinutes(3)));
        Assert.Null(NodeTaints.Reconciled([UserTaint], "True", Now));
        Assert.Null(NodeTaints.Reconciled(null, "True", Now));
        // One of the pair missing (removed by hand): only it is added back, the other keeps its time.
        var half = NodeTaints.Reconciled([tainted[1]], "Unknown", Now.AddMinutes(1))!;
        Assert.Equal([("NoExecute", (DateTimeOffset?)Now), ("NoSchedule", null)], half.Select(t => (t.Effect, t.TimeAdded)));
    }

    [Fact]
    public void Silence_IsLongerThanTheGracePeriod()
    {
        var grace = TimeSpan.FromSeconds(40);
        Assert.False(NodeSilence.IsSilent(Now.AddSeconds(-40), Now, grace));
        Assert.True(NodeSilence.IsSilent(Now.AddSeconds(-41), Now, grace));
    }

    [Fact]
    public void SilentNode_HasEveryConditionUnknown_AndThoseNeverPostedAdded()
    {
        var reported = new NodeStatus
        {
            Conditions = [new Condition { Type = "Ready", Status = "True", Reason = "KubeletReady", LastTransitionTime = Now.AddHours(-1) }],
        };
        var unknown = NodeConditions.Unknown(reported, Now.AddMilliseconds(300)).Conditions!;
        var ready = unknown.Single(c => c.Type == "Ready");
        Assert.Equal(("Unknown", "NodeStatusUnknown", "Kubelet stopped posting node status.", (DateTimeOffset?)Now), (ready.Status, ready.Reason, ready.Message, ready.LastTransitionTime));
        Assert.Equal(["DiskPressure", "MemoryPressure", "PIDPressure", "Ready"], unknown.Select(c => c.Type).Order());
        Assert.All(unknown.Where(c => c.Type != "Ready"), c => Assert.Equal(("Unknown", "NodeStatusNeverUpdated"), (c.Status, c.Reason)));
    }

    [Fact]
    public void PodNotReady_FlipsOnlyAReadyPod()
    {
        var ready = Samples.Pod() with { Status = new PodStatus { Phase = "Running", Conditions = [new Condition { Type = "Ready", Status = "True" }, new Condition { Type = "PodScheduled", Status = "True" }] } };
        var status = PodReadiness.NotReady(ready, Now)!;
        Assert.Equal([("Ready", "False"), ("PodScheduled", "True")], status.Conditions!.Select(c => (c.Type, c.Status)));
        Assert.Null(PodReadiness.NotReady(ready with { Status = status }, Now));
        Assert.Null(PodReadiness.NotReady(Samples.Pod(), Now));
    }

    private static Pod PodWith(params Toleration[] tolerations) => Samples.Pod() with { Spec = Samples.PodSpec() with { Tolerations = tolerations } };

    private static Toleration Tolerating(string key, long? seconds) => new() { Key = key, Operator = "Exists", Effect = "NoExecute", TolerationSeconds = seconds };

    private static readonly IReadOnlyList<Taint> UnreachableSince = NodeTaints.Reconciled(null, "Unknown", Now)!;

    private static readonly ControllerOptions Defaults = new();

    private static readonly Taint Maintenance = new() { Key = "maintenance", Effect = "NoExecute", TimeAdded = Now };

    [Fact]
    public void Eviction_UntoleratedTaint_AtOnce()
    {
        Assert.Equal(Now.AddMinutes(2), TaintEviction.EvictAt(PodWith(), [Maintenance], Now.AddMinutes(2), Defaults));
        Assert.Equal(Now.AddMinutes(2), TaintEviction.EvictAt(PodWith(Tolerating(NodeTaints.Unreachable, null)), [.. UnreachableSince, Maintenance], Now.AddMinutes(2), Defaults));
    }

    [Fact]
    public void Eviction_PodWithoutTheDefaultTolerations_GetsTheConfiguredSecondsOnAFailedNode()
    {
        // Stored before the admission added the defaults (or restored from an older snapshot): five minutes, not at once.
        Assert.Equal(Now.AddSeconds(300), TaintEviction.EvictAt(PodWith(), UnreachableSince, Now.AddSeconds(41), Defaults));
        Assert.False(TaintEviction.IsDue(PodWith(), UnreachableSince, Now.AddSeconds(41), Defaults));
        var notReady = NodeTaints.Reconciled(null, "False", Now)!;
        var options = new ControllerOptions { DefaultNotReadyTolerationSeconds = 30, DefaultUnreachableTolerationSeconds = 90 };
        Assert.Equal(Now.AddSeconds(30), TaintEviction.EvictAt(PodWith(), notReady, Now, options));
        Assert.Equal(Now.AddSeconds(90), TaintEviction.EvictAt(PodWith(), UnreachableSince, Now, options));
        // One of the two tolerated by the pod itself: the other still gets its default.
        Assert.Equal(Now.AddSeconds(90), TaintEviction.EvictAt(PodWith(Tolerating(NodeTaints.NotReady, 10)), UnreachableSince, Now, options));
        // A toleration of the key that does not match (a value the taint lacks) is the pod's own choice, as at admission: at once.
        var mismatched = new Toleration { Key = NodeTaints.Unreachable, Operator = "Equal", Value = "x", Effect = "NoExecute" };
        Assert.Equal(Now, TaintEviction.EvictAt(PodWith(mismatched), UnreachableSince, Now, options));
    }

    [Fact]
    public void Eviction_TolerationSeconds_CountFromWhenTheTaintWasAdded()
    {
        var pod = PodWith(Tolerating(NodeTaints.Unreachable, 300));
        Assert.Equal(Now.AddSeconds(300), TaintEviction.EvictAt(pod, UnreachableSince, Now.AddSeconds(10), Defaults));
        Assert.False(TaintEviction.IsDue(pod, UnreachableSince, Now.AddSeconds(299), Defaults));
        Assert.True(TaintEviction.IsDue(pod, UnreachableSince, Now.AddSeconds(300), Defaults));
        Assert.True(TaintEviction.IsDue(PodWith(Tolerating(NodeTaints.Unreachable, 0)), UnreachableSince, Now, Defaults));
    }

    [Fact]
    public void Eviction_ForEverToleration_Never_AndOnlyNoExecuteCounts()
    {
        Assert.Null(TaintEviction.EvictAt(PodWith(Tolerating(NodeTaints.Unreachable, null)), UnreachableSince, Now.AddDays(30), Defaults));
        // Every key, every effect, for ever: a pod that tolerates everything stays.
        Assert.Null(TaintEviction.EvictAt(PodWith(new Toleration { Operator = "Exists" }), UnreachableSince, Now, Defaults));
        Assert.Null(TaintEviction.EvictAt(PodWith(), [UserTaint], Now, Defaults));
        Assert.Null(TaintEviction.EvictAt(PodWith(), null, Now, Defaults));
    }

    [Fact]
    public void Eviction_TwoTaints_TheEarliestRunOutWins()
    {
        var taints = new List<Taint>(UnreachableSince) { new() { Key = "maintenance", Effect = "NoExecute", TimeAdded = Now.AddSeconds(20) } };
        var pod = PodWith(Tolerating(NodeTaints.Unreachable, 300), Tolerating("maintenance", 60));
        Assert.Equal(Now.AddSeconds(80), TaintEviction.EvictAt(pod, taints, Now, Defaults));
        var staysForMaintenance = PodWith(Tolerating(NodeTaints.Unreachable, 300), Tolerating("maintenance", null));
        Assert.Equal(Now.AddSeconds(300), TaintEviction.EvictAt(staysForMaintenance, taints, Now, Defaults));
    }

    private static async Task<Pod> Admitted(Pod pod, ControllerOptions? options = null, AdmissionOperation operation = AdmissionOperation.Create) =>
        (Pod)await new DefaultTolerationSeconds(options ?? new ControllerOptions()).Mutate(
            new AdmissionRequest(operation, ResourceKinds.Pod, Subresource.Main, "t", pod, operation == AdmissionOperation.Create ? null : pod, new Actor("bob", [])));

    [Fact]
    public async Task Admission_AddsBothTolerationsFor300Seconds()
    {
        var pod = await Admitted(PodWith(new Toleration { Key = "dedicated", Operator = "Equal", Value = "gpu", Effect = "NoSchedule" }));
        Assert.Equal(
            [("dedicated", "NoSchedule", (long?)null), (NodeTaints.NotReady, "NoExecute", 300L), (NodeTaints.Unreachable, "NoExecute", 300L)],
            pod.Spec.Tolerations!.Select(t => (t.Key, t.Effect, t.TolerationSeconds)));
        Assert.All(pod.Spec.Tolerations!.Skip(1), t => Assert.Equal("Exists", t.Operator));
    }

    [Fact]
    public async Task Admission_KeepsAPodsOwnToleration_AndLeavesADaemonPodAndUpdatesAlone()
    {
        var own = await Admitted(PodWith(Tolerating(NodeTaints.Unreachable, 6000)));
        Assert.Equal([(NodeTaints.Unreachable, 6000L), (NodeTaints.NotReady, 300L)], own.Spec.Tolerations!.Select(t => (t.Key!, t.TolerationSeconds!.Value)));

        var daemon = PodWith(Tolerating(NodeTaints.NotReady, null), Tolerating(NodeTaints.Unreachable, null));
        Assert.Same(daemon, await Admitted(daemon));
        var everything = PodWith(new Toleration { Operator = "Exists" });
        Assert.Same(everything, await Admitted(everything));
        var update = PodWith();
        Assert.Same(update, await Admitted(update, operation: AdmissionOperation.Update));
    }

    [Fact]
    public async Task Admission_Seconds_FromTheNewOptions_ElseFromPodEvictionTimeout()
    {
        static IEnumerable<long?> Seconds(Pod pod) => pod.Spec.Tolerations!.Select(t => t.TolerationSeconds);
        Assert.Equal([30L, 30L], Seconds(await Admitted(PodWith(), new ControllerOptions { PodEvictionTimeout = TimeSpan.FromSeconds(30) })));
        Assert.Equal([30L, 7L], Seconds(await Admitted(PodWith(), new ControllerOptions { PodEvictionTimeout = TimeSpan.FromSeconds(30), DefaultUnreachableTolerationSeconds = 7 })));
        Assert.Equal([9L, 300L], Seconds(await Admitted(PodWith(), new ControllerOptions { DefaultNotReadyTolerationSeconds = 9 })));
    }
}
