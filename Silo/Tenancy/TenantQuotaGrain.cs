using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Contracts.Store;
using OrleansOrchestrator.Silo.Controllers;
using OrleansOrchestrator.Silo.Quotas;
using OrleansOrchestrator.Silo.Store;

namespace OrleansOrchestrator.Silo.Tenancy;

/// <summary>
/// One tenant's quota (<see cref="QuotaBook"/> with <see cref="QuotaCounting.Tenant"/>, over a quota named after the
/// tenant made from the Tenant's <c>spec.quota.hard</c>) and its Terminating gate. As the namespace quota grain
/// (decision 34) its truth is the store: at activation, when the Tenant changes and at every resync it re-reads the
/// Tenant and every object of the counted kinds in every namespace of the tenant, and writes the Tenant's status.
/// A tenant without a Tenant object (named only in the token file) has no quota and is never terminating.
/// </summary>
public sealed class TenantQuotaGrain(TimeProvider clock, ILogger<TenantQuotaGrain> logger) : ReconcilerGrain(logger), ITenantQuota
{
    private static readonly TimeSpan ReservationLifetime = TimeSpan.FromMinutes(1);

    private readonly QuotaBook _book = new(QuotaCounting.Tenant);
    private Tenant? _object;
    private bool _loaded;
    /// <summary>Counts <see cref="TenantWritten"/> calls: a load that a change overtook (it interleaves) does not count as loaded.</summary>
    private long _changes;

    private string TenantName => this.GetPrimaryKeyString();

    public async Task<TenantRefusal?> Reserve(string key, KubeObject obj)
    {
        if (!_loaded) await Load();
        return Gate(obj) ?? Refusal(obj, _book.Reserve(key, obj, clock.GetUtcNow()));
    }

    public async Task<TenantRefusal?> ReserveChange(string key, KubeObject old, KubeObject next)
    {
        if (!_loaded) await Load();
        return Refusal(next, _book.ReserveChange(key, old, next, clock.GetUtcNow()));
    }

    public async Task<TenantRefusal?> Check(string key, KubeObject? old, KubeObject obj)
    {
        if (!_loaded) await Load();
        return (old is null ? Gate(obj) : null) ?? Refusal(obj, _book.Check(key, old, obj, clock.GetUtcNow()));
    }

    public Task Abandon(string key, string? uid)
    {
        _book.Abandon(key, uid);
        return Task.CompletedTask;
    }

    public Task Commit(string key, KubeObject? after)
    {
        if (!_loaded) return Wake();
        if (_book.Quotas.Count == 0) return Task.CompletedTask;
        _book.Commit(key, after, clock.GetUtcNow());
        return Wake();
    }

    public Task TenantWritten()
    {
        _changes++;
        _loaded = false;
        return Wake();
    }

    /// <summary>As Kubernetes refuses new content in a terminating namespace: nothing new in a terminating tenant but Events.</summary>
    private TenantRefusal? Gate(KubeObject obj) =>
        _object?.Metadata.DeletionTimestamp is not null && obj is not Event
            ? new TenantRefusal(403, "Forbidden", $"unable to create new content in tenant {TenantName} because it is being terminated")
            : null;

    private static TenantRefusal? Refusal(KubeObject obj, string? message) =>
        message is null ? null
            : new TenantRefusal(403, "Forbidden", $"{ResourceKinds.Of(obj).Resource} \"{obj.Metadata.Name}\" is forbidden: {message}");

    protected override async Task<TimeSpan?> Reconcile()
    {
        await Load();
        if (_object is not { } tenant) return null;
        var quota = _book.Quotas.FirstOrDefault();
        var status = (tenant.Status ?? new TenantStatus()) with
        {
            Phase = tenant.Metadata.DeletionTimestamp is null ? TenantPhases.Active : TenantPhases.Terminating,
            Quota = quota is null ? null : new TenantQuotaStatus { Hard = _book.StatusOf(quota).Hard, Used = _book.StatusOf(quota).Used },
        };
        if (ObjectSemantics.SameJson(status, tenant.Status)) return null;
        // Conditional on the version read, so a status another writer (the lifecycle grain's conditions) just wrote is not lost: a lost race looks again.
        var written = await new StoreClient(GrainFactory, StoreKeys.SystemTenant, SystemActors.ResourceQuotas).UpdateStatus(tenant with { Status = status });
        return written is null ? TimeSpan.FromMilliseconds(200) : null;
    }

    /// <summary>Re-reads the Tenant and the objects its quota counts, in every namespace of the tenant.</summary>
    private async Task Load()
    {
        var changes = _changes;
        _object = await GrainFactory.GetGrain<IObjectGrain>(StoreKeys.Object(StoreKeys.SystemTenant, ResourceKinds.Tenant, null, TenantName)).Get() as Tenant;
        var hard = _object?.Spec.Quota?.Hard;
        _book.SetQuotas(hard is { Count: > 0 }
            ? [new ResourceQuota { Metadata = new ObjectMeta { Name = TenantName }, Spec = new ResourceQuotaSpec { Hard = hard } }]
            : []);
        var stored = new List<(string, KubeObject)>();
        if (_book.CountedKinds.Count > 0)
        {
            var store = new StoreClient(GrainFactory, TenantName, SystemActors.ResourceQuotas);
            var namespaces = await store.List<Namespace>("");
            if (_book.CountedKinds.Contains(ResourceKinds.Namespace))
                stored.AddRange(namespaces.Select(n => (StoreKeys.Object(TenantName, ResourceKinds.Namespace, null, n.Metadata.Name!), (KubeObject)n)));
            foreach (var kind in _book.CountedKinds.Where(k => k.Namespaced))
                foreach (var ns in namespaces.Select(n => n.Metadata.Name!))
                    foreach (var obj in await store.List(kind, ns))
                        stored.Add((StoreKeys.Object(TenantName, kind, ns, obj.Metadata.Name!), obj));
        }
        var now = clock.GetUtcNow();
        _book.Reset(_book.Quotas, stored, now);
        _book.Expire(now - ReservationLifetime);
        _loaded = changes == _changes;
    }
}
