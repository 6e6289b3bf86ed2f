namespace OrleansOrchestrator.Contracts.Model;

[GenerateSerializer, Immutable, Alias("oo.Endpoints")]
public sealed record Endpoints : KubeObject
{
    [Id(0)] public IReadOnlyList<EndpointSubset>? Subsets { get; init; }
}

[GenerateSerializer, Immutable, Alias("oo.EndpointSubset")]
public sealed record EndpointSubset
{
    [Id(0)] public IReadOnlyList<EndpointAddress>? Addresses { get; init; }
    [Id(1)] public IReadOnlyList<EndpointAddress>? NotReadyAddresses { get; init; }
    [Id(2)] public IReadOnlyList<EndpointPort>? Ports { get; init; }
}

[GenerateSerializer, Immutable, Alias("oo.EndpointAddress")]
public sealed record EndpointAddress
{
    [Id(0)] public string Ip { get; init; } = "";
    [Id(1)] public string? Hostname { get; init; }
    [Id(2)] public string? NodeName { get; init; }
    [Id(3)] public ObjectReference? TargetRef { get; init; }
}

[GenerateSerializer, Immutable, Alias("oo.EndpointPort")]
public sealed record EndpointPort
{
    [Id(0)] public string? Name { get; init; }
    [Id(1)] public int Port { get; init; }
    [Id(2)] public string? Protocol { get; init; }
    [Id(3)] public string? AppProtocol { get; init; }
}
