using System.Collections.Immutable;
using OrleansOrchestrator.Contracts.Model;

namespace OrleansOrchestrator.Silo.Controllers.Scheduling;

/// <summary>
/// A node as the scheduler sees it: the Node object, what it can hold (<c>status.allocatable</c>), and what
/// the pods bound to it already take (Kubernetes' <c>NodeInfo</c>). Immutable: <see cref="WithPod"/> and
/// <see cref="WithoutPod(Pod)"/> return a new view in O(log pods), sharing the rest.
/// </summary>
public sealed record NodeView
{
    public const string NotReadyTaint = "node.kubernetes.io/not-ready";
    public const string UnreachableTaint = "node.kubernetes.io/unreachable";
    public const string UnschedulableTaint = "node.kubernetes.io/unschedulable";

    private NodeView(Node node)
    {
        Node = node;
        var allocatable = node.Status?.Allocatable;
        AllocatableMilliCpu = PodRequests.ParseMilliCpu(allocatable?.GetValueOrDefault("cpu")) ?? 0;
        AllocatableMemory = PodRequests.ParseValue(allocatable?.GetValueOrDefault("memory")) ?? 0;
        AllocatablePods = PodRequests.ParseValue(allocatable?.GetValueOrDefault("pods")) ?? 0;
        Taints = EffectiveTaints(node);
    }

    public Node Node { get; private init; }

    public string Name => Node.Metadata.Name ?? "";

    public long AllocatableMilliCpu { get; private init; }
    public long AllocatableMemory { get; private init; }
    public long AllocatablePods { get; private init; }

    /// <summary>Sum of the bound pods' CPU requests (milli-cores), what the fit filter compares with allocatable.</summary>
    public long RequestedMilliCpu { get; private init; }
    public long RequestedMemory { get; private init; }

    /// <summary>As <see cref="RequestedMilliCpu"/> with request-less containers counted at the default (for scoring).</summary>
    public long NonZeroRequestedMilliCpu { get; private init; }
    public long NonZeroRequestedMemory { get; private init; }

    /// <summary>The bound pods that still take room, by "namespace/name".</summary>
    public ImmutableDictionary<string, PlacedPod> Pods { get; private init; } = ImmutableDictionary.Create<string, PlacedPod>(StringComparer.Ordinal);

    public int PodCount => Pods.Count;

    /// <summary>
    /// How many bound pods, not being deleted, each workload (namespace and owner, see <see cref="PlacedPod.OwnerKeyOf"/>)
    /// has here: what workload spreading counts for every node and every pod, so kept as pods come and go
    /// rather than counted over all the node's pods each time.
    /// </summary>
    public ImmutableDictionary<string, int> WorkloadPodCounts { get; private init; } = ImmutableDictionary.Create<string, int>(StringComparer.Ordinal);

    /// <summary>Bound pods of the workload <paramref name="ownerKey"/> in <paramref name="namespace"/>, not being deleted.</summary>
    public int CountOfWorkload(string @namespace, string ownerKey) => WorkloadPodCounts.GetValueOrDefault(WorkloadKey(@namespace, ownerKey));

    private static string WorkloadKey(string @namespace, string ownerKey) => $"{@namespace}\n{ownerKey}";

    private static string? WorkloadKeyOf(PlacedPod pod) =>
        pod.Terminating || pod.OwnerKey is not { } owner ? null : WorkloadKey(pod.Namespace, owner);

    /// <summary>Host ports held on the node, each with how many pods hold it.</summary>
    public ImmutableDictionary<HostPort, int> UsedHostPorts { get; private init; } = ImmutableDictionary<HostPort, int>.Empty;

    /// <summary>The label sets of the bound pods (what workload spreading counts).</summary>
    public IEnumerable<IReadOnlyDictionary<string, string>> PodLabels => Pods.Values.Select(p => p.Labels);

    /// <summary>
    /// <c>spec.taints</c>, plus the taints Kubernetes' node lifecycle controller would add for the node's
    /// conditions and that the node does not carry yet: not Ready (or never reported) →
    /// <c>node.kubernetes.io/not-ready</c>, Ready Unknown → <c>node.kubernetes.io/unreachable</c> (both
    /// NoSchedule and NoExecute), and the NoSchedule pressure taints. So a node that is not Ready is refused
    /// in Kubernetes' words ("node(s) had untolerated taint {node.kubernetes.io/not-ready: }") and pods that
    /// tolerate the taint still go there, as DaemonSet pods do.
    /// </summary>
    public IReadOnlyList<Taint> Taints { get; private init; }

    public static NodeView From(Node node, IEnumerable<Pod> boundPods)
    {
        var view = new NodeView(node);
        foreach (var pod in boundPods) view = view.WithPod(pod);
        return view;
    }

    /// <summary>The same pods on an updated Node object (labels, taints, allocatable or conditions changed).</summary>
    public NodeView WithNode(Node node) => new NodeView(node) with
    {
        RequestedMilliCpu = RequestedMilliCpu,
        RequestedMemory = RequestedMemory,
        NonZeroRequestedMilliCpu = NonZeroRequestedMilliCpu,
        NonZeroRequestedMemory = NonZeroRequestedMemory,
        Pods = Pods,
        UsedHostPorts = UsedHostPorts,
        WorkloadPodCounts = WorkloadPodCounts,
    };

    /// <summary>
    /// Adds the pod, or replaces the pod of the same namespace and name; a pod that has finished
    /// (Succeeded/Failed) is removed instead, since it no longer takes room.
    /// </summary>
    public NodeView WithPod(Pod pod)
    {
        var without = WithoutPod(pod.Metadata.Namespace, pod.Metadata.Name);
        return PlacedPod.Occupies(pod) ? without.Add(PlacedPod.Of(pod)) : without;
    }

    public NodeView WithoutPod(Pod pod) => WithoutPod(pod.Metadata.Namespace, pod.Metadata.Name);

    public NodeView WithoutPod(string? @namespace, string? name) =>
        Pods.TryGetValue(PlacedPod.KeyOf(@namespace, name), out var bound) ? Remove(bound) : this;

    /// <summary>Whether asking for <paramref name="port"/> clashes with a port already held here.</summary>
    public bool PortInUse(HostPort port) => port.Port > 0 && UsedHostPorts.Keys.Any(port.ConflictsWith);

    private NodeView Add(PlacedPod bound)
    {
        var ports = UsedHostPorts;
        foreach (var port in bound.UsedPorts) ports = ports.SetItem(port, ports.GetValueOrDefault(port) + 1);
        var workloads = WorkloadPodCounts;
        if (WorkloadKeyOf(bound) is { } workload) workloads = workloads.SetItem(workload, workloads.GetValueOrDefault(workload) + 1);
        var r = bound.Requests;
        return this with
        {
            Pods = Pods.SetItem(bound.Key, bound),
            WorkloadPodCounts = workloads,
            UsedHostPorts = ports,
            RequestedMilliCpu = RequestedMilliCpu + r.MilliCpu,
            RequestedMemory = RequestedMemory + r.Memory,
            NonZeroRequestedMilliCpu = NonZeroRequestedMilliCpu + r.NonZeroMilliCpu,
            NonZeroRequestedMemory = NonZeroRequestedMemory + r.NonZeroMemory,
        };
    }

    private NodeView Remove(PlacedPod bound)
    {
        var ports = UsedHostPorts;
        foreach (var port in bound.UsedPorts)
            ports = ports.GetValueOrDefault(port) > 1 ? ports.SetItem(port, ports[port] - 1) : ports.Remove(port);
        var workloads = WorkloadPodCounts;
        if (WorkloadKeyOf(bound) is { } workload)
            workloads = workloads.GetValueOrDefault(workload) > 1 ? workloads.SetItem(workload, workloads[workload] - 1) : workloads.Remove(workload);
        var r = bound.Requests;
        return this with
        {
            Pods = Pods.Remove(bound.Key),
            WorkloadPodCounts = workloads,
            UsedHostPorts = ports,
            RequestedMilliCpu = RequestedMilliCpu - r.MilliCpu,
            RequestedMemory = RequestedMemory - r.Memory,
            NonZeroRequestedMilliCpu = NonZeroRequestedMilliCpu - r.NonZeroMilliCpu,
            NonZeroRequestedMemory = NonZeroRequestedMemory - r.NonZeroMemory,
        };
    }

    public static IReadOnlyList<Taint> EffectiveTaints(Node node)
    {
        var taints = new List<Taint>(node.Spec.Taints ?? []);
        var conditions = node.Status?.Conditions ?? [];
        var implied = new List<(string Key, bool Evicts)>();
        if (!conditions.Any(c => c.Type == "Ready")) implied.Add((NotReadyTaint, true));
        foreach (var condition in conditions)
        {
            var taint = (condition.Type, condition.Status) switch
            {
                ("Ready", "False") => (NotReadyTaint, true),
                ("Ready", "Unknown") => (UnreachableTaint, true),
                ("MemoryPressure", "True") => ("node.kubernetes.io/memory-pressure", false),
                ("DiskPressure", "True") => ("node.kubernetes.io/disk-pressure", false),
                ("PIDPressure", "True") => ("node.kubernetes.io/pid-pressure", false),
                ("NetworkUnavailable", "True") => ("node.kubernetes.io/network-unavailable", false),
                _ => ((string, bool)?)null,
            };
            if (taint is { } t) implied.Add(t);
        }
        foreach (var (key, evicts) in implied)
        {
            AddUnlessPresent(taints, key, Tolerations.NoSchedule);
            if (evicts) AddUnlessPresent(taints, key, Tolerations.NoExecute);
        }
        return taints;
    }

    private static void AddUnlessPresent(List<Taint> taints, string key, string effect)
    {
        if (!taints.Any(t => t.Key == key && t.Effect == effect)) taints.Add(new Taint { Key = key, Effect = effect });
    }
}
