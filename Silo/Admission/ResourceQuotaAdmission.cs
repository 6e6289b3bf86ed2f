using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Contracts.Store;
using OrleansOrchestrator.Silo.Quotas;

namespace OrleansOrchestrator.Silo.Admission;

/// <summary>
/// Allocating, as Kubernetes' ResourceQuota admission: a create in a namespace with quotas takes its share from the
/// namespace's quota grain (<see cref="IResourceQuotaController"/>), which refuses (403, <c>exceeded quota: …</c>)
/// when a quota has no room, and otherwise holds the share until the write is reported durable or abandoned — the
/// shape of the Service allocator (decision 28). An update that adds to what an object counts (a Service turned NodePort, a pod
/// leaving Succeeded or Failed) reserves what it adds. A dry run is checked and takes nothing. Every durable write that
/// changes what an object counts (a create, a delete, a pod that ended) is reported so that <c>status.used</c> follows.
/// </summary>
public sealed partial class ResourceQuotaAdmission(IGrainFactory grains, ILogger<ResourceQuotaAdmission> logger) : IAllocatingAdmission
{
    public async ValueTask<WriteResult> Allocate(AdmissionRequest request)
    {
        if (!Applies(request)) return WriteResult.Ok(request.Object);
        var quotas = Quotas(request.Tenant, request.Object);
        var key = Key(request.Tenant, request.Kind, request.Object);
        // A dry run only asks: a reservation it made and then gave back could free another write's (same key).
        var refusal = request.DryRun ? await quotas.Check(key, request.Old, request.Object)
            : request.Old is { } old ? await quotas.ReserveChange(key, old, request.Object)
            : await quotas.Reserve(key, request.Object);
        if (refusal is not null)
            return WriteResult.Fail(new StoreError(403, "Forbidden", $"{request.Kind.Resource} \"{request.Object.Metadata.Name}\" is forbidden: {refusal}"));
        return WriteResult.Ok(request.Object);
    }

    public async ValueTask Abandon(AdmissionRequest request)
    {
        if (!Applies(request) || request.DryRun) return;
        await Report(request.Tenant, request.Object, q => q.Abandon(Key(request.Tenant, request.Kind, request.Object), request.Object.Metadata.Uid));
    }

    public async ValueTask Committed(ResourceKind kind, string tenant, KubeObject? before, KubeObject? after)
    {
        if (kind == ResourceKinds.ResourceQuota)
        {
            // Only the spec's writers (users): the quota grain writes status alone, and must not be called back by its own write.
            if ((after ?? before) is ResourceQuota quota && QuotaSpecWritten(before as ResourceQuota, after as ResourceQuota))
                await Report(tenant, quota, q => q.QuotaWritten(quota.Metadata.Name ?? "", after is ResourceQuota { Metadata.DeletionTimestamp: null } kept ? kept : null));
            return;
        }
        if (!QuotaUsage.Counts(kind) || (after ?? before) is not { } obj) return;
        // The usage is computed inside the report's guard too: the write is stored, so nothing after it may fail it.
        await Report(tenant, obj, q => SameUsage(QuotaUsage.Of(before), QuotaUsage.Of(after)) ? Task.CompletedTask : q.Commit(Key(tenant, kind, obj), after));
    }

    /// <summary>
    /// Creates, and updates that may count for more (<see cref="QuotaUsage.UpdateMayCountMore"/>), or <c>status.used</c>
    /// would pass <c>hard</c> unchecked.
    /// </summary>
    internal static bool Applies(AdmissionRequest request) =>
        QuotaUsage.Counts(request.Kind)
        && (request.Operation == AdmissionOperation.Create
            || request.Operation == AdmissionOperation.Update && request.Old is { } old
               && QuotaUsage.UpdateMayCountMore(old, request.Object, request.WritesMain));

    private static bool QuotaSpecWritten(ResourceQuota? before, ResourceQuota? after) =>
        before is null || after is null || before.Metadata.DeletionTimestamp != after.Metadata.DeletionTimestamp
        || !Store.ObjectSemantics.SameJson(before.Spec, after.Spec);

    private IResourceQuotaController Quotas(string tenant, KubeObject obj) =>
        grains.GetGrain<IResourceQuotaController>(QuotaKeys.Of(tenant, obj.Metadata.Namespace ?? ""));

    private static string Key(string tenant, ResourceKind kind, KubeObject obj) =>
        Contracts.Store.StoreKeys.Object(tenant, kind, obj.Metadata.Namespace, obj.Metadata.Name ?? "");

    private static bool SameUsage(IReadOnlyDictionary<string, decimal> a, IReadOnlyDictionary<string, decimal> b) =>
        a.Count == b.Count && a.All(u => b.TryGetValue(u.Key, out var v) && v == u.Value);

    /// <summary>A report that fails only leaves the usage stale until the quota grain's next recount from the store, so it never fails the write.</summary>
    private async Task Report(string tenant, KubeObject about, Func<IResourceQuotaController, Task> call)
    {
        try
        {
            await call(Quotas(tenant, about));
        }
        catch (Exception e)
        {
            LogReportFailed(logger, e, about.Metadata.Namespace ?? "", about.Metadata.Name ?? "");
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not tell the quotas of namespace {Namespace} how the write of {Name} ended; their next recount will")]
    private static partial void LogReportFailed(ILogger logger, Exception exception, string @namespace, string name);
}
