using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Contracts.Store;
using OrleansOrchestrator.Silo.Controllers;
using OrleansOrchestrator.Silo.Store;

namespace OrleansOrchestrator.Silo.Quotas;

/// <summary>
/// One namespace's quotas (see <see cref="QuotaBook"/> for the arithmetic). Its truth is the store: at activation, when
/// a quota changes (the quota's strategy wakes it) and every <see cref="Recount"/> it re-reads the quotas and the
/// objects they count, as Kubernetes' quota controller recalculates, and writes each quota's <c>status</c> when it
/// differs. Between those, committed writes keep the usage current and a coalesced pass writes the status without
/// reading the store again. Calls are not interleaved — a reservation is checked against everything reserved before
/// it — except the periodic recount's store reads, which admissions may pass (see <see cref="RecountInBackground"/>).
/// </summary>
public sealed class ResourceQuotaControllerGrain(TimeProvider clock, ILogger<ResourceQuotaControllerGrain> logger)
    : ReconcilerGrain(logger), IResourceQuotaController
{
    /// <summary>A write holds its reservation for at most this long; one older lost its writer (the store knows the rest).</summary>
    private static readonly TimeSpan ReservationLifetime = TimeSpan.FromMinutes(1);

    /// <summary>How often the usage is recounted from the store (Kubernetes' quota controller resyncs every 5 minutes by default).</summary>
    private static readonly TimeSpan Recount = TimeSpan.FromSeconds(30);

    private readonly QuotaBook _book = new();

    /// <summary>Quotas written since a list may have been read without them, by name (null: deleted), until a list shows them.</summary>
    private readonly Dictionary<string, ResourceQuota?> _written = new(StringComparer.Ordinal);
    private bool _loaded;
    /// <summary>Counts the loads begun, so that a background recount that another load overtook does not apply its older reading.</summary>
    private long _loadsBegun;
    private string _tenant = "";
    private string _namespace = "";

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        (_tenant, _namespace) = QuotaKeys.Parse(this.GetPrimaryKeyString());
        this.RegisterGrainTimer(_ => RecountInBackground(), new GrainTimerCreationOptions { DueTime = Recount, Period = Recount, Interleave = true });
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

    /// <summary>
    /// Commits wake the status pass; a burst of them (a Deployment's pods, a script's creates) costs one status write,
    /// and <c>kubectl describe quota</c> shows the usage this much later at most.
    /// </summary>
    protected override TimeSpan CoalesceDelay => TimeSpan.FromMilliseconds(250);

    protected override async Task<TimeSpan?> Reconcile()
    {
        // The usage is current (commits keep it so); the store is read again only by a recount, not after every write.
        if (!_loaded) await Load();
        if (_statusWrite is { IsCompleted: false })
        {
            // The write in flight wakes another pass when it ends, with the usage as it is then.
            _statusAgain = true;
            return null;
        }
        var changed = _book.Quotas
            .Where(q => q.Metadata.DeletionTimestamp is null)
            .Select(q => (Quota: q, Status: _book.StatusOf(q)))
            .Where(c => !ObjectSemantics.SameJson(c.Status, _statusWritten.GetValueOrDefault(c.Quota.Metadata.Name ?? "") ?? c.Quota.Status))
            .Select(c => c.Quota with { Status = c.Status, Metadata = c.Quota.Metadata with { ResourceVersion = null } })
            .ToList();
        // Not awaited: while the store writes the status, reservations go on (a status write is no reason to hold a create).
        if (changed.Count > 0) _statusWrite = WriteStatuses(changed);
        return null;
    }

    private Task? _statusWrite;
    private bool _statusAgain;

    /// <summary>
    /// The status last written to each quota since the book's quotas were read: the book's copies keep the status they
    /// were read with, and the pass that a status write wakes (the quota changed) should not send the same status again.
    /// </summary>
    private readonly Dictionary<string, ResourceQuotaStatus> _statusWritten = new(StringComparer.Ordinal);

    private async Task WriteStatuses(List<ResourceQuota> quotas)
    {
        try
        {
            var store = Store();
            foreach (var quota in quotas)
            {
                if (await store.UpdateStatus(quota) is not null) _statusWritten[quota.Metadata.Name ?? ""] = quota.Status!;
            }
        }
        catch (Exception e)
        {
            _statusAgain = true;
            logger.LogWarning(e, "Quotas of {Key}: writing the status failed; trying again", this.GetPrimaryKeyString());
        }
        if (_statusAgain)
        {
            _statusAgain = false;
            await Wake();
        }
    }

    /// <summary>
    /// The periodic recount, on an interleaving timer: while it waits for the store's listings, reservations and commits
    /// go on. That is safe because the book re-applies every commit of the last <see cref="QuotaBook.ListLag"/> over a
    /// listing and keeps its reservations; a load begun meanwhile (a quota written) supersedes this one. A recount that
    /// fails is logged by the timer and tried again at the next.
    /// </summary>
    private async Task RecountInBackground()
    {
        if (await Load(applyIfSuperseded: false)) await Wake();
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

    private StoreClient Store() => new(GrainFactory, _tenant, SystemActors.ResourceQuotas);

    /// <summary>
    /// Re-reads the quotas and the objects they count (each counted kind listed at once, not one after another) and
    /// starts the book over from them; false when <paramref name="applyIfSuperseded"/> is false and another load began
    /// meanwhile, whose reading is then the newer one.
    /// </summary>
    private async Task<bool> Load(bool applyIfSuperseded = true)
    {
        var mine = ++_loadsBegun;
        var store = Store();
        var quotas = WithWritten(await store.List<ResourceQuota>(_namespace));
        var kinds = QuotaBook.KindsCountedBy(quotas).ToList();
        var listings = await Task.WhenAll(kinds.Select(kind => store.List(kind, _namespace)));
        if (!applyIfSuperseded && mine != _loadsBegun) return false;
        var stored = new List<(string, KubeObject)>();
        for (var i = 0; i < kinds.Count; i++)
            foreach (var obj in listings[i])
                stored.Add((StoreKeys.Object(_tenant, kinds[i], _namespace, obj.Metadata.Name!), obj));
        var now = clock.GetUtcNow();
        _book.Reset(quotas, stored, now);
        // The quotas as read now carry their status; one written after the listing is written again at most once.
        _statusWritten.Clear();
        _book.Expire(now - ReservationLifetime);
        _loaded = true;
        return true;
    }
}
