using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Silo.Api.Auth;
using OrleansOrchestrator.Silo.Controllers;

namespace OrleansOrchestrator.Silo.Networking;

/// <summary>
/// Reads every Service of every tenant in the token file, namespace by namespace from their collections (which hold
/// their objects in memory), as the controller sweep walks the tenants.
/// </summary>
public sealed class StoredServices(IGrainFactory grains, TokenFile tokens) : IStoredServices
{
    public async Task<IReadOnlyList<(string Owner, Service Service)>> All()
    {
        var all = new List<(string, Service)>();
        foreach (var tenant in tokens.Callers.Values.Select(c => c.Tenant).Distinct())
        {
            var store = new StoreClient(grains, tenant, SystemActors.Bootstrap);
            foreach (var ns in (await store.List<Namespace>("")).Select(n => n.Metadata.Name!))
                all.AddRange((await store.List<Service>(ns)).Select(s => (ServiceAllocator.Owner(tenant, ns, s.Metadata.Name!), s)));
        }
        return all;
    }
}
