using System.Security.Cryptography;
using System.Text;

namespace OrleansOrchestrator.Agents.Networking.Proxy;

/// <summary>
/// The names of one agent's iptables chains. Every chain starts with <see cref="Prefix"/>, unique per cluster and
/// node, so that agents sharing a host (several clusters, or several nodes of a test cluster) never touch each
/// other's rules, and an agent finds its own chains again after a restart. iptables allows 28 characters.
/// </summary>
public sealed record ProxyChainNames(string Prefix)
{
    public const int MaxChainNameLength = 28;

    /// <summary><c>OO-</c> and six hex digits of a hash of the cluster id and node name, then a dash (10 characters).</summary>
    public static ProxyChainNames For(string clusterId, string nodeName) =>
        new($"OO-{Hash($"{clusterId}\n{nodeName}", 6)}-");

    /// <summary>From nat PREROUTING: cluster IPs, DNS, external addresses, then node ports.</summary>
    public string Services => Prefix + "SERVICES";

    /// <summary>From nat OUTPUT: the host's own traffic to the service range is masqueraded, then as <see cref="Services"/>.</summary>
    public string Output => Prefix + "OUTPUT";

    /// <summary>From nat POSTROUTING: masquerades what <see cref="MarkMasquerade"/> marked.</summary>
    public string Postrouting => Prefix + "POSTROUTING";

    public string MarkMasquerade => Prefix + "MARK-MASQ";

    public string NodePorts => Prefix + "NODEPORTS";

    /// <summary>From filter INPUT and OUTPUT (and via <see cref="Forward"/>): rejects what has no endpoint, and other tenants' pods.</summary>
    public string Filter => Prefix + "FILTER";

    /// <summary>From filter FORWARD: <see cref="Filter"/>, then accepts the forwarded traffic our rules translated.</summary>
    public string Forward => Prefix + "FORWARD";

    /// <summary>From <see cref="Filter"/> for what a tenant bridge sends to this host: each published host port to its owner's chain.</summary>
    public string HostPorts => Prefix + "HOSTPORTS";

    /// <summary>A tenant's host ports: its own bridges pass, every other tenant's bridge is refused.</summary>
    public string HostPortOwner(string tenant) => Prefix + "HPT-" + Hash(tenant, 12);

    /// <summary>A tenant's cluster IPs.</summary>
    public string Tenant(string tenant) => Prefix + "TEN-" + Hash(tenant, 12);

    /// <summary>A Service port's choice among all its endpoints.</summary>
    public string ServicePort(string routeKey, string portName, string protocol) => Prefix + "SVC-" + Hash($"{routeKey}\n{portName}\n{protocol}", 12);

    /// <summary>A Service port's choice among the endpoints on this node (traffic policy Local).</summary>
    public string LocalServicePort(string routeKey, string portName, string protocol) => Prefix + "LCL-" + Hash($"{routeKey}\n{portName}\n{protocol}", 12);

    /// <summary>Where traffic from outside the cluster IP (node ports, load balancer and external addresses) enters a Service port.</summary>
    public string ExternalServicePort(string routeKey, string portName, string protocol) => Prefix + "EXT-" + Hash($"{routeKey}\n{portName}\n{protocol}", 12);

    /// <summary>One endpoint of a Service port (its DNAT, and its client-affinity list).</summary>
    public string Endpoint(string routeKey, string portName, string protocol, string destination) =>
        Prefix + "SEP-" + Hash($"{routeKey}\n{portName}\n{protocol}\n{destination}", 12);

    /// <summary>Whether <paramref name="chain"/> is one of this agent's.</summary>
    public bool Owns(string chain) => chain.StartsWith(Prefix, StringComparison.Ordinal);

    /// <summary>The base chains (table, built-in chain, our chain) our chains are jumped to from.</summary>
    public IReadOnlyList<(string Table, string From, string To)> Jumps =>
    [
        ("nat", "PREROUTING", Services),
        ("nat", "OUTPUT", Output),
        ("nat", "POSTROUTING", Postrouting),
        ("filter", "INPUT", Filter),
        ("filter", "OUTPUT", Filter),
        ("filter", "FORWARD", Forward),
    ];

    private static string Hash(string text, int hexDigits) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..hexDigits];
}
