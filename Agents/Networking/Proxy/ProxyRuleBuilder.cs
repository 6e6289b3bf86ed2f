using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using OrleansOrchestrator.Contracts.Networking;

namespace OrleansOrchestrator.Agents.Networking.Proxy;

/// <summary>Everything the node's proxy rules are derived from.</summary>
public sealed record ProxyInputs
{
    public required IReadOnlyCollection<ServiceRoute> Routes { get; init; }

    /// <summary>This node's name: endpoints on it are reached at the pod's address, others at their hostIP:hostPort.</summary>
    public required string NodeName { get; init; }

    /// <summary>This node's addresses: where LoadBalancer Services this node serves are offered.</summary>
    public required IReadOnlyList<string> NodeAddresses { get; init; }

    public required ClusterNetwork Network { get; init; }

    /// <summary>The tenant bridges on this host: each reaches its own tenant's cluster IPs and DNS only.</summary>
    public IReadOnlyList<TenantNetwork> TenantNetworks { get; init; } = [];

    /// <summary>The host ports published for this node's pods and their tenants: only the owner's bridges reach them.</summary>
    public IReadOnlyList<HostPortOwner> HostPorts { get; init; } = [];

    /// <summary>The port the node's DNS server listens on at each tenant network's gateway; null: no DNS redirect.</summary>
    public int? DnsPort { get; init; }

    public required ProxyChainNames Chains { get; init; }
}

/// <summary>One table's chains and rules (in order), all of them ours.</summary>
public sealed record ProxyTable(string Name, IReadOnlyList<string> Chains, IReadOnlyList<string> Rules)
{
    private Dictionary<string, List<string>>? _byChain;

    /// <summary>Each chain's rules, in order (empty chains included).</summary>
    public IReadOnlyDictionary<string, List<string>> RulesByChain => _byChain ??= Group();

    private Dictionary<string, List<string>> Group()
    {
        var byChain = Chains.ToDictionary(c => c, _ => new List<string>(), StringComparer.Ordinal);
        foreach (var rule in Rules) byChain[IptablesState.Chain(rule)].Add(rule);
        return byChain;
    }
}

/// <summary>The whole rule set of one agent's proxy: its nat and filter chains.</summary>
public sealed record ProxyRules(ProxyTable Nat, ProxyTable Filter)
{
    /// <summary>The host ports these rules keep other tenants' pods from (see <see cref="ProxyRuleBuilder"/>).</summary>
    public IReadOnlyList<HostPortOwner> GuardedHostPorts { get; init; } = [];

    /// <summary>
    /// The <c>iptables-restore --noflush</c> input that replaces our chains with these rules in one transaction:
    /// every chain is declared (which empties it), refilled, and the <paramref name="staleChains"/> of ours no
    /// longer wanted are emptied and deleted; <paramref name="extraRules"/> (per table) go in the same transaction.
    /// </summary>
    public string RestoreScript(
        IReadOnlyDictionary<string, IReadOnlyCollection<string>>? staleChains = null,
        IReadOnlyDictionary<string, IReadOnlyList<string>>? extraRules = null)
    {
        var text = new StringBuilder();
        foreach (var table in new[] { Nat, Filter })
        {
            var stale = (staleChains?.GetValueOrDefault(table.Name) ?? []).Except(table.Chains).Order(StringComparer.Ordinal).ToList();
            text.Append('*').Append(table.Name).Append('\n');
            foreach (var chain in table.Chains.Concat(stale)) text.Append(':').Append(chain).Append(" - [0:0]\n");
            foreach (var rule in table.Rules) text.Append(rule).Append('\n');
            foreach (var rule in extraRules?.GetValueOrDefault(table.Name) ?? []) text.Append(rule).Append('\n');
            foreach (var chain in stale) text.Append("-X ").Append(chain).Append('\n');
            text.Append("COMMIT\n");
        }
        return text.ToString();
    }
}

/// <summary>Builds restore scripts that change only what differs between two rule sets.</summary>
public static class ProxyRulesDiff
{
    /// <summary>
    /// The <c>iptables-restore --noflush</c> input that turns <paramref name="before"/> (what the kernel holds) into
    /// <paramref name="after"/> by rewriting only the chains whose rules differ and deleting the chains no longer
    /// used; null when nothing differs. With thousands of Services a change rewrites a handful of chains instead
    /// of tens of thousands of rules (kube-proxy's partial sync).
    /// </summary>
    public static string? Script(ProxyRules before, ProxyRules after)
    {
        var text = new StringBuilder();
        foreach (var (old, now) in new[] { (before.Nat, after.Nat), (before.Filter, after.Filter) })
        {
            var changed = now.Chains.Where(c => !old.RulesByChain.TryGetValue(c, out var rules) || !rules.SequenceEqual(now.RulesByChain[c])).ToList();
            var removed = old.Chains.Where(c => !now.RulesByChain.ContainsKey(c)).ToList();
            if (changed.Count == 0 && removed.Count == 0) continue;
            text.Append('*').Append(now.Name).Append('\n');
            foreach (var chain in changed.Concat(removed)) text.Append(':').Append(chain).Append(" - [0:0]\n");
            foreach (var chain in changed)
            {
                foreach (var rule in now.RulesByChain[chain]) text.Append(rule).Append('\n');
            }
            foreach (var chain in removed) text.Append("-X ").Append(chain).Append('\n');
            text.Append("COMMIT\n");
        }
        return text.Length == 0 ? null : text.ToString();
    }
}

/// <summary>
/// The node's Service proxy as iptables rules, kube-proxy's iptables mode in shape: pure, deterministic (the same
/// inputs give the same text, so comparing texts tells whether anything changed).
/// <list type="bullet">
/// <item>nat PREROUTING → SERVICES: a tenant bridge's DNS address to the node's DNS server, a tenant bridge's
/// packets to the service range only to its own tenant's cluster IPs (TEN chain), the host and other interfaces
/// to every tenant's; then external and load balancer addresses; then node ports on local addresses.</item>
/// <item>Per Service port: SVC picks one of all usable endpoints with <c>-m statistic</c> (1/n, 1/(n−1), …, last
/// unconditional), LCL one of this node's only (traffic policy Local), EXT is where non-cluster-IP traffic
/// enters; each endpoint a SEP chain whose DNAT leads to the pod's address (this node) or to its
/// hostIP:hostPort (another node), with <c>-m recent</c> for ClientIP affinity.</item>
/// <item>Masquerade: packets that would come back the wrong way are marked and masqueraded in POSTROUTING —
/// the host's own, a pod reaching itself (hairpin), traffic sent to another node, and external traffic under
/// policy Cluster.</item>
/// <item>filter: what has no endpoint is rejected (connection refused at once, not a time-out), and nothing left
/// addressed to the service range after nat reaches the host (another tenant's cluster IP, a port the
/// Service does not have).</item>
/// <item>filter: a tenant bridge's new connections to this host go through HOSTPORTS, which sends each published
/// host port to its tenant's HPT chain: the tenant's own bridges return, any other is refused. Docker's nat rules
/// leave traffic from its bridges alone and its userland proxy accepts it on the host, so without this a pod
/// could reach another tenant's pod through the host port the pod's Services use.</item>
/// </list>
/// </summary>
public static class ProxyRuleBuilder
{
    /// <summary>The packet mark bit meaning "masquerade this" (kube-proxy uses 0x4000; ours differs so the two never mix).</summary>
    public const string MasqueradeMark = "0x40000";

    private const string Reject = "-j REJECT --reject-with icmp-port-unreachable";

    public static ProxyRules Build(ProxyInputs inputs)
    {
        var names = inputs.Chains;
        var nat = new TableBuilder("nat");
        var filter = new TableBuilder("filter");
        var cidr = inputs.Network.ServiceCidr;

        nat.Add(names.Output, $"-d {cidr} -j {names.MarkMasquerade}", $"-j {names.Services}");
        nat.Add(names.MarkMasquerade, $"-j MARK --or-mark {MasqueradeMark}");
        nat.Add(names.Postrouting,
            $"-m mark ! --mark {MasqueradeMark}/{MasqueradeMark} -j RETURN",
            $"-j MARK --xor-mark {MasqueradeMark}",
            "-j MASQUERADE --random-fully");
        nat.Declare(names.Services);
        nat.Declare(names.NodePorts);
        // Only new connections are refused: replies to the host's own connections through a cluster IP come back
        // addressed to the cluster IP (the host's socket had it as its source) and must pass.
        filter.Add(names.Filter, "-m conntrack ! --ctstate NEW -j RETURN");
        filter.Add(names.Forward,
            $"-j {names.Filter}",
            $"-m mark --mark {MasqueradeMark}/{MasqueradeMark} -j ACCEPT",
            "-m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT");
        var guarded = AddHostPortGuards(inputs, filter);

        var services = inputs.Routes
            .Where(r => r.ClusterIP is { } ip && IsIPv4(ip) && r.Type != "ExternalName")
            .OrderBy(r => r.Key, StringComparer.Ordinal)
            .ToList();
        var tenantsWithRoutes = services.Select(r => r.Tenant).Distinct().Order(StringComparer.Ordinal).ToList();
        foreach (var tenant in tenantsWithRoutes) nat.Declare(names.Tenant(tenant));

        // Tenant bridges first: their pods reach their own tenant's cluster IPs and DNS, and no other tenant's.
        foreach (var network in inputs.TenantNetworks.OrderBy(n => n.Bridge, StringComparer.Ordinal))
        {
            if (inputs.DnsPort is { } dnsPort && IsIPv4(network.Gateway))
            {
                foreach (var protocol in new[] { "udp", "tcp" })
                {
                    nat.Add(names.Services,
                        $"-i {network.Bridge} -d {inputs.Network.DnsIp}/32 -p {protocol} -m {protocol} --dport 53 {Comment($"{network.Tenant} cluster DNS")}-j DNAT --to-destination {network.Gateway}:{dnsPort}");
                }
            }
            if (tenantsWithRoutes.Contains(network.Tenant))
                nat.Add(names.Services, $"-i {network.Bridge} -d {cidr} -j {names.Tenant(network.Tenant)}");
            nat.Add(names.Services, $"-i {network.Bridge} -d {cidr} -j RETURN");
            filter.Add(names.Filter, $"-i {network.Bridge} -d {cidr} {Comment($"not {network.Tenant}'s cluster IPs")}{Reject}");
        }
        // The host, and pods on networks that belong to no tenant, reach every tenant's cluster IPs.
        foreach (var tenant in tenantsWithRoutes) nat.Add(names.Services, $"-d {cidr} -j {names.Tenant(tenant)}");

        foreach (var route in services)
        {
            foreach (var port in route.Ports.Where(p => p.Port is > 0 and <= 65535)
                         .OrderBy(p => p.Name, StringComparer.Ordinal).ThenBy(p => p.Protocol, StringComparer.Ordinal).ThenBy(p => p.Port))
            {
                AddServicePort(inputs, route, port, nat, filter);
            }
        }

        nat.Add(names.Services, $"-m addrtype --dst-type LOCAL -j {names.NodePorts}");
        filter.Add(names.Filter, $"-d {cidr} {Comment("nothing else in the service range")}{Reject}");

        return new ProxyRules(nat.Build(), filter.Build()) { GuardedHostPorts = guarded };
    }

    /// <summary>
    /// Only a host port's own tenant's pods reach it on this host (the host itself, other hosts and non-tenant
    /// networks are not matched). Matched on arrival at a local address, before the engine's userland proxy accepts
    /// the connection; the engine's DNAT path (without userland proxy) is forwarded between bridges, which Docker's
    /// isolation chains already drop.
    /// </summary>
    /// <returns>The ports guarded.</returns>
    private static List<HostPortOwner> AddHostPortGuards(ProxyInputs inputs, TableBuilder filter)
    {
        var names = inputs.Chains;
        var ports = inputs.HostPorts
            .Where(p => p.Guardable)
            .Distinct().OrderBy(p => p.HostPort).ThenBy(p => p.Protocol, StringComparer.Ordinal)
            .ThenBy(p => p.HostIp, StringComparer.Ordinal).ThenBy(p => p.Tenant, StringComparer.Ordinal)
            .ToList();
        var networks = inputs.TenantNetworks.OrderBy(n => n.Bridge, StringComparer.Ordinal).ToList();
        if (ports.Count == 0 || networks.Count == 0) return [];

        foreach (var network in networks)
            filter.Add(names.Filter, $"-i {network.Bridge} -m addrtype --dst-type LOCAL -j {names.HostPorts}");
        foreach (var port in ports)
        {
            var protocol = port.Protocol.ToLowerInvariant() is "udp" or "sctp" ? port.Protocol.ToLowerInvariant() : "tcp";
            var address = port.HostIp is "" or "0.0.0.0" ? "" : $"-d {port.HostIp}/32 ";
            filter.Add(names.HostPorts,
                $"{address}-p {protocol} -m {protocol} --dport {port.HostPort} {Comment($"{port.Tenant} host port")}-j {names.HostPortOwner(port.Tenant)}");
        }
        foreach (var tenant in ports.Select(p => p.Tenant).Distinct().Order(StringComparer.Ordinal))
        {
            var owner = names.HostPortOwner(tenant);
            foreach (var network in networks.Where(n => n.Tenant == tenant)) filter.Add(owner, $"-i {network.Bridge} -j RETURN");
            filter.Add(owner, $"{Comment($"only {tenant}'s pods reach its host ports")}{Reject}");
        }
        return ports;
    }

    private static void AddServicePort(ProxyInputs inputs, ServiceRoute route, RoutePort port, TableBuilder nat, TableBuilder filter)
    {
        var names = inputs.Chains;
        var protocol = port.Protocol.ToLowerInvariant() switch
        {
            "udp" => "udp",
            "sctp" => "sctp",
            _ => "tcp",
        };
        var match = $"-p {protocol} -m {protocol} --dport {port.Port}";
        var label = $"{route.Key}{(port.Name.Length > 0 ? ":" + port.Name : "")}";
        var all = Endpoints(inputs, route, port);
        var local = all.Where(e => e.Local).ToList();

        var svc = names.ServicePort(route.Key, port.Name, protocol);
        var lcl = names.LocalServicePort(route.Key, port.Name, protocol);
        var ext = names.ExternalServicePort(route.Key, port.Name, protocol);
        if (all.Count > 0)
        {
            foreach (var endpoint in all) AddEndpoint(inputs, route, protocol, endpoint, nat);
            AddChoice(nat, svc, all, route);
            if (local.Count > 0 && (route.InternalTrafficLocal || route.ExternalTrafficLocal)) AddChoice(nat, lcl, local, route);
        }

        // The cluster IP.
        var internalChain = route.InternalTrafficLocal ? (local.Count > 0 ? lcl : null) : (all.Count > 0 ? svc : null);
        if (internalChain is not null)
            nat.Add(names.Tenant(route.Tenant), $"-d {route.ClusterIP}/32 {match} {Comment($"{label} cluster IP")}-j {internalChain}");
        else
            filter.Add(names.Filter, $"-d {route.ClusterIP}/32 {match} {Comment($"{label} has no endpoints")}{Reject}");

        // Node ports, load balancer and external addresses all enter through EXT.
        var externalAddresses = route.ExternalIPs.Where(IsIPv4)
            .Concat(route.LoadBalancerNodes.Contains(inputs.NodeName) ? inputs.NodeAddresses.Where(IsIPv4) : [])
            .Distinct().Order(StringComparer.Ordinal).ToList();
        var hasNodePort = port.NodePort is > 0 and <= 65535;
        if (externalAddresses.Count == 0 && !hasNodePort) return;

        if (all.Count > 0)
        {
            if (route.ExternalTrafficLocal)
            {
                // The client's address is kept, so only this node's endpoints can answer it. The host's own
                // traffic has a local source that no pod can reply to: masqueraded, and free to go anywhere.
                nat.Add(ext,
                    $"-m addrtype --src-type LOCAL -j {names.MarkMasquerade}",
                    $"-m addrtype --src-type LOCAL -j {svc}");
                if (local.Count > 0) nat.Add(ext, $"-j {lcl}");
            }
            else
            {
                nat.Add(ext, $"-j {names.MarkMasquerade}", $"-j {svc}");
            }
        }
        var externalReject = all.Count == 0 ? "" : route.ExternalTrafficLocal && local.Count == 0 ? "-m addrtype ! --src-type LOCAL " : null;

        foreach (var address in externalAddresses)
        {
            if (all.Count > 0) nat.Add(inputs.Chains.Services, $"-d {address}/32 {match} {Comment($"{label} external address")}-j {ext}");
            if (externalReject is not null)
                filter.Add(names.Filter, $"{externalReject}-d {address}/32 {match} {Comment($"{label} has no endpoints for external traffic")}{Reject}");
        }
        if (hasNodePort)
        {
            var nodePortMatch = $"-p {protocol} -m {protocol} --dport {port.NodePort}";
            if (all.Count > 0) nat.Add(names.NodePorts, $"{nodePortMatch} {Comment($"{label} node port")}-j {ext}");
            if (externalReject is not null)
            {
                var addressType = externalReject.Length > 0 ? "-m addrtype ! --src-type LOCAL --dst-type LOCAL" : "-m addrtype --dst-type LOCAL";
                filter.Add(names.Filter, $"{addressType} {nodePortMatch} {Comment($"{label} node port has no endpoints")}{Reject}");
            }
        }
    }

    private static void AddChoice(TableBuilder nat, string chain, IReadOnlyList<Endpoint> endpoints, ServiceRoute route)
    {
        if (route.ClientIPAffinity)
        {
            foreach (var endpoint in endpoints)
                nat.Add(chain, $"-m recent --name {endpoint.Chain} --mask 255.255.255.255 --rsource --rcheck --seconds {AffinitySeconds(route)} --reap -j {endpoint.Chain}");
        }
        for (var i = 0; i < endpoints.Count; i++)
        {
            var probability = i < endpoints.Count - 1
                ? "-m statistic --mode random --probability " + (1.0 / (endpoints.Count - i)).ToString("F10", CultureInfo.InvariantCulture) + " "
                : "";
            nat.Add(chain, $"{probability}-j {endpoints[i].Chain}");
        }
    }

    private static void AddEndpoint(ProxyInputs inputs, ServiceRoute route, string protocol, Endpoint endpoint, TableBuilder nat)
    {
        var masquerade = inputs.Chains.MarkMasquerade;
        // A pod reaching itself through its Service (hairpin) must see the reply come from the Service, and a
        // packet sent to another node must come back through this one: both are masqueraded.
        nat.Add(endpoint.Chain, endpoint.Local ? $"-s {endpoint.PodIp}/32 -j {masquerade}" : $"-j {masquerade}");
        var affinity = route.ClientIPAffinity ? $"-m recent --name {endpoint.Chain} --mask 255.255.255.255 --rsource --set " : "";
        nat.Add(endpoint.Chain, $"-p {protocol} {affinity}-m {protocol} -j DNAT --to-destination {endpoint.Destination}");
    }

    private static int AffinitySeconds(ServiceRoute route) => route.AffinityTimeoutSeconds is > 0 and <= 86400 ? route.AffinityTimeoutSeconds : 10800;

    /// <summary>
    /// The usable endpoints of one Service port, ordered by destination: ready, serving that port, and reachable
    /// from here. When none is ready, the terminating ones that still serve take the traffic (as kube-proxy
    /// does), so that a rolling update's last old pod keeps answering until its replacement is ready.
    /// </summary>
    private static List<Endpoint> Endpoints(ProxyInputs inputs, ServiceRoute route, RoutePort port)
    {
        var ready = Endpoints(inputs, route, port, e => e.Ready || route.PublishNotReadyAddresses);
        return ready.Count > 0 ? ready : Endpoints(inputs, route, port, e => e.Serving && e.Terminating);
    }

    private static List<Endpoint> Endpoints(ProxyInputs inputs, ServiceRoute route, RoutePort port, Func<RouteEndpoint, bool> usable)
    {
        var endpoints = new List<Endpoint>();
        foreach (var endpoint in route.Endpoints)
        {
            if (!usable(endpoint)) continue;
            if (endpoint.Targets.FirstOrDefault(t => t.PortName == port.Name) is not { } target) continue;
            var local = endpoint.NodeName == inputs.NodeName;
            // No node: an address a selector-less Service's Endpoints name (the kubernetes Service's API address), reached as it is from every node.
            var direct = endpoint.NodeName.Length == 0;
            string destination;
            if (local || direct)
            {
                if (!IsIPv4(endpoint.Ip) || target.Port is <= 0 or > 65535) continue;
                destination = $"{endpoint.Ip}:{target.Port}";
            }
            else
            {
                // Another node's pod is reached where its engine published the port; without one it is unreachable from here.
                if (target.HostPort is not (> 0 and <= 65535) || !IsIPv4(endpoint.HostIP)) continue;
                destination = $"{endpoint.HostIP}:{target.HostPort}";
            }
            var protocol = port.Protocol.ToLowerInvariant() is "udp" or "sctp" ? port.Protocol.ToLowerInvariant() : "tcp";
            endpoints.Add(new Endpoint(inputs.Chains.Endpoint(route.Key, port.Name, protocol, destination), endpoint.Ip, destination, local));
        }
        return endpoints.DistinctBy(e => e.Destination).OrderBy(e => e.Destination, StringComparer.Ordinal).ToList();
    }

    private static string Comment(string text)
    {
        var clean = new string(text.Where(c => c != '"' && c != '\\' && !char.IsControl(c)).ToArray());
        return $"-m comment --comment \"{(clean.Length > 200 ? clean[..200] : clean)}\" ";
    }

    private static bool IsIPv4(string? address) =>
        IPAddress.TryParse(address, out var parsed) && parsed.AddressFamily == AddressFamily.InterNetwork;

    private sealed record Endpoint(string Chain, string PodIp, string Destination, bool Local);

    /// <summary>One table's chains (declared in name order) and each chain's rules in the order they were added.</summary>
    private sealed class TableBuilder(string name)
    {
        private readonly SortedDictionary<string, List<string>> _chains = new(StringComparer.Ordinal);

        public void Declare(string chain)
        {
            if (!_chains.ContainsKey(chain)) _chains[chain] = [];
        }

        public void Add(string chain, params string[] rules)
        {
            Declare(chain);
            _chains[chain].AddRange(rules.Select(rule => $"-A {chain} {rule}"));
        }

        public ProxyTable Build() => new(name, _chains.Keys.ToList(), _chains.Values.SelectMany(r => r).ToList());
    }
}
