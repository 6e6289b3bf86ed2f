using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Contracts.Store;
using OrleansOrchestrator.Silo.Controllers;
using OrleansOrchestrator.Silo.Hosting;
using OrleansOrchestrator.Silo.Kinds;

namespace OrleansOrchestrator.Silo.Tenancy;

/// <summary>
/// Deletes everything of one tenant, as the namespace deletion of decision 10 does for a namespace: every object of
/// every kind in each of its namespaces (pods gracefully, so their agents stop them), then each namespace once only
/// its Events are left, every cluster-scoped object of the tenant, and in the system tenant the objects of the
/// operator's namespaced kinds kept in the namespace named after the tenant and the record that it was given its
/// default binding (so a tenant made again under the name starts as new).
/// </summary>
public static class TenantContents
{
    /// <summary>One pass; returns how many objects are still there (0: the tenant is empty).</summary>
    public static async Task<int> DeleteOnce(IGrainFactory grains, string tenant, Actor actor)
    {
        var store = new StoreClient(grains, tenant, actor);
        var left = 0;
        var namespacedKinds = KindRegistry.All.Select(s => s.Kind).Where(k => k.Namespaced && !ResourceKinds.IsOperatorOnly(k)).ToList();
        foreach (var ns in await store.List<Namespace>(""))
        {
            var name = ns.Metadata.Name!;
            var stillThere = 0;
            foreach (var kind in namespacedKinds.Where(k => k != ResourceKinds.Event))
                stillThere += await DeleteAll(store, kind, name);
            if (stillThere == 0)
            {
                // Only Events are left (recorded while the pods stopped): they go with the namespace, which no new one may enter.
                await DeleteAll(store, ResourceKinds.Event, name);
                await store.Delete(ns);
            }
            left += stillThere + 1;
        }
        foreach (var kind in KindRegistry.All.Select(s => s.Kind).Where(k => !k.Namespaced && k != ResourceKinds.Namespace && !ResourceKinds.IsOperatorOnly(k)))
            left += await DeleteAll(store, kind, "");

        var system = new StoreClient(grains, StoreKeys.SystemTenant, actor);
        foreach (var kind in KindRegistry.All.Select(s => s.Kind).Where(k => k.Namespaced && ResourceKinds.IsOperatorOnly(k)))
            left += await DeleteAll(system, kind, tenant);
        // The folder goes only if it holds nothing but the tenant's operator-only objects (now gone): a namespace of the
        // same name the system tenant uses for anything else (its names are reserved, but a Tenant may predate that) stays.
        if (await system.Get<Namespace>("", tenant) is { } folder && left == 0 && !await HoldsOtherObjects(system, tenant))
            await system.Delete(folder);
        if (await system.Get<ConfigMap>(RbacBootstrap.MarkerNamespace, RbacBootstrap.MarkerName(tenant)) is { } marker) await system.Delete(marker);
        return left;
    }

    /// <summary>Whether a system-tenant namespace holds any object of a kind that is not operator-only.</summary>
    private static async Task<bool> HoldsOtherObjects(StoreClient system, string ns)
    {
        foreach (var kind in KindRegistry.All.Select(s => s.Kind).Where(k => k.Namespaced && !ResourceKinds.IsOperatorOnly(k)))
            if ((await system.List(kind, ns)).Count > 0) return true;
        return false;
    }

    /// <summary>Deletes every object of a collection; returns how many it held (those in graceful deletion stay a while).</summary>
    private static async Task<int> DeleteAll(StoreClient store, ResourceKind kind, string ns)
    {
        var objects = await store.List(kind, ns);
        foreach (var obj in objects.Where(o => o.Metadata.DeletionTimestamp is null)) await store.Delete(obj);
        return objects.Count;
    }
}
