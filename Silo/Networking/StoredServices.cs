using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Silo.Api.Auth;
using OrleansOrchestrator.Silo.Controllers;

namespace OrleansOrchestrator.Silo.Networking;

/// <summary>
/// Reads every Service of every tenant (<see cref="Tenancy.KnownTenants"/>), namespace by namespace from their collections (which hold
/// their objects in memory), as the controller sweep walks the tenants.
/// </summary>
public sealed class StoredServices(IGrainFactory grains, Tenancy.KnownTenants tenants) : IStoredServices
{
    public async Task<IReadOnlyList<(string Owner, Service Service)>> All()
    {
        var all = new List<(string, Service)>();
        foreach (var tenant in await tenants.All())
        {
            var store = new StoreClient(grains, tenant, SystemActors.Bootstrap);
            foreach (var ns in (await store.List<Namespace>("")).Select(n => n.Metadata.Name!))
                all.AddRange((await store.List<Service>(ns)).Select(s => (ServiceAllocator.Owner(tenant, ns, s.Metadata.Name!), s)));
        }
        return all;
    }
}
