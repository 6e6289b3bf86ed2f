using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Contracts.Store;
using OrleansOrchestrator.Silo.Quotas;
using OrleansOrchestrator.Silo.Tenancy;

namespace OrleansOrchestrator.Silo.Admission;

/// <summary>
/// Allocating, as <see cref="ResourceQuotaAdmission"/> one level up: every create in a tenant (and an update that adds
/// to what an object counts) takes its share from the tenant's quota grain (<see cref="ITenantQuota"/>), which refuses
/// with 403 when the Tenant's quota has no room (<c>exceeded tenant quota: …</c>) or the tenant is being deleted, and
/// otherwise holds the share until the write is reported durable or abandoned. The system tenant (the operator's
/// Nodes and Tenants) has no quota. A durable write of a Tenant's spec or deletion mark tells its quota grain.
/// </summary>
public sealed partial class TenantQuotaAdmission(IGrainFactory grains, ILogger<TenantQuotaAdmission> logger) : IAllocatingAdmission
{
    public async ValueTask<WriteResult> Allocate(AdmissionRequest request)
    {
        if (!Applies(request)) return WriteResult.Ok(request.Object);
        var quota = Quota(request.Tenant);
        var key = Key(request.Tenant, request.Kind, request.Object);
        var refusal = request.DryRun ? await quota.Check(key, request.Operation == AdmissionOperation.Create ? null : request.Old, request.Object)
            : request.Operation == AdmissionOperation.Create ? await quota.Reserve(key, request.Object)
            : await quota.ReserveChange(key, request.Old!, request.Object);
        return refusal is null ? WriteResult.Ok(request.Object) : WriteResult.Fail(new StoreError(refusal.Code, refusal.Reason, refusal.Message));
    }

    public async ValueTask Abandon(AdmissionRequest request)
    {
        if (!Applies(request) || request.DryRun) return;
        await Report(request.Tenant, q => q.Abandon(Key(request.Tenant, request.Kind, request.Object), request.Object.Metadata.Uid));
    }

    public async ValueTask Committed(ResourceKind kind, string tenant, KubeObject? before, KubeObject? after)
    {
        if (kind == ResourceKinds.Tenant)
        {
            // Not the lifecycle grain's bootstrap, which the Tenant's change wakes: its writes into the tenant reserve at
            // the quota grain, which may be waiting to write this very Tenant's status, so awaiting it here could deadlock.
            if (TenantChanged(before as Tenant, after as Tenant) && (after ?? before)?.Metadata.Name is { } name)
                await Report(name, q => q.TenantWritten());
            return;
        }
        if (tenant == StoreKeys.SystemTenant || !Counted(kind) || (after ?? before) is not { } obj) return;
        await Report(tenant, q => SameUsage(QuotaUsage.OfTenant(before), QuotaUsage.OfTenant(after)) ? Task.CompletedTask : q.Commit(Key(tenant, kind, obj), after));
    }

    /// <summary>
    /// Every create outside the system tenant (the quota grain is also the Terminating gate), and updates that may count
    /// for more (<see cref="QuotaUsage.UpdateMayCountMore"/>, the namespace quota's rule too): a pod written Failed and
    /// back to Running must find room again, or a tenant could free its slot and take it back unchecked.
    /// </summary>
    internal static bool Applies(AdmissionRequest request) =>
        request.Tenant != StoreKeys.SystemTenant && request.Kind != ResourceKinds.Event
        && (request.Operation == AdmissionOperation.Create
            || request.Operation == AdmissionOperation.Update && request.Old is { } old
               && QuotaUsage.UpdateMayCountMore(old, request.Object, request.WritesMain));

    /// <summary>The kinds whose writes may change what a tenant quota counts.</summary>
    private static bool Counted(ResourceKind kind) => kind == ResourceKinds.Namespace || QuotaUsage.Counts(kind);

    private static bool TenantChanged(Tenant? before, Tenant? after) =>
        before is null || after is null || before.Metadata.DeletionTimestamp != after.Metadata.DeletionTimestamp
        || !Store.ObjectSemantics.SameJson(before.Spec, after.Spec);

    private ITenantQuota Quota(string tenant) => grains.GetGrain<ITenantQuota>(tenant);

    private static string Key(string tenant, ResourceKind kind, KubeObject obj) =>
        StoreKeys.Object(tenant, kind, kind.Namespaced ? obj.Metadata.Namespace : null, obj.Metadata.Name ?? "");

    private static bool SameUsage(IReadOnlyDictionary<string, decimal> a, IReadOnlyDictionary<string, decimal> b) =>
        a.Count == b.Count && a.All(u => b.TryGetValue(u.Key, out var v) && v == u.Value);

    /// <summary>A report that fails only leaves the usage stale until the grain's next recount, so it never fails the write.</summary>
    private async Task Report(string tenant, Func<ITenantQuota, Task> call)
    {
        try
        {
            await call(Quota(tenant));
        }
        catch (Exception e)
        {
            LogReportFailed(logger, e, tenant);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not tell tenant {Tenant}'s quota how a write ended; its next recount will")]
    private static partial void LogReportFailed(ILogger logger, Exception exception, string tenant);
}
