namespace OrleansOrchestrator.Contracts.Networking;

/// <summary>
/// One Service as the node proxies and the cluster DNS need it: the Service's addresses and ports with the
/// endpoints behind each port already resolved (named target ports per pod, and how each endpoint is reached
/// from another node). Derived by the endpoints controller from the Service, its EndpointSlices and the pods'
/// published ports; never stored — the Service and its slices are the truth.
/// </summary>
[GenerateSerializer, Immutable, Alias("oo.ServiceRoute")]
public sealed record ServiceRoute
{
    [Id(0)] public string Tenant { get; init; } = "";
    [Id(1)] public string Namespace { get; init; } = "";
    [Id(2)] public string Name { get; init; } = "";

    /// <summary><c>ClusterIP</c>, <c>NodePort</c>, <c>LoadBalancer</c> or <c>ExternalName</c>.</summary>
    [Id(3)] public string Type { get; init; } = "ClusterIP";

    /// <summary>The cluster IP; null for headless Services (<c>clusterIP: None</c>) and ExternalName ones.</summary>
    [Id(4)] public string? ClusterIP { get; init; }

    /// <summary>For ExternalName Services: the DNS name the Service's name is an alias of.</summary>
    [Id(5)] public string? ExternalName { get; init; }

    [Id(6)] public IReadOnlyList<RoutePort> Ports { get; init; } = [];

    /// <summary>Every endpoint the Service's selector picks, ready or not (see <see cref="RouteEndpoint.Ready"/>).</summary>
    [Id(7)] public IReadOnlyList<RouteEndpoint> Endpoints { get; init; } = [];

    /// <summary><c>sessionAffinity: ClientIP</c>: each client address keeps its endpoint for <see cref="AffinityTimeoutSeconds"/>.</summary>
    [Id(8)] public bool ClientIPAffinity { get; init; }

    [Id(9)] public int AffinityTimeoutSeconds { get; init; } = 10800;

    /// <summary><c>externalTrafficPolicy: Local</c>: node ports and load balancer ports reach only this node's endpoints.</summary>
    [Id(10)] public bool ExternalTrafficLocal { get; init; }

    /// <summary><c>internalTrafficPolicy: Local</c>: the cluster IP reaches only endpoints on the sending node.</summary>
    [Id(11)] public bool InternalTrafficLocal { get; init; }

    /// <summary>For LoadBalancer Services: the nodes that serve the Service's ports on their own address (ServiceLB).</summary>
    [Id(12)] public IReadOnlyList<string> LoadBalancerNodes { get; init; } = [];

    /// <summary>External addresses (<c>spec.externalIPs</c>) the Service's ports are also served on.</summary>
    [Id(13)] public IReadOnlyList<string> ExternalIPs { get; init; } = [];

    /// <summary>The Service's resourceVersion this route was derived from.</summary>
    [Id(14)] public string ResourceVersion { get; init; } = "";

    /// <summary>Whether not-ready endpoints are published too (<c>publishNotReadyAddresses</c>).</summary>
    [Id(15)] public bool PublishNotReadyAddresses { get; init; }

    /// <summary>The directory key: tenant, namespace and name.</summary>
    public string Key => RouteKey(Tenant, Namespace, Name);

    public static string RouteKey(string tenant, string @namespace, string name) => $"{tenant}/{@namespace}/{name}";

    /// <summary>A headless Service has no cluster IP: DNS names its endpoints directly and no proxy rule exists.</summary>
    public bool Headless => ClusterIP is null && Type != "ExternalName";
}

/// <summary>One port a Service offers.</summary>
[GenerateSerializer, Immutable, Alias("oo.RoutePort")]
public sealed record RoutePort
{
    /// <summary>The port's name ("" when the Service has one unnamed port).</summary>
    [Id(0)] public string Name { get; init; } = "";

    /// <summary><c>TCP</c>, <c>UDP</c> or <c>SCTP</c>.</summary>
    [Id(1)] public string Protocol { get; init; } = "TCP";

    [Id(2)] public int Port { get; init; }

    /// <summary>The node port (NodePort and LoadBalancer Services), else null.</summary>
    [Id(3)] public int? NodePort { get; init; }
}

/// <summary>One pod behind a Service.</summary>
[GenerateSerializer, Immutable, Alias("oo.RouteEndpoint")]
public sealed record RouteEndpoint
{
    /// <summary>The pod's address (on its node's tenant network).</summary>
    [Id(0)] public string Ip { get; init; } = "";

    /// <summary>The node the pod runs on.</summary>
    [Id(1)] public string NodeName { get; init; } = "";

    /// <summary>The node's address, where the pod's published ports are reached from other nodes.</summary>
    [Id(2)] public string HostIP { get; init; } = "";

    /// <summary>The pod's name (the EndpointSlice's <c>targetRef</c>).</summary>
    [Id(3)] public string PodName { get; init; } = "";

    /// <summary>The DNS host name of this endpoint (pods with <c>hostname</c> and a <c>subdomain</c> naming the Service).</summary>
    [Id(4)] public string? Hostname { get; init; }

    /// <summary>Ready, as in the EndpointSlice's <c>conditions.ready</c> (false while terminating).</summary>
    [Id(5)] public bool Ready { get; init; }

    [Id(6)] public bool Serving { get; init; }

    [Id(7)] public bool Terminating { get; init; }

    /// <summary>For each of the Service's ports this pod serves: where the traffic goes. A named target port the pod lacks is absent.</summary>
    [Id(8)] public IReadOnlyList<EndpointTarget> Targets { get; init; } = [];
}

/// <summary>Where one Service port of one endpoint leads.</summary>
[GenerateSerializer, Immutable, Alias("oo.EndpointTarget")]
public sealed record EndpointTarget
{
    /// <summary>The Service port's name.</summary>
    [Id(0)] public string PortName { get; init; } = "";

    /// <summary>The pod's port (the resolved <c>targetPort</c>).</summary>
    [Id(1)] public int Port { get; init; }

    /// <summary>The node port the engine published that pod port on (<c>status.hostPorts</c>), reached from other nodes; null when not published.</summary>
    [Id(2)] public int? HostPort { get; init; }
}
