using System.Collections.Immutable;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Docker.DotNet;
using Docker.DotNet.Models;
using OrleansOrchestrator.Agents.Networking;
using OrleansOrchestrator.Contracts;

namespace OrleansOrchestrator.Agents.Runtime.Docker;

/// <summary>
/// One user-defined bridge network per tenant on this engine, made on first use and shared by every agent of the
/// host (each finds it by name). Pods of different tenants sit on different bridges, and Docker's own isolation
/// rules drop traffic between two of its bridges (see docs/agent.md, "Pod networks"). The engine picks each
/// network's subnet from its address pools.
/// </summary>
/// <remarks>
/// Two agents may create a tenant's network at the same moment. The engine checks names without a lock, so both
/// creates can pass the name check, but the bridge driver refuses a second network with the same bridge interface
/// (403 "networks have same bridge name"): our bridge name is a function of cluster and tenant, so it is what
/// makes creation race-free. The loser of either check (409 name, 403 bridge) looks again and takes the winner's.
/// </remarks>
public sealed partial class DockerTenantNetworks : ITenantNetworks, IDisposable
{
    /// <summary>Docker's option naming the bridge interface of a bridge network (at most 15 characters, the kernel's limit).</summary>
    public const string BridgeNameOption = "com.docker.network.bridge.name";

    /// <summary>Every tenant network's name and bridge begin with this.</summary>
    public const string Prefix = "oo-";

    private const int MaxInterfaceName = 15;
    private const int MaxPlainTenant = 40;
    private const int CreateRounds = 5;

    private readonly DockerClient _docker;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private ImmutableDictionary<string, TenantNetwork> _known = ImmutableDictionary.Create<string, TenantNetwork>(StringComparer.Ordinal);

    public DockerTenantNetworks(DockerClient docker, string clusterId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(clusterId);
        _docker = docker;
        ClusterId = clusterId;
    }

    public string ClusterId { get; }

    public IReadOnlyList<TenantNetwork> Known => _known.Values.OrderBy(n => n.Tenant, StringComparer.Ordinal).ToList();

    public event Action? Changed;

    /// <summary>
    /// The engine's name of a tenant's network: <c>oo-acme</c> for a short docker-safe tenant of the default cluster;
    /// otherwise a readable part and a hash of cluster and tenant (<c>oo-acme-corp-9f2c41d07e</c>), so that two
    /// clusters sharing an engine, or tenants whose names differ only in characters Docker refuses, never share one.
    /// </summary>
    public static string NetworkName(string clusterId, string tenant)
    {
        if (clusterId == ClusterIdentity.DefaultClusterId && tenant.Length <= MaxPlainTenant && PlainTenant().IsMatch(tenant))
            return Prefix + tenant;
        var readable = Unsafe().Replace((clusterId == ClusterIdentity.DefaultClusterId ? tenant : $"{clusterId}-{tenant}").ToLowerInvariant(), "-").Trim('-');
        if (readable.Length > 30) readable = readable[..30].TrimEnd('-');
        return $"{Prefix}{(readable.Length > 0 ? readable + "-" : "")}{Hash(clusterId, tenant)[..10]}";
    }

    /// <summary>The host's bridge interface: the network's name when it fits in 15 characters, else <c>oo-</c> and 12 hex digits of the hash.</summary>
    public static string BridgeName(string clusterId, string tenant)
    {
        var name = NetworkName(clusterId, tenant);
        return name.Length <= MaxInterfaceName ? name : Prefix + Hash(clusterId, tenant)[..12];
    }

    public async Task<TenantNetwork> Ensure(string tenant, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenant);
        if (_known.TryGetValue(tenant, out var known)) return known;

        // One creation at a time in this process; other processes are handled by the engine's conflicts.
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_known.TryGetValue(tenant, out known)) return known;
            var name = NetworkName(ClusterId, tenant);
            for (var round = 1; ; round++)
            {
                var existing = await TryInspect(name, cancellationToken).ConfigureAwait(false);
                if (existing is not null) return Remember(Describe(existing, tenant));
                try
                {
                    await _docker.Networks.CreateNetworkAsync(new NetworksCreateParameters
                    {
                        Name = name,
                        Driver = "bridge",
                        CheckDuplicate = true,
                        Labels = new Dictionary<string, string>
                        {
                            [PodContainerNaming.ClusterLabel] = ClusterId,
                            [PodContainerNaming.TenantLabel] = tenant,
                        },
                        Options = new Dictionary<string, string> { [BridgeNameOption] = BridgeName(ClusterId, tenant) },
                    }, cancellationToken).ConfigureAwait(false);
                }
                catch (DockerApiException e) when (round < CreateRounds && e.StatusCode is HttpStatusCode.Conflict or HttpStatusCode.Forbidden)
                {
                    // Another agent created it between our look and our create (see the remarks): look again.
                }
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Reads this cluster's tenant networks from the engine (at start: what earlier agents made).</summary>
    public async Task Refresh(CancellationToken cancellationToken)
    {
        var networks = await _docker.Networks.ListNetworksAsync(new NetworksListParameters
        {
            Filters = new Dictionary<string, IDictionary<string, bool>>
            {
                ["label"] = new Dictionary<string, bool> { [$"{PodContainerNaming.ClusterLabel}={ClusterId}"] = true },
            },
        }, cancellationToken).ConfigureAwait(false);
        var added = false;
        foreach (var network in networks)
        {
            if (network.Labels?.TryGetValue(PodContainerNaming.TenantLabel, out var tenant) != true || string.IsNullOrEmpty(tenant)) continue;
            if (network.Name != NetworkName(ClusterId, tenant!) || _known.ContainsKey(tenant!)) continue;
            // The listing leaves out nothing we read, but inspect for the same shape as Ensure.
            var inspected = await TryInspect(network.ID, cancellationToken).ConfigureAwait(false);
            if (inspected is null) continue;
            ImmutableInterlocked.TryAdd(ref _known, tenant!, Describe(inspected, tenant!));
            added = true;
        }
        if (added) Changed?.Invoke();
    }

    /// <summary>
    /// Lets a pod reach itself through its own Service: the proxy's DNAT sends such a packet back out of the port it
    /// came in on, which a bridge drops unless the port is in hairpin mode. The kubelet sets it on each pod's
    /// interface; Docker does only without its userland proxy. Set on every port of the bridge (a new sandbox adds
    /// one); a host without sysfs simply keeps the default.
    /// </summary>
    public static void AllowHairpin(string bridge)
    {
        try
        {
            foreach (var port in Directory.EnumerateDirectories($"/sys/class/net/{bridge}/brif"))
            {
                var mode = Path.Combine(port, "hairpin_mode");
                if (File.Exists(mode) && File.ReadAllText(mode).Trim() != "1") File.WriteAllText(mode, "1");
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
    }

    /// <summary>
    /// Forgets what is known of a tenant's network: it was removed behind the agent's back (an engine said it does
    /// not exist), so the next <see cref="Ensure"/> makes it again.
    /// </summary>
    public void Forget(string tenant) => ImmutableInterlocked.TryRemove(ref _known, tenant, out _);

    private TenantNetwork Remember(TenantNetwork network)
    {
        var added = ImmutableInterlocked.TryAdd(ref _known, network.Tenant, network);
        if (added) Changed?.Invoke();
        return _known[network.Tenant];
    }

    private TenantNetwork Describe(NetworkResponse network, string tenant)
    {
        var labels = network.Labels ?? new Dictionary<string, string>();
        var cluster = labels.TryGetValue(PodContainerNaming.ClusterLabel, out var c) ? c : null;
        var owner = labels.TryGetValue(PodContainerNaming.TenantLabel, out var t) ? t : null;
        if (cluster != ClusterId || owner != tenant || network.Driver != "bridge")
        {
            // Someone else's network under our name: joining it would put this tenant's pods next to strangers.
            throw new InvalidOperationException(
                $"Docker network {network.Name} exists but is not tenant {tenant}'s network of cluster {ClusterId} " +
                $"(driver {network.Driver}, cluster label {cluster ?? "none"}, tenant label {owner ?? "none"}); remove it or rename it.");
        }

        var ipam = network.IPAM?.Config?.FirstOrDefault(config => !string.IsNullOrEmpty(config.Subnet));
        var bridge = network.Options?.TryGetValue(BridgeNameOption, out var b) == true ? b : "br-" + network.ID[..12];
        return new TenantNetwork(tenant, network.Name, bridge, ipam?.Subnet ?? "", ipam?.Gateway ?? "");
    }

    private async Task<NetworkResponse?> TryInspect(string idOrName, CancellationToken cancellationToken)
    {
        try
        {
            return await _docker.Networks.InspectNetworkAsync(idOrName, cancellationToken).ConfigureAwait(false);
        }
        catch (DockerNetworkNotFoundException)
        {
            return null;
        }
    }

    private static string Hash(string clusterId, string tenant) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{clusterId}\n{tenant}")));

    public void Dispose() => _gate.Dispose();

    // Lower-case letters, digits and inner dashes: safe in a Docker name and an interface name, unlike '.', '_' or capitals.
    [GeneratedRegex("^[a-z0-9]([a-z0-9-]*[a-z0-9])?$")]
    private static partial Regex PlainTenant();

    [GeneratedRegex("[^a-z0-9]+")]
    private static partial Regex Unsafe();
}
