using System.Text.Json.Serialization;
using OrleansOrchestrator.Contracts.Serialization;

namespace OrleansOrchestrator.Contracts.Model;

/// <summary>A machine that runs pods. Its agent registers it and reports its capacity and health.</summary>
[GenerateSerializer, Immutable, Alias("oo.Node")]
public sealed record Node : KubeObject
{
    /// <summary>Whether and how pods may be scheduled onto the node.</summary>
    [Id(0)] public NodeSpec Spec { get; init; } = new();
    /// <summary>What was last observed of the node: capacity, conditions, addresses. Written by its agent.</summary>
    [Id(1)] public NodeStatus? Status { get; init; }
}

/// <summary>The desired state of a node.</summary>
[GenerateSerializer, Immutable, Alias("oo.NodeSpec")]
public sealed record NodeSpec
{
    /// <summary>The address range pods on this node get their addresses from.</summary>
    [Id(0)] public string? PodCIDR { get; init; }
    /// <summary>The address ranges pods on this node get their addresses from, one per IP family.</summary>
    [Id(1)] public IReadOnlyList<string>? PodCIDRs { get; init; }
    /// <summary>The node's id at its infrastructure provider.</summary>
    [Id(2)] public string? ProviderID { get; init; }
    /// <summary>When true, no new pods are scheduled onto the node (cordoned).</summary>
    [Id(3)] public bool? Unschedulable { get; init; }
    /// <summary>Marks that keep pods off the node unless they tolerate them.</summary>
    [Id(4)] public IReadOnlyList<Taint>? Taints { get; init; }
}

/// <summary>A mark on a node that repels pods which do not tolerate it.</summary>
[GenerateSerializer, Immutable, Alias("oo.Taint")]
public sealed record Taint
{
    /// <summary>The taint's key.</summary>
    [Id(0)] public string Key { get; init; } = "";
    /// <summary>The taint's value.</summary>
    [Id(1)] public string? Value { get; init; }
    /// <summary>What it does to pods that do not tolerate it: <c>NoSchedule</c>, <c>PreferNoSchedule</c> or <c>NoExecute</c> (also evicts running pods).</summary>
    [Id(2)] public string Effect { get; init; } = "";
    /// <summary>When a <c>NoExecute</c> taint was added.</summary>
    [Id(3)] public DateTimeOffset? TimeAdded { get; init; }
}

/// <summary>The observed state of a node.</summary>
[GenerateSerializer, Immutable, Alias("oo.NodeStatus")]
public sealed record NodeStatus
{
    /// <summary>The total resources of the node, e.g. <c>cpu</c>, <c>memory</c>, <c>pods</c>.</summary>
    [Id(0), JsonConverter(typeof(QuantityMapJsonConverter))] public IReadOnlyDictionary<string, string>? Capacity { get; init; }
    /// <summary>The resources available to pods; what the scheduler places pods against.</summary>
    [Id(1), JsonConverter(typeof(QuantityMapJsonConverter))] public IReadOnlyDictionary<string, string>? Allocatable { get; init; }
    /// <summary>Observations such as <c>Ready</c>, <c>MemoryPressure</c> and <c>DiskPressure</c>.</summary>
    [Id(2)] public IReadOnlyList<Condition>? Conditions { get; init; }
    /// <summary>The node's addresses and host name.</summary>
    [Id(3)] public IReadOnlyList<NodeAddress>? Addresses { get; init; }
    /// <summary>Ports of the node agent's services.</summary>
    [Id(4)] public NodeDaemonEndpoints? DaemonEndpoints { get; init; }
    /// <summary>Versions and identifiers of the node's system and software.</summary>
    [Id(5)] public NodeSystemInfo? NodeInfo { get; init; }
    /// <summary>Not used any more.</summary>
    [Id(6)] public string? Phase { get; init; }
}

/// <summary>One address of a node.</summary>
[GenerateSerializer, Immutable, Alias("oo.NodeAddress")]
public sealed record NodeAddress
{
    /// <summary><c>Hostname</c>, <c>InternalIP</c>, <c>ExternalIP</c>, <c>InternalDNS</c> or <c>ExternalDNS</c>.</summary>
    [Id(0)] public string Type { get; init; } = "";
    /// <summary>The address.</summary>
    [Id(1)] public string Address { get; init; } = "";
}

/// <summary>Ports of the node agent's services.</summary>
[GenerateSerializer, Immutable, Alias("oo.NodeDaemonEndpoints")]
public sealed record NodeDaemonEndpoints
{
    /// <summary>Where the node agent listens.</summary>
    [Id(0)] public DaemonEndpoint? KubeletEndpoint { get; init; }
}

/// <summary>A port of a node service.</summary>
[GenerateSerializer, Immutable, Alias("oo.DaemonEndpoint")]
public sealed record DaemonEndpoint
{
    // Kubernetes spells this one field with a capital P.
    /// <summary>The port number.</summary>
    [Id(0), JsonPropertyName("Port")] public int Port { get; init; }
}

/// <summary>Identifiers and versions reported by a node.</summary>
[GenerateSerializer, Immutable, Alias("oo.NodeSystemInfo")]
public sealed record NodeSystemInfo
{
    /// <summary>The machine id of the node.</summary>
    [Id(0)] public string MachineID { get; init; } = "";
    /// <summary>The system UUID of the node.</summary>
    [Id(1)] public string SystemUUID { get; init; } = "";
    /// <summary>Changes each time the node boots.</summary>
    [Id(2)] public string BootID { get; init; } = "";
    /// <summary>The kernel version, as <c>uname -r</c> reports it.</summary>
    [Id(3)] public string KernelVersion { get; init; } = "";
    /// <summary>The operating system, e.g. <c>Debian GNU/Linux 12 (bookworm)</c>.</summary>
    [Id(4)] public string OsImage { get; init; } = "";
    /// <summary>The container runtime and its version, e.g. <c>docker://20.10.24</c>.</summary>
    [Id(5)] public string ContainerRuntimeVersion { get; init; } = "";
    /// <summary>The version of the node agent.</summary>
    [Id(6)] public string KubeletVersion { get; init; } = "";
    /// <summary>The version of the service proxy; not reliable.</summary>
    [Id(7)] public string KubeProxyVersion { get; init; } = "";
    /// <summary>The operating system family, e.g. <c>linux</c>.</summary>
    [Id(8)] public string OperatingSystem { get; init; } = "";
    /// <summary>The processor architecture, e.g. <c>amd64</c>.</summary>
    [Id(9)] public string Architecture { get; init; } = "";
}
