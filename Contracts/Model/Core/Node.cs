using System.Text.Json.Serialization;
using OrleansOrchestrator.Contracts.Serialization;

namespace OrleansOrchestrator.Contracts.Model;

[GenerateSerializer, Immutable, Alias("oo.Node")]
public sealed record Node : KubeObject
{
    [Id(0)] public NodeSpec Spec { get; init; } = new();
    [Id(1)] public NodeStatus? Status { get; init; }
}

[GenerateSerializer, Immutable, Alias("oo.NodeSpec")]
public sealed record NodeSpec
{
    [Id(0)] public string? PodCIDR { get; init; }
    [Id(1)] public IReadOnlyList<string>? PodCIDRs { get; init; }
    [Id(2)] public string? ProviderID { get; init; }
    [Id(3)] public bool? Unschedulable { get; init; }
    [Id(4)] public IReadOnlyList<Taint>? Taints { get; init; }
}

[GenerateSerializer, Immutable, Alias("oo.Taint")]
public sealed record Taint
{
    [Id(0)] public string Key { get; init; } = "";
    [Id(1)] public string? Value { get; init; }
    [Id(2)] public string Effect { get; init; } = "";
    [Id(3)] public DateTimeOffset? TimeAdded { get; init; }
}

[GenerateSerializer, Immutable, Alias("oo.NodeStatus")]
public sealed record NodeStatus
{
    [Id(0), JsonConverter(typeof(QuantityMapJsonConverter))] public IReadOnlyDictionary<string, string>? Capacity { get; init; }
    [Id(1), JsonConverter(typeof(QuantityMapJsonConverter))] public IReadOnlyDictionary<string, string>? Allocatable { get; init; }
    [Id(2)] public IReadOnlyList<Condition>? Conditions { get; init; }
    [Id(3)] public IReadOnlyList<NodeAddress>? Addresses { get; init; }
    [Id(4)] public NodeDaemonEndpoints? DaemonEndpoints { get; init; }
    [Id(5)] public NodeSystemInfo? NodeInfo { get; init; }
    [Id(6)] public string? Phase { get; init; }
}

[GenerateSerializer, Immutable, Alias("oo.NodeAddress")]
public sealed record NodeAddress
{
    [Id(0)] public string Type { get; init; } = "";
    [Id(1)] public string Address { get; init; } = "";
}

[GenerateSerializer, Immutable, Alias("oo.NodeDaemonEndpoints")]
public sealed record NodeDaemonEndpoints
{
    [Id(0)] public DaemonEndpoint? KubeletEndpoint { get; init; }
}

[GenerateSerializer, Immutable, Alias("oo.DaemonEndpoint")]
public sealed record DaemonEndpoint
{
    // Kubernetes spells this one field with a capital P.
    [Id(0), JsonPropertyName("Port")] public int Port { get; init; }
}

[GenerateSerializer, Immutable, Alias("oo.NodeSystemInfo")]
public sealed record NodeSystemInfo
{
    [Id(0)] public string MachineID { get; init; } = "";
    [Id(1)] public string SystemUUID { get; init; } = "";
    [Id(2)] public string BootID { get; init; } = "";
    [Id(3)] public string KernelVersion { get; init; } = "";
    [Id(4)] public string OsImage { get; init; } = "";
    [Id(5)] public string ContainerRuntimeVersion { get; init; } = "";
    [Id(6)] public string KubeletVersion { get; init; } = "";
    [Id(7)] public string KubeProxyVersion { get; init; } = "";
    [Id(8)] public string OperatingSystem { get; init; } = "";
    [Id(9)] public string Architecture { get; init; } = "";
}
