using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Silo.Controllers.Scheduling;

namespace OrleansOrchestrator.Silo.Tests.Controllers.Scheduling;

/// <summary>Nodes and pods for the scheduling tests, each built from the few fields a test cares about.</summary>
internal static class SchedulingSamples
{
    public static Node Node(
        string name = "node-1",
        string cpu = "4",
        string memory = "8Gi",
        string pods = "110",
        IReadOnlyDictionary<string, string>? labels = null,
        IReadOnlyList<Taint>? taints = null,
        bool unschedulable = false,
        string ready = "True") => new()
        {
            ApiVersion = "v1",
            Kind = "Node",
            Metadata = new ObjectMeta
            {
                Name = name,
                Labels = labels ?? new Dictionary<string, string> { ["kubernetes.io/hostname"] = name },
            },
            Spec = new NodeSpec { Taints = taints, Unschedulable = unschedulable ? true : null },
            Status = new NodeStatus
            {
                Allocatable = new Dictionary<string, string> { ["cpu"] = cpu, ["memory"] = memory, ["pods"] = pods },
                Conditions = [new Condition { Type = "Ready", Status = ready }],
            },
        };

    public static NodeView View(Node node, params Pod[] pods) => NodeView.From(node, pods);

    public static NodeView View(string name = "node-1", string cpu = "4", string memory = "8Gi", string pods = "110") =>
        NodeView.From(Node(name, cpu, memory, pods), []);

    public static Container Container(string? cpu = null, string? memory = null, string name = "app", string? limitCpu = null, string? limitMemory = null)
    {
        static Dictionary<string, string>? Resources(string? cpu, string? memory)
        {
            var list = new Dictionary<string, string>();
            if (cpu is not null) list["cpu"] = cpu;
            if (memory is not null) list["memory"] = memory;
            return list.Count == 0 ? null : list;
        }
        var requests = Resources(cpu, memory);
        var limits = Resources(limitCpu, limitMemory);
        return new Container
        {
            Name = name,
            Image = "nginx",
            Resources = requests is null && limits is null ? null : new ResourceRequirements { Requests = requests, Limits = limits },
        };
    }

    public static Pod Pod(string name = "web-1", string? cpu = null, string? memory = null, string @namespace = "default") =>
        PodOf(new PodSpec { Containers = [Container(cpu, memory)] }, name, @namespace);

    public static Pod PodOf(PodSpec spec, string name = "web-1", string @namespace = "default") => new()
    {
        ApiVersion = "v1",
        Kind = "Pod",
        Metadata = new ObjectMeta { Name = name, Namespace = @namespace, Uid = $"uid-{@namespace}-{name}" },
        Spec = spec,
    };

    public static Pod WithSpec(this Pod pod, Func<PodSpec, PodSpec> change) => pod with { Spec = change(pod.Spec) };

    public static Pod WithLabels(this Pod pod, params (string Key, string Value)[] labels) =>
        pod with { Metadata = pod.Metadata with { Labels = labels.ToDictionary(l => l.Key, l => l.Value) } };

    public static Pod OwnedBy(this Pod pod, string kind, string name) => pod with
    {
        Metadata = pod.Metadata with
        {
            OwnerReferences = [new OwnerReference { ApiVersion = "apps/v1", Kind = kind, Name = name, Uid = $"uid-{kind}-{name}", Controller = true }],
        },
    };

    public static Pod OnNode(this Pod pod, string node) => pod.WithSpec(s => s with { NodeName = node });

    public static Pod WithPriority(this Pod pod, int priority) => pod.WithSpec(s => s with { Priority = priority });

    public static Pod WithHostPort(this Pod pod, int hostPort, string? protocol = null, string? hostIP = null) => pod.WithSpec(s => s with
    {
        Containers = [s.Containers[0] with { Ports = [.. s.Containers[0].Ports ?? [], new ContainerPort { Number = 80, HostPort = hostPort, Protocol = protocol, HostIP = hostIP }] }, .. s.Containers.Skip(1)],
    });

    public static Pod Tolerating(this Pod pod, params Toleration[] tolerations) => pod.WithSpec(s => s with { Tolerations = tolerations });

    public static Pod WithNodeSelector(this Pod pod, params (string Key, string Value)[] selector) =>
        pod.WithSpec(s => s with { NodeSelector = selector.ToDictionary(l => l.Key, l => l.Value) });

    public static Pod Requiring(this Pod pod, params NodeSelectorTerm[] terms) => pod.WithSpec(s => s with
    {
        Affinity = new Affinity
        {
            NodeAffinity = (s.Affinity?.NodeAffinity ?? new NodeAffinity()) with { RequiredDuringSchedulingIgnoredDuringExecution = new NodeSelector { NodeSelectorTerms = terms } },
        },
    });

    public static Pod Preferring(this Pod pod, params (int Weight, NodeSelectorTerm Term)[] terms) => pod.WithSpec(s => s with
    {
        Affinity = new Affinity
        {
            NodeAffinity = (s.Affinity?.NodeAffinity ?? new NodeAffinity()) with
            {
                PreferredDuringSchedulingIgnoredDuringExecution = terms.Select(t => new PreferredSchedulingTerm { Weight = t.Weight, Preference = t.Term }).ToList(),
            },
        },
    });

    public static NodeSelectorTerm Term(params LabelSelectorRequirement[] expressions) => new() { MatchExpressions = expressions };

    public static NodeSelectorTerm FieldTerm(params LabelSelectorRequirement[] fields) => new() { MatchFields = fields };

    public static LabelSelectorRequirement Req(string key, string op, params string[] values) =>
        new() { Key = key, Operator = op, Values = values.Length == 0 ? null : values };

    public static Taint Taint(string key, string? value, string effect) => new() { Key = key, Value = value, Effect = effect };

    public static Toleration Toleration(string? key, string? op, string? value = null, string? effect = null) =>
        new() { Key = key, Operator = op, Value = value, Effect = effect };
}
