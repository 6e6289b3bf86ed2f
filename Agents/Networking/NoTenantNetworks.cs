namespace OrleansOrchestrator.Agents.Networking;

/// <summary>
/// A host without tenant bridges (pods on the engine's default network): nothing to match by bridge. Stands in
/// where no <see cref="ITenantNetworks"/> of the engine is given.
/// </summary>
public sealed class NoTenantNetworks : ITenantNetworks
{
    public IReadOnlyList<TenantNetwork> Known => [];

    public Task<TenantNetwork> Ensure(string tenant, CancellationToken cancellationToken) =>
        throw new NotSupportedException("this host has no tenant networks");

    public event Action? Changed
    {
        add { }
        remove { }
    }
}
