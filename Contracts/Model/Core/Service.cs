namespace OrleansOrchestrator.Contracts.Model;

[GenerateSerializer, Immutable, Alias("oo.Service")]
public sealed record Service : KubeObject
{
    [Id(0)] public ServiceSpec Spec { get; init; } = new();
    [Id(1)] public ServiceStatus? Status { get; init; }
}

[GenerateSerializer, Immutable, Alias("oo.ServiceSpec")]
public sealed record ServiceSpec
{
    [Id(0)] public string? Type { get; init; }
    [Id(1)] public IReadOnlyDictionary<string, string>? Selector { get; init; }
    [Id(2)] public IReadOnlyList<ServicePort>? Ports { get; init; }
    [Id(3)] public string? ClusterIP { get; init; }
    [Id(4)] public IReadOnlyList<string>? ClusterIPs { get; init; }
    [Id(5)] public IReadOnlyList<string>? ExternalIPs { get; init; }
    [Id(6)] public string? SessionAffinity { get; init; }
    [Id(7)] public string? LoadBalancerIP { get; init; }
    [Id(8)] public IReadOnlyList<string>? LoadBalancerSourceRanges { get; init; }
    [Id(9)] public string? ExternalName { get; init; }
    [Id(10)] public string? ExternalTrafficPolicy { get; init; }
    [Id(11)] public string? InternalTrafficPolicy { get; init; }
    [Id(12)] public IReadOnlyList<string>? IpFamilies { get; init; }
    [Id(13)] public string? IpFamilyPolicy { get; init; }
    [Id(14)] public bool? PublishNotReadyAddresses { get; init; }
    [Id(15)] public bool? AllocateLoadBalancerNodePorts { get; init; }
}

[GenerateSerializer, Immutable, Alias("oo.ServicePort")]
public sealed record ServicePort
{
    [Id(0)] public string? Name { get; init; }
    [Id(1)] public string? Protocol { get; init; }
    [Id(2)] public int Port { get; init; }
    [Id(3)] public IntOrString? TargetPort { get; init; }
    [Id(4)] public int? NodePort { get; init; }
    [Id(5)] public string? AppProtocol { get; init; }
}

[GenerateSerializer, Immutable, Alias("oo.ServiceStatus")]
public sealed record ServiceStatus
{
    [Id(0)] public LoadBalancerStatus? LoadBalancer { get; init; }
    [Id(1)] public IReadOnlyList<Condition>? Conditions { get; init; }
}

[GenerateSerializer, Immutable, Alias("oo.LoadBalancerStatus")]
public sealed record LoadBalancerStatus
{
    [Id(0)] public IReadOnlyList<LoadBalancerIngress>? Ingress { get; init; }
}

[GenerateSerializer, Immutable, Alias("oo.LoadBalancerIngress")]
public sealed record LoadBalancerIngress
{
    [Id(0)] public string? Ip { get; init; }
    [Id(1)] public string? Hostname { get; init; }
}
