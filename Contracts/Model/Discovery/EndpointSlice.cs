namespace OrleansOrchestrator.Contracts.Model;

/// <summary>A part of the endpoints behind a service: up to a hundred addresses that share one set of ports, each with its readiness.</summary>
/// <remarks><c>discovery.k8s.io/v1</c> EndpointSlice. Kept by the system for services with a selector; label <c>kubernetes.io/service-name</c> names the service.</remarks>
[GenerateSerializer, Immutable, Alias("oo.EndpointSlice")]
public sealed record EndpointSlice : KubeObject
{
    /// <summary>The kind of address every endpoint of the slice has: <c>IPv4</c>, <c>IPv6</c> or <c>FQDN</c>.</summary>
    [Id(0)] public string AddressType { get; init; } = "";
    /// <summary>The endpoints of the slice, at most 1000.</summary>
    [Id(1)] public IReadOnlyList<SliceEndpoint>? Endpoints { get; init; }
    /// <summary>The ports every endpoint of the slice serves; none means every port is open.</summary>
    [Id(2)] public IReadOnlyList<EndpointSlicePort>? Ports { get; init; }
}

/// <summary>One endpoint of a slice: usually one pod.</summary>
[GenerateSerializer, Immutable, Alias("oo.SliceEndpoint")]
public sealed record SliceEndpoint
{
    /// <summary>The endpoint's addresses, of the slice's address type; consumers use the first.</summary>
    [Id(0)] public IReadOnlyList<string> Addresses { get; init; } = [];
    /// <summary>Whether the endpoint is ready, serving and terminating.</summary>
    [Id(1)] public EndpointConditions? Conditions { get; init; }
    /// <summary>The endpoint's host name, a DNS label; used in its DNS name when the pod asks for one.</summary>
    [Id(2)] public string? Hostname { get; init; }
    /// <summary>The object behind the endpoint, usually a pod.</summary>
    [Id(3)] public ObjectReference? TargetRef { get; init; }
    /// <summary>Topology labels of the endpoint; deprecated in favour of <c>nodeName</c> and <c>zone</c>.</summary>
    [Id(4)] public IReadOnlyDictionary<string, string>? DeprecatedTopology { get; init; }
    /// <summary>The node the endpoint runs on.</summary>
    [Id(5)] public string? NodeName { get; init; }
    /// <summary>The zone the endpoint is in.</summary>
    [Id(6)] public string? Zone { get; init; }
    /// <summary>How consumers should route to the endpoint (topology-aware routing).</summary>
    [Id(7)] public EndpointHints? Hints { get; init; }
}

/// <summary>The state of one endpoint.</summary>
[GenerateSerializer, Immutable, Alias("oo.EndpointConditions")]
public sealed record EndpointConditions
{
    /// <summary>The endpoint takes new traffic: serving and not terminating (unless the service publishes addresses that are not ready). Unknown counts as ready.</summary>
    [Id(0)] public bool? Ready { get; init; }
    /// <summary>The endpoint's pod passes its readiness checks, whether or not it is terminating.</summary>
    [Id(1)] public bool? Serving { get; init; }
    /// <summary>The endpoint is going away: its pod is being deleted.</summary>
    [Id(2)] public bool? Terminating { get; init; }
}

/// <summary>Routing hints for one endpoint.</summary>
[GenerateSerializer, Immutable, Alias("oo.EndpointHints")]
public sealed record EndpointHints
{
    /// <summary>The zones whose consumers should use this endpoint.</summary>
    [Id(0)] public IReadOnlyList<ForZone>? ForZones { get; init; }
}

/// <summary>A zone an endpoint should serve.</summary>
[GenerateSerializer, Immutable, Alias("oo.ForZone")]
public sealed record ForZone
{
    /// <summary>The zone's name.</summary>
    [Id(0)] public string Name { get; init; } = "";
}

/// <summary>One port of an endpoint slice.</summary>
[GenerateSerializer, Immutable, Alias("oo.EndpointSlicePort")]
public sealed record EndpointSlicePort
{
    /// <summary>The port's name, as in the service; empty for a service's single unnamed port.</summary>
    [Id(0)] public string? Name { get; init; }
    /// <summary><c>TCP</c> (default), <c>UDP</c> or <c>SCTP</c>.</summary>
    [Id(1)] public string? Protocol { get; init; }
    /// <summary>The port number the endpoints listen on; unset means every port.</summary>
    [Id(2)] public int? Port { get; init; }
    /// <summary>The application protocol spoken on the port.</summary>
    [Id(3)] public string? AppProtocol { get; init; }
}
