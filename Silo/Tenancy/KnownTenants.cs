using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Contracts.Selection;
using OrleansOrchestrator.Contracts.Store;
using OrleansOrchestrator.Silo.Api.Auth;

namespace OrleansOrchestrator.Silo.Tenancy;

/// <summary>
/// The one answer to "which tenants exist": those the token file names and those a Tenant object (in the system tenant)
/// names. The bootstrap asks for the live ones (<see cref="Active"/>: a Terminating Tenant is not given its namespace
/// back while its contents are being deleted); the sweep, the Service allocator and the directories ask for
/// <see cref="All"/>, so that what a terminating tenant still holds keeps being served and kept until it is gone.
/// </summary>
public sealed class KnownTenants(TokenFile tokens, IGrainFactory grains)
{
    /// <summary>Every tenant, a terminating one included, in ordinal order.</summary>
    public Task<IReadOnlyList<string>> All() => Read(includeTerminating: true);

    /// <summary>The tenants that exist and are not being deleted.</summary>
    public Task<IReadOnlyList<string>> Active() => Read(includeTerminating: false);

    /// <summary>The Tenant objects, as the system tenant's collection holds them.</summary>
    public async Task<IReadOnlyList<Tenant>> Objects() =>
        [.. (await grains.GetGrain<ICollectionGrain>(StoreKeys.Collection(StoreKeys.SystemTenant, ResourceKinds.Tenant, ""))
            .List(new ListOptions { Filter = ObjectFilter.Everything })).Items.OfType<Tenant>()];

    /// <summary>
    /// Whether one tenant is active, given the Tenant objects as a follower of their collection holds them (so that a
    /// caller asking on every request reads no store): the rule of <see cref="Active"/> for one name.
    /// </summary>
    public bool IsActive(string tenant, IEnumerable<KubeObject> tenantObjects) =>
        tenantObjects.OfType<Tenant>().FirstOrDefault(t => t.Metadata.Name == tenant) is { } found
            ? found.Metadata.DeletionTimestamp is null
            : tokens.Callers.Values.Any(c => c.Tenant == tenant);

    private async Task<IReadOnlyList<string>> Read(bool includeTerminating)
    {
        var objects = await Objects();
        var names = new SortedSet<string>(tokens.Callers.Values.Select(c => c.Tenant), StringComparer.Ordinal);
        foreach (var tenant in objects)
        {
            // A Terminating Tenant is not active even when the token file names it (IsActive says the same for one name).
            if (tenant.Metadata.DeletionTimestamp is null || includeTerminating) names.Add(tenant.Metadata.Name!);
            else names.Remove(tenant.Metadata.Name!);
        }
        return [.. names];
    }
}
