using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Contracts.Store;
using OrleansOrchestrator.Silo.Controllers;
using OrleansOrchestrator.Silo.Hosting;

namespace OrleansOrchestrator.Silo.Tenancy;

/// <summary>
/// The control loop of one Tenant object (see <see cref="ITenantLifecycle"/>). A live Tenant is bootstrapped once per
/// activation (every step is idempotent); a deleted one is emptied pass by pass — pods take their grace period on
/// their nodes — until nothing of the tenant is left, and then its finalizer is removed, which removes it.
/// </summary>
public sealed partial class TenantLifecycleGrain(TenantBootstrap bootstrap, TimeProvider clock, ILogger<TenantLifecycleGrain> logger)
    : ReconcilerGrain(logger), ITenantLifecycle
{
    /// <summary>How soon a deletion looks again while objects are still going (pods stopping on their nodes).</summary>
    private static readonly TimeSpan DeletionPoll = TimeSpan.FromSeconds(1);

    private static readonly Actor Actor = Actor.Controller("tenant-controller");

    private bool _bootstrapped;

    private string TenantName => this.GetPrimaryKeyString();

    private StoreClient System => new(GrainFactory, StoreKeys.SystemTenant, Actor);

    public async Task Ensure()
    {
        if (await System.Get<Tenant>("", TenantName) is { Metadata.DeletionTimestamp: null } tenant)
        {
            await bootstrap.EnsureTenant(TenantName);
            _bootstrapped = true;
            await EnsureOwners(tenant);
        }
    }

    /// <summary>The ClusterRoleBinding that makes <c>spec.admins</c> the tenant's administrators, kept as the Tenant says (gone when it names none).</summary>
    private async Task EnsureOwners(Tenant tenant)
    {
        var store = new StoreClient(GrainFactory, TenantName, Actor);
        var current = await store.Get<ClusterRoleBinding>("", OwnersBinding);
        var desired = RbacBootstrap.TenantAdmins(tenant.Spec.Admins ?? []);
        desired = desired with { Metadata = desired.Metadata with { Name = OwnersBinding } };
        if (desired.Subjects!.Count == 0)
        {
            if (current is not null) await store.Delete(current);
            return;
        }
        if (current is null) await store.Create(desired);
        else if (!Store.ObjectSemantics.SameJson(current.Subjects, desired.Subjects) || !Store.ObjectSemantics.SameJson(current.RoleRef, desired.RoleRef))
            await store.Update(current with { Subjects = desired.Subjects, RoleRef = desired.RoleRef });
    }

    public const string ReadyCondition = "Ready";

    /// <summary>
    /// Writes one condition of the Tenant's status when it says something new, conditional on the version read (the
    /// quota grain writes the rest of the status; a lost race is written again at the next pass).
    /// </summary>
    private async Task SetCondition(Tenant tenant, Condition condition)
    {
        var current = tenant.Status?.Conditions?.FirstOrDefault(c => c.Type == condition.Type);
        if (current is not null && current.Status == condition.Status && current.Reason == condition.Reason && current.Message == condition.Message) return;
        var written = condition with { LastTransitionTime = current?.Status == condition.Status ? current.LastTransitionTime : clock.GetUtcNow() };
        var conditions = (tenant.Status?.Conditions ?? []).Where(c => c.Type != condition.Type).Append(written).ToList();
        await System.UpdateStatus(tenant with { Status = (tenant.Status ?? new TenantStatus()) with { Conditions = conditions } });
    }

    /// <summary>The binding of a Tenant's <c>spec.admins</c> to <c>cluster-admin</c> in the tenant.</summary>
    public const string OwnersBinding = "tenant-owners";

    protected override async Task<TimeSpan?> Reconcile()
    {
        var tenant = await System.Get<Tenant>("", TenantName);
        if (tenant is null) return null;
        if (tenant.Metadata.DeletionTimestamp is null)
        {
            if (!_bootstrapped) await Ensure();
            else await EnsureOwners(tenant);
            await SetCondition(tenant, new Condition { Type = ReadyCondition, Status = "True", Reason = "Bootstrapped", Message = "the tenant has its default namespace, roles and kubernetes Service" });
            return null;
        }
        _bootstrapped = false;
        var left = await TenantContents.DeleteOnce(GrainFactory, TenantName, Actor);
        if (left > 0)
        {
            LogWaiting(logger, TenantName, left);
            await SetCondition(tenant, new Condition { Type = ReadyCondition, Status = "False", Reason = "ContentRemaining", Message = $"{left} objects of the tenant are still being deleted" });
            return DeletionPoll;
        }
        var finalizers = (tenant.Metadata.Finalizers ?? []).Where(f => f != TenantPhases.Finalizer).ToList();
        if (finalizers.Count != (tenant.Metadata.Finalizers?.Count ?? 0))
            await System.Update(tenant with { Metadata = tenant.Metadata with { Finalizers = finalizers.Count == 0 ? null : finalizers } });
        LogDeleted(logger, TenantName);
        return null;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Tenant {Tenant} is being deleted: {Left} objects still there")]
    private static partial void LogWaiting(ILogger logger, string tenant, int left);

    [LoggerMessage(Level = LogLevel.Information, Message = "Tenant {Tenant} is deleted: nothing of it is left")]
    private static partial void LogDeleted(ILogger logger, string tenant);
}
