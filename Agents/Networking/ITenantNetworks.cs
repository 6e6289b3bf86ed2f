namespace OrleansOrchestrator.Agents.Networking;

/// <summary>
/// The per-tenant pod networks on this host: each tenant's pods sit on that tenant's own bridge, so pods of
/// different tenants cannot reach each other's addresses.
/// </summary>
public interface ITenantNetworks
{
    /// <summary>The tenant networks that exist on this host now.</summary>
    IReadOnlyList<TenantNetwork> Known { get; }

    /// <summary>The tenant's network, created when missing (idempotent, safe to call concurrently).</summary>
    Task<TenantNetwork> Ensure(string tenant, CancellationToken cancellationToken);

    /// <summary>Raised after a network was added to <see cref="Known"/>.</summary>
    event Action? Changed;
}

/// <summary>One tenant's bridge network on this host.</summary>
/// <param name="Tenant">The tenant whose pods sit on it.</param>
/// <param name="DockerNetwork">The engine's network name.</param>
/// <param name="Bridge">The host's bridge interface (e.g. <c>oo-acme</c>), for rules that match traffic from these pods.</param>
/// <param name="Subnet">The network's address range, e.g. <c>172.18.0.0/16</c>.</param>
/// <param name="Gateway">The host's address on the bridge.</param>
public sealed record TenantNetwork(string Tenant, string DockerNetwork, string Bridge, string Subnet, string Gateway);
