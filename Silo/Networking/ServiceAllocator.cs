using System.Globalization;
using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Contracts.Networking;
using OrleansOrchestrator.Contracts.Store;

namespace OrleansOrchestrator.Silo.Networking;

/// <summary>
/// Kubernetes' Service allocation rules over two pools, cluster IPs and node ports, shared by every tenant (one host
/// routes every tenant's cluster IPs and matches node ports on every local address). A write of a Service takes
/// what its new version needs (<see cref="Allocate"/>); if the write does not happen, what it took goes back
/// (<see cref="Abandon"/>); once it is durable, what only the previous version held goes back
/// (<see cref="Committed"/>). Owners are Services' keys (<c>tenant/namespace/name</c>). Pure; the allocator grain
/// serialises it and feeds it the stored Services (<see cref="Repair"/>).
/// </summary>
public sealed class ServiceAllocator
{
    /// <summary>The owner suffix of the one Service per tenant that holds the range's first address.</summary>
    private const string KubernetesServiceSuffix = "/default/kubernetes";

    private readonly ClusterNetwork _network;
    private readonly ServiceRange _range;
    private readonly long _kubernetesOffset;

    public ServiceAllocator(ClusterNetwork network, IEnumerable<int> nodePortsInUse, Random random)
    {
        _network = network;
        _range = ServiceRange.Parse(network.ServiceCidr);
        _kubernetesOffset = _range.UsableOffset(network.KubernetesServiceIp) ?? 1;
        var dnsOffset = _range.UsableOffset(network.DnsIp) ?? 10;
        var lastUsable = _range.Size - 2;
        ClusterIps = new AddressPool(1, lastUsable, AddressPool.StaticBand(lastUsable, 16, 256), [_kubernetesOffset, dnsOffset], random);
        var portCount = network.NodePortMax - network.NodePortMin + 1;
        NodePorts = new AddressPool(network.NodePortMin, network.NodePortMax, AddressPool.StaticBand(portCount, 32, 128),
            nodePortsInUse.Select(p => (long)p), random);
    }

    public AddressPool ClusterIps { get; }

    public AddressPool NodePorts { get; }

    public static string Owner(string tenant, string ns, string name) => $"{tenant}/{ns}/{name}";

    private static bool IsKubernetesService(string owner) => owner.EndsWith(KubernetesServiceSuffix, StringComparison.Ordinal);

    /// <summary>The cluster IP and node ports <paramref name="service"/> holds as stored (none for ExternalName and headless).</summary>
    public static (string? ClusterIp, IReadOnlySet<int> NodePorts) Holds(Service? service)
    {
        if (service is null) return (null, new HashSet<int>());
        var spec = service.Spec;
        var ip = spec.Type != "ExternalName" && spec.ClusterIP is { Length: > 0 } c && c != "None" ? c : null;
        var ports = (spec.Ports ?? []).Select(p => p.NodePort ?? 0).Where(p => p > 0).ToHashSet();
        return (ip, ports);
    }

    /// <summary>
    /// <paramref name="requested"/> with its cluster IP and node ports filled in and taken for <paramref name="owner"/>,
    /// or Kubernetes' refusal. <paramref name="old"/> is the stored version on an update (null on create): what it
    /// holds stays its own, and an update that leaves the fields out keeps them (a replace from a manifest without
    /// them, as <c>kubectl apply</c> and <c>replace</c> send). A dry run decides the same but takes nothing.
    /// </summary>
    public WriteResult Allocate(string owner, Service? old, Service requested, bool dryRun)
    {
        var taken = new List<(AddressPool Pool, long Value)>();
        var name = requested.Metadata.Name ?? "";
        var spec = requested.Spec;
        var refusal = AllocateClusterIp(owner, old, ref spec, taken) ?? AllocateNodePorts(owner, old, ref spec, taken);
        if (refusal is not null || dryRun)
            foreach (var (pool, value) in taken) pool.Release(value, owner);
        if (refusal is null) return WriteResult.Ok(requested with { Spec = spec });
        return WriteResult.Fail(refusal is { Internal: { } message }
            ? new StoreError(500, "InternalError", $"Internal error occurred: {message}")
            : StoreError.Invalid(ResourceKinds.Service, name, [refusal.Cause!]));
    }

    /// <summary>The write of <paramref name="allocated"/> did not happen: what it held and <paramref name="old"/> did not goes back.</summary>
    public void Abandon(string owner, Service? old, Service allocated) => ReleaseDifference(owner, allocated, old);

    /// <summary>A write is durable (<paramref name="now"/> null: the Service is gone): what only the previous version held goes back.</summary>
    public void Committed(string owner, Service? old, Service? now) => ReleaseDifference(owner, old, now);

    /// <summary>Whether <see cref="Committed"/> or <see cref="Abandon"/> would give anything back (so callers skip the call when not).</summary>
    public static bool HoldsMore(Service? first, Service? second)
    {
        var (ip1, ports1) = Holds(first);
        var (ip2, ports2) = Holds(second);
        return ip1 is not null && ip1 != ip2 || ports1.Except(ports2).Any();
    }

    /// <summary>Aligns both pools with the stored Services (see <see cref="AddressPool.Repair"/>); returns what did not fit.</summary>
    public IReadOnlyList<string> Repair(IEnumerable<(string Owner, Service Service)> stored)
    {
        var ips = new List<(long, string)>();
        var ports = new List<(long, string)>();
        var problems = new List<string>();
        foreach (var (owner, service) in stored)
        {
            var (ip, nodePorts) = Holds(service);
            if (ip is not null)
            {
                var offset = _range.UsableOffset(ip);
                if (offset is null) problems.Add($"Service {owner} holds {ip}, which is not in the service range {_range.Cidr}");
                else if (offset != _kubernetesOffset || !IsKubernetesService(owner)) ips.Add((offset.Value, owner));
            }
            ports.AddRange(nodePorts.Select(p => ((long)p, owner)));
        }
        ClusterIps.Repair(ips, (offset, owner, why) => problems.Add($"Service {owner} holds cluster IP {_range.Address(offset)}, {why}"));
        NodePorts.Repair(ports, (port, owner, why) => problems.Add($"Service {owner} holds node port {port}, {why}"));
        return problems;
    }

    private sealed record Refusal(FieldCause? Cause, string? Internal);

    private Refusal? AllocateClusterIp(string owner, Service? old, ref ServiceSpec spec, List<(AddressPool, long)> taken)
    {
        var wanted = spec.ClusterIP is { Length: > 0 } ip ? ip : spec.ClusterIPs is [{ Length: > 0 } first, ..] ? first : null;
        var oldIp = old is { Spec.Type: not "ExternalName", Spec.ClusterIP: { Length: > 0 } held } ? held : null;

        if (spec.Type == "ExternalName")
        {
            // An alias has no address; one carried over from the Service's previous type goes with it.
            if (wanted is not null && wanted != oldIp)
                return new(new FieldCause("spec.clusterIPs", "FieldValueForbidden", "Forbidden: may not be set for ExternalName services"), null);
            spec = spec with { ClusterIP = null, ClusterIPs = null };
            return null;
        }
        if (oldIp is not null)
        {
            if (wanted is not null && wanted != oldIp)
                return new(new FieldCause("spec.clusterIPs[0]", "FieldValueInvalid", $"Invalid value: {GoStrings(wanted)}: may not change once set"), null);
            spec = spec with { ClusterIP = oldIp, ClusterIPs = [oldIp] };
            return null;
        }
        if (wanted == "None")
        {
            spec = spec with { ClusterIP = "None", ClusterIPs = ["None"] };
            return null;
        }
        if (wanted is null)
        {
            if (ClusterIps.TakeNext(owner) is not { } offset)
                return new(null, $"failed to allocate a serviceIP: range is full");
            taken.Add((ClusterIps, offset));
            var address = _range.Address(offset);
            spec = spec with { ClusterIP = address, ClusterIPs = [address] };
            return null;
        }
        if (!System.Net.IPAddress.TryParse(wanted, out _))
            return new(new FieldCause("spec.clusterIPs[0]", "FieldValueInvalid",
                $"Invalid value: \"{wanted}\": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)"), null);
        spec = spec with { ClusterIP = wanted, ClusterIPs = [wanted] };
        // Every tenant's kubernetes Service has the range's first address: it leads to the one API of the cluster.
        if (wanted == _network.KubernetesServiceIp && IsKubernetesService(owner)) return null;
        var outcome = _range.UsableOffset(wanted) is { } wantedOffset ? ClusterIps.Take(wantedOffset, owner) : AddressPool.TakeOutcome.NotInRange;
        if (outcome == AddressPool.TakeOutcome.Taken) taken.Add((ClusterIps, _range.UsableOffset(wanted)!.Value));
        var problem = outcome switch
        {
            AddressPool.TakeOutcome.NotInRange => $"the provided IP ({wanted}) is not in the valid range. The range of valid IPs is {_range.Cidr}",
            AddressPool.TakeOutcome.AlreadyAllocated => "provided IP is already allocated",
            _ => null,
        };
        return problem is null
            ? null
            : new(new FieldCause("spec.clusterIPs", "FieldValueInvalid", $"Invalid value: {GoStrings(wanted)}: failed to allocate IP {wanted}: {problem}"), null);
    }

    private Refusal? AllocateNodePorts(string owner, Service? old, ref ServiceSpec spec, List<(AddressPool, long)> taken)
    {
        var ports = (spec.Ports ?? []).ToList();
        var usesNodePorts = spec.Type is "NodePort" or "LoadBalancer";
        var allocatesNodePorts = spec.Type == "NodePort" || spec.Type == "LoadBalancer" && spec.AllocateLoadBalancerNodePorts != false;
        var oldUsedNodePorts = old?.Spec.Type is "NodePort" or "LoadBalancer";
        var oldPorts = oldUsedNodePorts ? old!.Spec.Ports ?? [] : [];
        int? OldNodePort(ServicePort p) =>
            oldPorts.FirstOrDefault(o => o.Port == p.Port && (o.Protocol ?? "TCP") == (p.Protocol ?? "TCP") && o.NodePort is > 0)?.NodePort;

        for (var i = 0; i < ports.Count; i++)
        {
            var port = ports[i];
            if (usesNodePorts && port.NodePort is null or 0 && OldNodePort(port) is { } kept)
                ports[i] = port with { NodePort = kept }; // left out of an update: the Service keeps its node port
            else if (!usesNodePorts && port.NodePort is > 0 && port.NodePort == OldNodePort(port))
                ports[i] = port with { NodePort = null }; // carried over from NodePort to ClusterIP: it goes with the type
        }
        if (!usesNodePorts)
        {
            if (spec.Ports is not null) spec = spec with { Ports = ports };
            return null;
        }

        var owned = Holds(old).NodePorts.ToHashSet();
        var byPortNumber = new Dictionary<int, int>();
        // Ports asked for by number first, so that one asked for later in the list is not handed out to an earlier port.
        for (var i = 0; i < ports.Count; i++)
        {
            if (ports[i].NodePort is not { } wanted || wanted <= 0) continue;
            byPortNumber.TryAdd(ports[i].Port, wanted);
            if (!owned.Add(wanted)) continue; // already this Service's (kept, or shared by a port of another protocol)
            var outcome = NodePorts.Take(wanted, owner);
            if (outcome == AddressPool.TakeOutcome.Taken) taken.Add((NodePorts, wanted));
            var problem = outcome switch
            {
                AddressPool.TakeOutcome.NotInRange => $"provided port is not in the valid range. The range of valid ports is {_network.NodePortMin}-{_network.NodePortMax}",
                AddressPool.TakeOutcome.AlreadyAllocated => "provided port is already allocated",
                _ => null,
            };
            if (problem is not null)
                return new(new FieldCause($"spec.ports[{i}].nodePort", "FieldValueInvalid",
                    $"Invalid value: {wanted.ToString(CultureInfo.InvariantCulture)}: {problem}"), null);
        }
        for (var i = 0; i < ports.Count; i++)
        {
            if (ports[i].NodePort is > 0 || !allocatesNodePorts) continue;
            // Ports of one number (TCP and UDP of a DNS server, say) share one node port, as in Kubernetes.
            if (!byPortNumber.TryGetValue(ports[i].Port, out var nodePort))
            {
                if (NodePorts.TakeNext(owner) is not { } next) return new(null, "failed to allocate a nodePort: range is full");
                taken.Add((NodePorts, next));
                nodePort = (int)next;
                byPortNumber[ports[i].Port] = nodePort;
            }
            ports[i] = ports[i] with { NodePort = nodePort };
        }
        spec = spec with { Ports = ports };
        return null;
    }

    private void ReleaseDifference(string owner, Service? from, Service? keep)
    {
        var (ip, ports) = Holds(from);
        var (keptIp, keptPorts) = Holds(keep);
        if (ip is not null && ip != keptIp && _range.UsableOffset(ip) is { } offset) ClusterIps.Release(offset, owner);
        foreach (var port in ports.Except(keptPorts)) NodePorts.Release(port, owner);
    }

    /// <summary>Go's <c>%#v</c> of a one-element <c>[]string</c>, as Kubernetes prints the <c>clusterIPs</c> it refuses.</summary>
    private static string GoStrings(string value) => $"[]string{{\"{value}\"}}";
}
