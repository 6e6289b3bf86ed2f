using System.Globalization;
using System.Net;
using System.Net.Sockets;
using ARSoft.Tools.Net;
using ARSoft.Tools.Net.Dns;
using OrleansOrchestrator.Contracts.Networking;

namespace OrleansOrchestrator.Agents.Networking.Dns;

/// <summary>
/// The cluster domain's records as each tenant sees them, built from one snapshot of the Service routes, and
/// the answer to one question (pure: no sockets, no clock). The record shapes follow Kubernetes' DNS
/// specification as CoreDNS' <c>kubernetes</c> plugin serves it:
/// <list type="bullet">
/// <item><c>svc.ns.svc.ZONE</c>: A of the cluster IP; for a headless Service one A per published endpoint
/// (NXDOMAIN when there is none); for an ExternalName Service a CNAME.</item>
/// <item><c>_port._proto.svc.ns.svc.ZONE</c>: SRV per named port (headless: per endpoint, on the pod's port,
/// with the endpoint's name as target); the targets' addresses in the additional section.</item>
/// <item><c>host.svc.ns.svc.ZONE</c>: A of the endpoint whose hostname (or dashed address) is <c>host</c> —
/// pods with <c>hostname</c> and <c>subdomain</c> are found so.</item>
/// <item>PTR of cluster IPs and headless endpoints; <c>a-b-c-d.ns.pod.ZONE</c>; <c>dns-version.ZONE</c> TXT.</item>
/// </list>
/// A tenant sees only its own tenant's Services: another tenant's name does not exist for it. Names compare
/// case-insensitively; records owned by the asked name carry the name as asked (resolvers that randomise
/// the case of their questions check it). Work per question is a few dictionary look-ups plus the records
/// returned, which are capped.
/// </summary>
public sealed class ClusterDnsZone
{
    /// <summary>CoreDNS' default TTL: short, so that a moved endpoint is not cached for long.</summary>
    public const int Ttl = 5;

    /// <summary>The most records one answer (or its additional section) carries; a TCP message holds about this many SRV records.</summary>
    public const int MaxRecords = 1000;

    /// <summary>The schema version of Kubernetes' DNS specification these records follow.</summary>
    public const string SchemaVersion = "1.1.0";

    private const int MaxCnameChain = 8;

    private readonly string[] _zone;
    private readonly SoaRecord _soa;
    private readonly Dictionary<string, TenantView> _tenants;

    private ClusterDnsZone(string domain, bool synced, bool complete, uint serial, Dictionary<string, TenantView> tenants)
    {
        _zone = domain.Trim('.').ToLowerInvariant().Split('.', StringSplitOptions.RemoveEmptyEntries);
        Domain = new DomainName(_zone);
        Synced = synced;
        Complete = complete;
        _tenants = tenants;
        _soa = new SoaRecord(Domain, Ttl, new DomainName(["ns", "dns", .. _zone]), new DomainName(["hostmaster", .. _zone]),
            serial, refreshInterval: 7200, retryInterval: 1800, expireInterval: 86400, negativeCachingTTL: Ttl);
    }

    /// <summary>The cluster domain (<c>cluster.local</c>).</summary>
    public DomainName Domain { get; }

    /// <summary>
    /// Whether the cluster's network facts arrived. Until then names under the cluster domain get SERVFAIL
    /// (as CoreDNS answers before its first sync), never an NXDOMAIN that resolvers would cache.
    /// </summary>
    public bool Synced { get; }

    /// <summary>Whether the routes are the directory's whole view; on a partial view a missing name is SERVFAIL, not NXDOMAIN.</summary>
    public bool Complete { get; }

    /// <summary>The zone for the routes now. <paramref name="network"/> null: not synced yet (the default domain is assumed).</summary>
    public static ClusterDnsZone Build(ClusterNetwork? network, bool complete, IEnumerable<ServiceRoute> routes, uint serial)
    {
        var domain = (network ?? new ClusterNetwork()).ClusterDomain;
        var zone = domain.Trim('.').ToLowerInvariant().Split('.', StringSplitOptions.RemoveEmptyEntries);
        var tenants = new Dictionary<string, TenantView>(StringComparer.Ordinal);
        foreach (var route in routes)
        {
            if (!tenants.TryGetValue(route.Tenant, out var view)) tenants[route.Tenant] = view = new TenantView();
            view.Add(ServiceEntry.Of(route, zone));
        }
        return new ClusterDnsZone(domain, network is not null, complete, serial, tenants);
    }

    /// <summary>The answer to <paramref name="question"/> asked from a pod of <paramref name="tenant"/>.</summary>
    public ClusterDnsAnswer Resolve(string tenant, DnsQuestion question)
    {
        var view = _tenants.GetValueOrDefault(tenant) ?? TenantView.Empty;
        var name = question.Name;
        var relative = RelativeToZone(name);
        if (relative is null)
        {
            if (question.RecordType is RecordType.Ptr && ReverseIPv4(name) is { } address && view.Pointers.TryGetValue(address, out var targets))
            {
                return new ClusterDnsAnswer { Answers = [.. targets.Take(MaxRecords).Select(t => new PtrRecord(name, Ttl, t))] };
            }
            // Reverse names of addresses that are not ours fall through to upstream, as CoreDNS' default
            // configuration has it (fallthrough in-addr.arpa ip6.arpa).
            return ClusterDnsAnswer.ForwardUpstream;
        }
        if (!Synced) return ClusterDnsAnswer.Failure(ReturnCode.ServerFailure);
        if (question.RecordClass is not (RecordClass.INet or RecordClass.Any) || question.RecordType is RecordType.Axfr or RecordType.Ixfr)
        {
            return ClusterDnsAnswer.Failure(ReturnCode.Refused);
        }
        return Lookup(view, name, relative, question.RecordType, chain: 0);
    }

    /// <summary>The name's labels left of the cluster domain, lower-cased; null when the name is not under it.</summary>
    private string[]? RelativeToZone(DomainName name)
    {
        var labels = name.Labels;
        var extra = labels.Length - _zone.Length;
        if (extra < 0) return null;
        for (var i = 0; i < _zone.Length; i++)
        {
            if (!string.Equals(labels[extra + i], _zone[i], StringComparison.OrdinalIgnoreCase)) return null;
        }
        var relative = new string[extra];
        for (var i = 0; i < extra; i++) relative[i] = labels[i].ToLowerInvariant();
        return relative;
    }

    private ClusterDnsAnswer Lookup(TenantView view, DomainName name, string[] labels, RecordType type, int chain)
    {
        var count = labels.Length;
        if (count == 0) return type is RecordType.Soa or RecordType.Any ? Positive([_soa]) : NoData();
        var kind = labels[count - 1];
        if (count == 1 && kind == "dns-version")
        {
            return type is RecordType.Txt or RecordType.Any ? Positive([new TxtRecord(name, Ttl, SchemaVersion)]) : NoData();
        }
        if (kind == "svc")
        {
            return count switch
            {
                1 => NoData(),
                2 => view.Namespaces.Contains(labels[0]) ? NoData() : NxDomain(),
                3 => Service(view, name, labels[0], labels[1], type, chain),
                4 => labels[0].StartsWith('_') ? ProtocolNode(view, labels[0], labels[1], labels[2]) : EndpointByName(view, name, labels[0], labels[1], labels[2], type),
                5 => PortRecords(view, name, labels[0], labels[1], labels[2], labels[3], type),
                _ => NxDomain(),
            };
        }
        if (kind == "pod")
        {
            return count switch
            {
                1 or 2 => NoData(),
                3 => PodByAddress(name, labels[0], type),
                _ => NxDomain(),
            };
        }
        return NxDomain();
    }

    private ClusterDnsAnswer Service(TenantView view, DomainName name, string service, string @namespace, RecordType type, int chain)
    {
        if (!view.Services.TryGetValue(Key(service, @namespace), out var entry)) return NxDomain();
        if (entry.IsExternal) return entry.ExternalName is { } external ? Alias(view, name, external, type, chain) : NxDomain();
        if (!entry.Route.Headless)
        {
            return type switch
            {
                RecordType.A or RecordType.Aaaa or RecordType.Any => Addresses(name, entry.ClusterIP is { } ip ? [ip] : [], type),
                RecordType.Srv => ServiceSrv(name, entry, entry.Route.Ports),
                _ => NoData(),
            };
        }
        if (entry.Published.Count == 0) return NxDomain();
        return type switch
        {
            RecordType.A or RecordType.Aaaa or RecordType.Any => Addresses(name, entry.Published.Select(e => e.Address), type),
            RecordType.Srv => EndpointSrv(name, entry, entry.Route.Ports),
            _ => NoData(),
        };
    }

    /// <summary>An ExternalName Service: a CNAME, followed here when the target is ours too, else by the server upstream.</summary>
    private ClusterDnsAnswer Alias(TenantView view, DomainName name, DomainName target, RecordType type, int chain)
    {
        var alias = new CNameRecord(name, Ttl, target);
        if (type is RecordType.CName) return Positive([alias]);
        var inner = RelativeToZone(target);
        if (inner is null) return new ClusterDnsAnswer { Answers = [alias], ChaseName = target };
        if (chain >= MaxCnameChain) return Positive([alias]);
        var rest = Lookup(view, target, inner, type, chain + 1);
        return rest with { Answers = [alias, .. rest.Answers.Take(MaxRecords - 1)] };
    }

    /// <summary><c>_proto.svc.ns.svc</c>: exists (no data) when a named port of that protocol does, so resolvers see the SRV names below it.</summary>
    private ClusterDnsAnswer ProtocolNode(TenantView view, string protocol, string service, string @namespace) =>
        view.Services.TryGetValue(Key(service, @namespace), out var entry) && !entry.IsExternal
            && entry.Route.Ports.Any(p => p.Name.Length > 0 && Matches(protocol, p.Protocol))
            ? NoData()
            : NxDomain();

    private ClusterDnsAnswer EndpointByName(TenantView view, DomainName name, string host, string service, string @namespace, RecordType type)
    {
        if (!view.Services.TryGetValue(Key(service, @namespace), out var entry) || entry.IsExternal) return NxDomain();
        var matching = entry.Published.Where(e => e.Host == host).Select(e => e.Address).ToList();
        if (matching.Count == 0) return NxDomain();
        return type is RecordType.A or RecordType.Aaaa or RecordType.Any ? Addresses(name, matching, type) : NoData();
    }

    private ClusterDnsAnswer PortRecords(TenantView view, DomainName name, string port, string protocol, string service, string @namespace, RecordType type)
    {
        if (port.Length < 2 || port[0] != '_' || protocol.Length < 2 || protocol[0] != '_') return NxDomain();
        if (!view.Services.TryGetValue(Key(service, @namespace), out var entry) || entry.IsExternal) return NxDomain();
        var ports = entry.Route.Ports.Where(p => p.Name.Length > 0 && Matches(port, p.Name) && Matches(protocol, p.Protocol)).ToList();
        if (ports.Count == 0) return NxDomain();
        if (!entry.Route.Headless) return type is RecordType.Srv or RecordType.Any ? ServiceSrv(name, entry, ports) : NoData();
        var records = EndpointSrv(name, entry, ports);
        if (records.Answers.Count == 0) return NxDomain();
        return type is RecordType.Srv or RecordType.Any ? records : NoData();
    }

    /// <summary>SRV of a Service with a cluster IP: the Service's port, the Service's name as target.</summary>
    private ClusterDnsAnswer ServiceSrv(DomainName name, ServiceEntry entry, IReadOnlyList<RoutePort> ports)
    {
        var targets = ports.Take(MaxRecords).Select(p => (p.Port, Target: entry.Name)).ToList();
        DnsRecordBase[] additional = entry.ClusterIP is { } ip ? [AddressRecord(entry.Name, ip)] : [];
        return Srv(name, targets, additional);
    }

    /// <summary>SRV of a headless Service: one per endpoint and port, on the pod's port, the endpoint's name as target.</summary>
    private ClusterDnsAnswer EndpointSrv(DomainName name, ServiceEntry entry, IReadOnlyList<RoutePort> ports)
    {
        var targets = new List<(int Port, DomainName Target)>();
        var additional = new List<DnsRecordBase>();
        foreach (var endpoint in entry.Published)
        {
            var offered = false;
            foreach (var port in ports)
            {
                if (endpoint.Endpoint.Targets.FirstOrDefault(t => t.PortName == port.Name) is not { } target) continue;
                if (targets.Count < MaxRecords) targets.Add((target.Port, endpoint.Name));
                offered = true;
            }
            if (offered && additional.Count < MaxRecords) additional.Add(AddressRecord(endpoint.Name, endpoint.Address));
        }
        return Srv(name, targets, additional);
    }

    /// <summary>SRV records with CoreDNS' priority and weight: all priority 0, weights splitting 100 evenly.</summary>
    private ClusterDnsAnswer Srv(DomainName name, List<(int Port, DomainName Target)> targets, IReadOnlyList<DnsRecordBase> additional)
    {
        if (targets.Count == 0) return NoData();
        var weight = (ushort)(100 / targets.Count);
        return new ClusterDnsAnswer
        {
            Answers = [.. targets.Select(t => new SrvRecord(name, Ttl, priority: 0, weight, (ushort)t.Port, t.Target))],
            Additional = additional,
        };
    }

    private ClusterDnsAnswer PodByAddress(DomainName name, string dashed, RecordType type)
    {
        var parts = dashed.Split('-');
        if (parts.Length != 4) return NxDomain();
        var bytes = new byte[4];
        for (var i = 0; i < 4; i++)
        {
            if (!IsDecimalOctet(parts[i], out bytes[i])) return NxDomain();
        }
        return type is RecordType.A or RecordType.Any ? Positive([new ARecord(name, Ttl, new IPAddress(bytes))]) : NoData();
    }

    private ClusterDnsAnswer Addresses(DomainName name, IEnumerable<IPAddress> addresses, RecordType type)
    {
        var records = new List<DnsRecordBase>();
        var seen = new HashSet<IPAddress>();
        foreach (var address in addresses)
        {
            if (records.Count == MaxRecords) break;
            var wanted = type is RecordType.Any
                || (type is RecordType.A && address.AddressFamily == AddressFamily.InterNetwork)
                || (type is RecordType.Aaaa && address.AddressFamily == AddressFamily.InterNetworkV6);
            if (wanted && seen.Add(address)) records.Add(AddressRecord(name, address));
        }
        return records.Count == 0 ? NoData() : Positive(records);
    }

    private static DnsRecordBase AddressRecord(DomainName name, IPAddress address) =>
        address.AddressFamily == AddressFamily.InterNetworkV6 ? new AaaaRecord(name, Ttl, address) : new ARecord(name, Ttl, address);

    private static ClusterDnsAnswer Positive(IReadOnlyList<DnsRecordBase> answers) => new() { Answers = answers };

    /// <summary>The name exists, not with this type: NOERROR with the zone's SOA.</summary>
    private ClusterDnsAnswer NoData() => new() { Authority = [_soa] };

    /// <summary>The name does not exist — unless the view is partial, where absence is not yet known.</summary>
    private ClusterDnsAnswer NxDomain() =>
        Complete ? new ClusterDnsAnswer { Code = ReturnCode.NxDomain, Authority = [_soa] } : ClusterDnsAnswer.Failure(ReturnCode.ServerFailure);

    /// <summary>An SRV label (<c>_http</c>, <c>_tcp</c>) against a port name or protocol, case-insensitively.</summary>
    private static bool Matches(string label, string value) =>
        label.Length == value.Length + 1 && label[0] == '_' && string.Compare(label, 1, value, 0, value.Length, StringComparison.OrdinalIgnoreCase) == 0;

    private static string Key(string service, string @namespace) => service + "." + @namespace;

    private static bool IsDecimalOctet(string text, out byte value)
    {
        value = 0;
        return text.Length is > 0 and <= 3 && text.All(char.IsAsciiDigit)
            && byte.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value);
    }

    /// <summary><c>d.c.b.a.in-addr.arpa</c> → a.b.c.d; null for any other name.</summary>
    private static IPAddress? ReverseIPv4(DomainName name)
    {
        var labels = name.Labels;
        if (labels.Length != 6
            || !string.Equals(labels[4], "in-addr", StringComparison.OrdinalIgnoreCase)
            || !string.Equals(labels[5], "arpa", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }
        var bytes = new byte[4];
        for (var i = 0; i < 4; i++)
        {
            if (!IsDecimalOctet(labels[3 - i], out bytes[i])) return null;
        }
        return new IPAddress(bytes);
    }

    /// <summary>One tenant's Services by <c>name.namespace</c>, its namespaces, and its reverse names.</summary>
    private sealed class TenantView
    {
        public static readonly TenantView Empty = new();

        public Dictionary<string, ServiceEntry> Services { get; } = new(StringComparer.Ordinal);

        public HashSet<string> Namespaces { get; } = new(StringComparer.Ordinal);

        public Dictionary<IPAddress, List<DomainName>> Pointers { get; } = [];

        public void Add(ServiceEntry entry)
        {
            Services[Key(entry.Service, entry.Namespace)] = entry;
            Namespaces.Add(entry.Namespace);
            if (entry.IsExternal) return;
            if (!entry.Route.Headless)
            {
                if (entry.ClusterIP is { } ip) Point(ip, entry.Name);
                return;
            }
            foreach (var endpoint in entry.Published) Point(endpoint.Address, endpoint.Name);
        }

        private void Point(IPAddress address, DomainName name)
        {
            if (!Pointers.TryGetValue(address, out var names)) Pointers[address] = names = [];
            if (!names.Contains(name)) names.Add(name);
        }
    }

    /// <summary>A Service with its names worked out once per snapshot, not per question.</summary>
    private sealed record ServiceEntry(
        ServiceRoute Route, string Service, string Namespace, DomainName Name, IPAddress? ClusterIP, DomainName? ExternalName,
        IReadOnlyList<EndpointEntry> Published)
    {
        public bool IsExternal => Route.Type == "ExternalName";

        public static ServiceEntry Of(ServiceRoute route, string[] zone)
        {
            var service = route.Name.ToLowerInvariant();
            var @namespace = route.Namespace.ToLowerInvariant();
            string[] serviceLabels = [service, @namespace, "svc", .. zone];
            DomainName? external = null;
            if (route.Type == "ExternalName")
            {
                // Kubernetes requires a DNS name here; an address or junk makes no CNAME (CoreDNS skips it too).
                var text = route.ExternalName?.Trim().TrimEnd('.') ?? "";
                external = text.Length > 0 && !IPAddress.TryParse(text, out _) && DomainName.TryParse(text, out var parsed) && parsed is { LabelCount: > 0 }
                    ? parsed
                    : null;
            }
            var published = new List<EndpointEntry>();
            foreach (var endpoint in route.Endpoints)
            {
                if (!(endpoint.Ready || route.PublishNotReadyAddresses) || !IPAddress.TryParse(endpoint.Ip, out var address)) continue;
                var host = string.IsNullOrEmpty(endpoint.Hostname) ? Dashed(address) : endpoint.Hostname.ToLowerInvariant();
                published.Add(new EndpointEntry(endpoint, host, address, new DomainName([host, .. serviceLabels])));
            }
            return new ServiceEntry(route, service, @namespace, new DomainName(serviceLabels),
                IPAddress.TryParse(route.ClusterIP, out var clusterIP) ? clusterIP : null,
                external, published);
        }

        /// <summary>An endpoint without a hostname is named by its address, dashed (<c>10-1-2-3</c>), as CoreDNS does.</summary>
        private static string Dashed(IPAddress address) => address.ToString().Replace('.', '-').Replace(':', '-');
    }

    private sealed record EndpointEntry(RouteEndpoint Endpoint, string Host, IPAddress Address, DomainName Name);
}
