namespace OrleansOrchestrator.Contracts.Networking;

/// <summary>
/// The cluster-wide network facts every agent needs, decided once by the control plane (<c>--service-cidr</c>,
/// <c>--service-node-port-range</c>): the virtual service range each node routes locally, the cluster DNS
/// address pods are given, and the domain names live under.
/// </summary>
[GenerateSerializer, Immutable, Alias("oo.ClusterNetwork")]
public sealed record ClusterNetwork
{
    /// <summary>The service range, e.g. <c>10.96.0.0/12</c> (Kubernetes' default).</summary>
    [Id(0)] public string ServiceCidr { get; init; } = "10.96.0.0/12";

    /// <summary>The cluster IP of the <c>kubernetes</c> Service: the range's first address.</summary>
    [Id(1)] public string KubernetesServiceIp { get; init; } = "10.96.0.1";

    /// <summary>The cluster DNS address written into pods' <c>resolv.conf</c>: the range's tenth address, as kube-dns has it.</summary>
    [Id(2)] public string DnsIp { get; init; } = "10.96.0.10";

    /// <summary>The cluster domain (<c>cluster.local</c>).</summary>
    [Id(3)] public string ClusterDomain { get; init; } = "cluster.local";

    /// <summary>The node port range, inclusive (30000–32767 by default).</summary>
    [Id(4)] public int NodePortMin { get; init; } = 30000;

    [Id(5)] public int NodePortMax { get; init; } = 32767;
}
