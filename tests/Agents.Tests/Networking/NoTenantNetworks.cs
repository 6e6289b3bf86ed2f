using OrleansOrchestrator.Agents.Networking;
namespace OrleansOrchestrator.Agents.Tests.Networking;

/// <summary>
/// A host without tenant bridges (pods on the engine's default network): nothing to match by bridge. Stands in
/// in the proxy tests that need no bridge.
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
