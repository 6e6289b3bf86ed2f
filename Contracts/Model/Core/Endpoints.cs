namespace OrleansOrchestrator.Contracts.Model;

/// <summary>The addresses and ports behind a service, kept up to date by the system from the ready pods the service selects.</summary>
[GenerateSerializer, Immutable, Alias("oo.Endpoints")]
public sealed record Endpoints : KubeObject
{
    /// <summary>Groups of addresses that share the same ports.</summary>
    [Id(0)] public IReadOnlyList<EndpointSubset>? Subsets { get; init; }
}

/// <summary>Addresses that all serve the same ports.</summary>
[GenerateSerializer, Immutable, Alias("oo.EndpointSubset")]
public sealed record EndpointSubset
{
    /// <summary>Addresses ready to receive traffic.</summary>
    [Id(0)] public IReadOnlyList<EndpointAddress>? Addresses { get; init; }
    /// <summary>Addresses of pods that are not ready yet.</summary>
    [Id(1)] public IReadOnlyList<EndpointAddress>? NotReadyAddresses { get; init; }
    /// <summary>The ports served on every address.</summary>
    [Id(2)] public IReadOnlyList<EndpointPort>? Ports { get; init; }
}

/// <summary>One address of an endpoint.</summary>
[GenerateSerializer, Immutable, Alias("oo.EndpointAddress")]
public sealed record EndpointAddress
{
    /// <summary>The IP address.</summary>
    [Id(0)] public string Ip { get; init; } = "";
    /// <summary>The host name of the address.</summary>
    [Id(1)] public string? Hostname { get; init; }
    /// <summary>The node the address is on.</summary>
    [Id(2)] public string? NodeName { get; init; }
    /// <summary>The object behind the address, usually a pod.</summary>
    [Id(3)] public ObjectReference? TargetRef { get; init; }
}

/// <summary>One port of an endpoint.</summary>
[GenerateSerializer, Immutable, Alias("oo.EndpointPort")]
public sealed record EndpointPort
{
    /// <summary>The port's name, as in the service.</summary>
    [Id(0)] public string? Name { get; init; }
    /// <summary>The port number.</summary>
    [Id(1)] public int Port { get; init; }
    /// <summary><c>TCP</c> (default), <c>UDP</c> or <c>SCTP</c>.</summary>
    [Id(2)] public string? Protocol { get; init; }
    /// <summary>The application protocol spoken on the port.</summary>
    [Id(3)] public string? AppProtocol { get; init; }
}
