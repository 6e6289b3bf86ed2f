using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Contracts.Store;
using OrleansOrchestrator.Silo.Controllers;
using OrleansOrchestrator.Silo.Store;

namespace OrleansOrchestrator.Silo.Quotas;

/// <summary>
/// One namespace's quotas (see <see cref="QuotaBook"/> for the arithmetic). Its truth is the store: at activation, when
/// a quota changes (the quota's strategy wakes it) and at every resync it re-reads the quotas and the objects they
/// count, as Kubernetes' quota controller recalculates, and writes each quota's <c>status</c> when it differs.
/// Between those, committed writes keep the usage current and a coalesced pass writes the status. Calls are not
/// interleaved: a reservation is checked against everything reserved before it.
/// </summary>
public sealed class ResourceQuotaControllerGrain(TimeProvider clock, ILogger<ResourceQuotaControllerGrain> logger)
    : ReconcilerGrain(logger), IResourceQuotaController
{
    /// <summary>A write holds its reservation for at most this long; one older lost its writer (the store knows the rest).</summary>
    private static readonly TimeSpan ReservationLifetime = TimeSpan.FromMinutes(1);

    private readonly QuotaBook _book = new();

    /// <summary>Quotas written since a list may have been read without them, by name (null: deleted), until a list shows them.</summary>
    private readonly Dictionary<string, ResourceQuota?> _written = new(StringComparer.Ordinal);
    private bool _loaded;
    private string _tenant = "";
    private string _namespace = "";

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        (_tenant, _namespace) = QuotaKeys.Parse(this.GetPrimaryKeyString());
        return base.OnActivateAsync(cancellationToken);
    }

    public async Task<string?> Reserve(string key, KubeObject obj)
    {
        if (!_loaded) await Load();
        return _book.Reserve(key, obj, clock.GetUtcNow());
    }

    public async Task<string?> ReserveChange(string key, KubeObject old, KubeObject next)
    {
        if (!_loaded) await Load();
        return _book.ReserveChange(key, old, next, clock.GetUtcNow());
    }

    public async Task<string?> Check(string key, KubeObject? old, KubeObject obj)
    {
        if (!_loaded) await Load();
        return _book.Check(key, old, obj, clock.GetUtcNow());
    }

    public Task Abandon(string key, string? uid)
    {
        _book.Abandon(key, uid);
        return Task.CompletedTask;
    }

    public async Task QuotaWritten(string name, ResourceQuota? quota)
    {
        _written[name] = quota;
        await Load();
        await Wake();
    }

    public Task Commit(string key, KubeObject? after)
    {
        // Not loaded yet (a fresh activation): the pass loads from the store, which already holds this write.
        if (!_loaded) return Wake();
        if (_book.Quotas.Count == 0) return Task.CompletedTask;
        _book.Commit(key, after, clock.GetUtcNow());
        return Wake();
    }

    protected override async Task<TimeSpan?> Reconcile()
    {
        var store = await Load();
        foreach (var quota in _book.Quotas)
        {
            if (quota.Metadata.DeletionTimestamp is not null) continue;
            var status = _book.StatusOf(quota);
            if (ObjectSemantics.SameJson(status, quota.Status)) continue;
            await store.UpdateStatus(quota with { Status = status, Metadata = quota.Metadata with { ResourceVersion = null } });
        }
        return null;
    }

    /// <summary>
    /// The listed quotas and those written since that the list does not show yet (a collection's list can lag a
    /// commit a moment; admission must not: a create right after a quota's must meet it).
    /// </summary>
    private List<ResourceQuota> WithWritten(IReadOnlyList<ResourceQuota> listed)
    {
        var byName = listed.ToDictionary(q => q.Metadata.Name ?? "", StringComparer.Ordinal);
        foreach (var (name, written) in _written.ToList())
        {
            var shown = byName.GetValueOrDefault(name);
            if (written is null)
            {
                if (shown is null) _written.Remove(name);
                else byName.Remove(name);
            }
            else if (shown is not null && Version(shown) >= Version(written)) _written.Remove(name);
            else byName[name] = written;
        }
        return [.. byName.Values];
    }

    private static long Version(KubeObject obj) => long.TryParse(obj.Metadata.ResourceVersion, out var version) ? version : 0;

    /// <summary>Re-reads the quotas and the objects they count.</summary>
    private async Task<StoreClient> Load()
    {
        var store = new StoreClient(GrainFactory, _tenant, SystemActors.ResourceQuotas);
        _book.SetQuotas(WithWritten(await store.List<ResourceQuota>(_namespace)));
        var stored = new List<(string, KubeObject)>();
        foreach (var kind in _book.CountedKinds)
            foreach (var obj in await store.List(kind, _namespace))
                stored.Add((StoreKeys.Object(_tenant, kind, _namespace, obj.Metadata.Name!), obj));
        var now = clock.GetUtcNow();
        _book.Reset(_book.Quotas, stored, now);
        _book.Expire(now - ReservationLifetime);
        _loaded = true;
        return store;
    }
}
