using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Silo.Controllers.DaemonSets;
using OrleansOrchestrator.Silo.Controllers.Revisions;

namespace OrleansOrchestrator.Silo.Tests.Controllers.DaemonSets;

/// <summary>Nodes, DaemonSets and their pods for the planner's tests (Kubernetes' daemon_controller_test.go helpers).</summary>
internal static class Daemons
{
    public static readonly DateTimeOffset Now = new(2026, 12, 2, 12, 0, 0, TimeSpan.Zero);

    public static DaemonSet DaemonSet(PodSpec? spec = null, DaemonSetUpdateStrategy? strategy = null, int? minReadySeconds = null) =>
        (DaemonSet)Silo.Kinds.KindRegistry.For(ResourceKinds.DaemonSet).Default(new DaemonSet
        {
            Metadata = new ObjectMeta { Name = "foo", Namespace = "default", Uid = "uid-foo", Generation = 1 },
            Spec = new DaemonSetSpec
            {
                Selector = new LabelSelector { MatchLabels = Samples.Labels(("name", "foo")) },
                Template = new PodTemplateSpec { Metadata = new ObjectMeta { Labels = Samples.Labels(("name", "foo")) }, Spec = spec ?? Samples.PodSpec() },
                UpdateStrategy = strategy,
                MinReadySeconds = minReadySeconds,
            },
        });

    public static DaemonSetUpdateStrategy Rolling(IntOrString? maxUnavailable = null, IntOrString? maxSurge = null) =>
        new() { Type = "RollingUpdate", RollingUpdate = new RollingUpdateDaemonSet { MaxUnavailable = maxUnavailable, MaxSurge = maxSurge } };

    public static Node Node(string name, Dictionary<string, string>? labels = null, IReadOnlyList<Taint>? taints = null,
        string ready = "True", bool unschedulable = false, params (string Type, string Status)[] conditions) => new()
    {
        Metadata = new ObjectMeta { Name = name, Labels = labels },
        Spec = new NodeSpec { Taints = taints, Unschedulable = unschedulable ? true : null },
        Status = new NodeStatus
        {
            Conditions = [new Condition { Type = "Ready", Status = ready }, .. conditions.Select(c => new Condition { Type = c.Type, Status = c.Status })],
        },
    };

    public static IReadOnlyList<Node> NodeList(int count, string prefix = "node") =>
        Enumerable.Range(0, count).Select(i => Node($"{prefix}-{i}")).ToList();

    /// <summary>A pod of <paramref name="ds"/> bound to <paramref name="node"/>, running <paramref name="hash"/>, made <paramref name="age"/> ago.</summary>
    public static Pod Pod(DaemonSet ds, string node, string hash = "h1", bool ready = true, TimeSpan? age = null, string? name = null,
        string phase = "Running", TimeSpan? readyFor = null, bool bound = true)
    {
        var pod = DaemonPods.NewPod(ds, node, hash);
        var created = Now - (age ?? TimeSpan.FromMinutes(10));
        return pod with
        {
            Metadata = pod.Metadata with { Name = name ?? pod.Metadata.Name, CreationTimestamp = created, Uid = Guid.NewGuid().ToString() },
            Spec = bound ? pod.Spec with { NodeName = node } : pod.Spec,
            Status = new PodStatus
            {
                Phase = phase,
                Conditions = [new Condition { Type = "Ready", Status = ready ? "True" : "False", LastTransitionTime = Now - (readyFor ?? TimeSpan.FromMinutes(5)) }],
            },
        };
    }

    public static string HashOf(Pod pod) => pod.Metadata.Labels![ControllerRevisions.HashLabel];

    public static DaemonSetStep Plan(DaemonSet ds, IReadOnlyList<Node> nodes, IReadOnlyList<Pod> pods, string hash = "h1", IReadOnlySet<string>? backoff = null) =>
        DaemonSetPlanner.Plan(new DaemonSetPlanInput(ds, hash, nodes, pods, Now, backoff ?? new HashSet<string>()));

    public static Taint Taint(string key, string effect, string? value = null) => new() { Key = key, Value = value, Effect = effect };

    public static Toleration Tolerate(string key, string effect, string? value = null) =>
        new() { Key = key, Operator = value is null ? "Exists" : "Equal", Value = value, Effect = effect };
}
