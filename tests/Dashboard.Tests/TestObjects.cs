using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Dashboard.Model;

namespace OrleansOrchestrator.Dashboard.Tests;

/// <summary>Cluster objects as the tests need them: only the fields a test is about, the rest left as the API would default them.</summary>
public static class TestObjects
{
    public static readonly DateTimeOffset Created = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static Pod Pod(string name, string ns = "default", string phase = "Running", string? node = "node-a",
        IReadOnlyDictionary<string, string>? labels = null, string? resourceVersion = "1", IReadOnlyList<Container>? containers = null,
        IReadOnlyList<ContainerStatus>? statuses = null, OwnerReference? owner = null) => new()
    {
        ApiVersion = "v1",
        Kind = "Pod",
        Metadata = new ObjectMeta
        {
            Name = name, Namespace = ns, Uid = $"uid-pod-{ns}-{name}", ResourceVersion = resourceVersion, CreationTimestamp = Created,
            Labels = labels, OwnerReferences = owner is null ? null : [owner],
        },
        Spec = new PodSpec { NodeName = node, Containers = containers ?? [new Container { Name = "app", Image = "nginx:1.27" }] },
        Status = new PodStatus { Phase = phase, ContainerStatuses = statuses },
    };

    public static Container Container(string name, string image = "nginx:1.27", string? cpuRequest = null, string? cpuLimit = null,
        string? memoryRequest = null, string? memoryLimit = null) => new()
    {
        Name = name,
        Image = image,
        Resources = new ResourceRequirements
        {
            Requests = Map(("cpu", cpuRequest), ("memory", memoryRequest)),
            Limits = Map(("cpu", cpuLimit), ("memory", memoryLimit)),
        },
    };

    public static Deployment Deployment(string name, string ns = "default", int replicas = 3, int updated = 3, int ready = 3, int available = 3,
        long generation = 1, long observedGeneration = 1, bool paused = false, long revision = 1, IReadOnlyList<Condition>? conditions = null,
        string image = "nginx:1.27", string? resourceVersion = "1") => new()
    {
        ApiVersion = "apps/v1",
        Kind = "Deployment",
        Metadata = new ObjectMeta
        {
            Name = name, Namespace = ns, Uid = DeploymentUid(ns, name), ResourceVersion = resourceVersion, Generation = generation,
            CreationTimestamp = Created, Annotations = new Dictionary<string, string> { [DeploymentAnnotations.Revision] = $"{revision}" },
        },
        Spec = new DeploymentSpec
        {
            Replicas = replicas,
            Paused = paused ? true : null,
            Selector = new LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = name } },
            Template = Template(name, image),
        },
        Status = new DeploymentStatus
        {
            ObservedGeneration = observedGeneration, Replicas = updated, UpdatedReplicas = updated, ReadyReplicas = ready,
            AvailableReplicas = available, Conditions = conditions,
        },
    };

    public static string DeploymentUid(string ns, string name) => $"uid-deploy-{ns}-{name}";

    public static PodTemplateSpec Template(string app, string image, string? hash = null) => new()
    {
        Metadata = new ObjectMeta
        {
            Labels = hash is null
                ? new Dictionary<string, string> { ["app"] = app }
                : new Dictionary<string, string> { ["app"] = app, [DeploymentAnnotations.PodTemplateHashLabel] = hash },
        },
        Spec = new PodSpec { Containers = [new Container { Name = app, Image = image }] },
    };

    /// <summary>A ReplicaSet of revision <paramref name="revision"/> owned (as controller) by the Deployment with <paramref name="ownerUid"/>.</summary>
    public static ReplicaSet ReplicaSet(string name, long revision, string ownerUid, string image, string ns = "default", int replicas = 0, int ready = 0,
        bool controller = true, string app = "web") => new()
    {
        ApiVersion = "apps/v1",
        Kind = "ReplicaSet",
        Metadata = new ObjectMeta
        {
            Name = name, Namespace = ns, Uid = $"uid-rs-{ns}-{name}", ResourceVersion = "1", CreationTimestamp = Created,
            Annotations = new Dictionary<string, string> { [DeploymentAnnotations.Revision] = $"{revision}" },
            OwnerReferences = [new OwnerReference { ApiVersion = "apps/v1", Kind = "Deployment", Name = app, Uid = ownerUid, Controller = controller }],
        },
        Spec = new ReplicaSetSpec { Replicas = replicas, Template = Template(app, image, hash: name[(name.LastIndexOf('-') + 1)..]) },
        Status = new ReplicaSetStatus { Replicas = replicas, ReadyReplicas = ready },
    };

    public static Node Node(string name, bool ready = true, string cpu = "4", string memory = "8Gi", string pods = "110", bool unschedulable = false) => new()
    {
        ApiVersion = "v1",
        Kind = "Node",
        Metadata = new ObjectMeta { Name = name, Uid = $"uid-node-{name}", ResourceVersion = "1", CreationTimestamp = Created },
        Spec = new NodeSpec { Unschedulable = unschedulable ? true : null },
        Status = new NodeStatus
        {
            Allocatable = new Dictionary<string, string> { ["cpu"] = cpu, ["memory"] = memory, ["pods"] = pods },
            Conditions = [new Condition { Type = "Ready", Status = ready ? "True" : "False" }, new Condition { Type = "MemoryPressure", Status = "False" }],
        },
    };

    public static Event Event(string name, string involvedKind, string involvedName, string reason, string message, DateTimeOffset last,
        string ns = "default", string type = "Normal", int count = 1) => new()
    {
        ApiVersion = "v1",
        Kind = "Event",
        Metadata = new ObjectMeta { Name = name, Namespace = ns, Uid = $"uid-ev-{ns}-{name}", ResourceVersion = "1", CreationTimestamp = last },
        InvolvedObject = new ObjectReference { Kind = involvedKind, Name = involvedName, Namespace = ns },
        Reason = reason,
        Message = message,
        LastTimestamp = last,
        Type = type,
        Count = count,
    };

    public static Namespace Namespace(string name) => new()
    {
        ApiVersion = "v1", Kind = "Namespace", Metadata = new ObjectMeta { Name = name, Uid = $"uid-ns-{name}", ResourceVersion = "1" },
    };

    public static Service Service(string name, string ns = "default", string? type = null, string? clusterIP = "10.96.0.10",
        IReadOnlyDictionary<string, string>? selector = null, IReadOnlyList<ServicePort>? ports = null, IReadOnlyList<string>? externalIPs = null,
        IReadOnlyList<string>? ingressIPs = null, string? resourceVersion = "1") => new()
    {
        ApiVersion = "v1",
        Kind = "Service",
        Metadata = new ObjectMeta { Name = name, Namespace = ns, Uid = $"uid-svc-{ns}-{name}", ResourceVersion = resourceVersion, CreationTimestamp = Created },
        Spec = new ServiceSpec
        {
            Type = type, ClusterIP = clusterIP, Selector = selector, ExternalIPs = externalIPs,
            Ports = ports ?? [new ServicePort { Port = 80, Protocol = "TCP", TargetPort = 8080 }],
        },
        Status = ingressIPs is null ? null : new ServiceStatus
        {
            LoadBalancer = new LoadBalancerStatus { Ingress = ingressIPs.Select(ip => new LoadBalancerIngress { Ip = ip }).ToList() },
        },
    };

    /// <summary>The Endpoints of a Service: one subset on port 8080 with the given ready and not-ready addresses (pod names as target references).</summary>
    public static Endpoints Endpoints(string name, string ns = "default", IReadOnlyList<(string Ip, string Pod)>? ready = null,
        IReadOnlyList<(string Ip, string Pod)>? notReady = null, string node = "node-a", string? resourceVersion = "1") => new()
    {
        ApiVersion = "v1",
        Kind = "Endpoints",
        Metadata = new ObjectMeta { Name = name, Namespace = ns, Uid = $"uid-ep-{ns}-{name}", ResourceVersion = resourceVersion, CreationTimestamp = Created },
        Subsets =
        [
            new EndpointSubset
            {
                Addresses = ready?.Select(a => Address(a.Ip, a.Pod, ns, node)).ToList(),
                NotReadyAddresses = notReady?.Select(a => Address(a.Ip, a.Pod, ns, node)).ToList(),
                Ports = [new EndpointPort { Name = "http", Port = 8080, Protocol = "TCP" }],
            },
        ],
    };

    private static EndpointAddress Address(string ip, string pod, string ns, string node) =>
        new() { Ip = ip, NodeName = node, TargetRef = new ObjectReference { Kind = "Pod", Name = pod, Namespace = ns } };

    public static IReadOnlyDictionary<string, string> Labels(params (string Key, string Value)[] labels) =>
        labels.ToDictionary(l => l.Key, l => l.Value);

    public static T WithVersion<T>(this T obj, string resourceVersion) where T : KubeObject =>
        obj with { Metadata = obj.Metadata with { ResourceVersion = resourceVersion } };

    private static Dictionary<string, string>? Map(params (string Key, string? Value)[] entries)
    {
        var map = entries.Where(e => e.Value is not null).ToDictionary(e => e.Key, e => e.Value!);
        return map.Count == 0 ? null : map;
    }
}
