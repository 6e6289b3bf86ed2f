namespace OrleansOrchestrator.Contracts.Model;

/// <summary>A stable virtual address and DNS name for a set of pods chosen by labels; connections to its ports are spread over the ready pods.</summary>
[GenerateSerializer, Immutable, Alias("oo.Service")]
public sealed record Service : KubeObject
{
    /// <summary>Which pods the service reaches, on which ports, and how.</summary>
    [Id(0)] public ServiceSpec Spec { get; init; } = new();
    /// <summary>What was last observed of the service. Written by the system.</summary>
    [Id(1)] public ServiceStatus? Status { get; init; }
}

/// <summary>The pods a service reaches and how.</summary>
[GenerateSerializer, Immutable, Alias("oo.ServiceSpec")]
public sealed record ServiceSpec
{
    /// <summary>How the service is exposed: <c>ClusterIP</c> (default: inside the cluster), <c>NodePort</c> (also on a port of every node), <c>LoadBalancer</c> or <c>ExternalName</c> (a DNS alias).</summary>
    [Id(0)] public string? Type { get; init; }
    /// <summary>Labels of the pods that receive the traffic. Without a selector, endpoints are managed by hand.</summary>
    [Id(1)] public IReadOnlyDictionary<string, string>? Selector { get; init; }
    /// <summary>The ports the service offers and where each one leads.</summary>
    [Id(2)] public IReadOnlyList<ServicePort>? Ports { get; init; }
    /// <summary>The virtual address of the service, assigned by the system unless given; <c>None</c> makes a headless service (DNS names only).</summary>
    [Id(3)] public string? ClusterIP { get; init; }
    /// <summary>The virtual addresses of the service, one per IP family; the first equals <c>clusterIP</c>.</summary>
    [Id(4)] public IReadOnlyList<string>? ClusterIPs { get; init; }
    /// <summary>Further addresses, routed to a node from outside, on which the service is reached.</summary>
    [Id(5)] public IReadOnlyList<string>? ExternalIPs { get; init; }
    /// <summary><c>ClientIP</c> sends each client to the same pod; <c>None</c> (default) does not.</summary>
    [Id(6)] public string? SessionAffinity { get; init; }
    /// <summary>The address asked of the load balancer, where supported.</summary>
    [Id(7)] public string? LoadBalancerIP { get; init; }
    /// <summary>Client address ranges the load balancer admits.</summary>
    [Id(8)] public IReadOnlyList<string>? LoadBalancerSourceRanges { get; init; }
    /// <summary>For type <c>ExternalName</c>: the DNS name the service's name points to.</summary>
    [Id(9)] public string? ExternalName { get; init; }
    /// <summary>For traffic from outside: <c>Cluster</c> (default: any node forwards to any pod) or <c>Local</c> (only pods on the receiving node, keeping the client's address).</summary>
    [Id(10)] public string? ExternalTrafficPolicy { get; init; }
    /// <summary>For traffic from inside: <c>Cluster</c> (default) or <c>Local</c> (only pods on the sending node).</summary>
    [Id(11)] public string? InternalTrafficPolicy { get; init; }
    /// <summary>The IP families of the service's addresses, <c>IPv4</c> and/or <c>IPv6</c>.</summary>
    [Id(12)] public IReadOnlyList<string>? IpFamilies { get; init; }
    /// <summary><c>SingleStack</c> (default), <c>PreferDualStack</c> or <c>RequireDualStack</c>.</summary>
    [Id(13)] public string? IpFamilyPolicy { get; init; }
    /// <summary>Include pods that are not ready in the service's endpoints and DNS.</summary>
    [Id(14)] public bool? PublishNotReadyAddresses { get; init; }
    /// <summary>Whether a <c>LoadBalancer</c> service also gets node ports. Default true.</summary>
    [Id(15)] public bool? AllocateLoadBalancerNodePorts { get; init; }
}

/// <summary>One port a service offers.</summary>
[GenerateSerializer, Immutable, Alias("oo.ServicePort")]
public sealed record ServicePort
{
    /// <summary>The port's name; required when the service has several ports.</summary>
    [Id(0)] public string? Name { get; init; }
    /// <summary><c>TCP</c> (default), <c>UDP</c> or <c>SCTP</c>.</summary>
    [Id(1)] public string? Protocol { get; init; }
    /// <summary>The port number the service listens on.</summary>
    [Id(2)] public int Port { get; init; }
    /// <summary>The pods' port traffic goes to, by number or by the name of a container port. Default: the same as <c>port</c>.</summary>
    [Id(3)] public IntOrString? TargetPort { get; init; }
    /// <summary>For <c>NodePort</c> and <c>LoadBalancer</c> services: the port opened on every node; chosen by the system when unset.</summary>
    [Id(4)] public int? NodePort { get; init; }
    /// <summary>The application protocol spoken, e.g. <c>http</c> or <c>kubernetes.io/h2c</c>; a hint for proxies.</summary>
    [Id(5)] public string? AppProtocol { get; init; }
}

/// <summary>The observed state of a service.</summary>
[GenerateSerializer, Immutable, Alias("oo.ServiceStatus")]
public sealed record ServiceStatus
{
    /// <summary>The load balancer in front of the service, if any.</summary>
    [Id(0)] public LoadBalancerStatus? LoadBalancer { get; init; }
    /// <summary>Observations about the service.</summary>
    [Id(1)] public IReadOnlyList<Condition>? Conditions { get; init; }
}

/// <summary>The addresses of a load balancer.</summary>
[GenerateSerializer, Immutable, Alias("oo.LoadBalancerStatus")]
public sealed record LoadBalancerStatus
{
    /// <summary>Where the load balancer is reached.</summary>
    [Id(0)] public IReadOnlyList<LoadBalancerIngress>? Ingress { get; init; }
}

/// <summary>One address of a load balancer.</summary>
[GenerateSerializer, Immutable, Alias("oo.LoadBalancerIngress")]
public sealed record LoadBalancerIngress
{
    /// <summary>An IP address.</summary>
    [Id(0)] public string? Ip { get; init; }
    /// <summary>A DNS name.</summary>
    [Id(1)] public string? Hostname { get; init; }
}
