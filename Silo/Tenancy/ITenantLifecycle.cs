namespace OrleansOrchestrator.Silo.Tenancy;

/// <summary>
/// Brings one Tenant object to life and to its end (key: the tenant's name): a live Tenant's tenant gets what every
/// tenant has (<see cref="Hosting.TenantBootstrap"/>); a deleted one has everything of the tenant deleted, and then its
/// finalizer removed.
/// </summary>
[Alias("oo.ITenantLifecycle")]
public interface ITenantLifecycle : Controllers.IReconciler
{
    /// <summary>Gives a live tenant its default namespace, roles and <c>kubernetes</c> Service now.</summary>
    [Alias("Ensure")]
    Task Ensure();
}
