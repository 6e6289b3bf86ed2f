using OrleansOrchestrator.Contracts.Model;

namespace OrleansOrchestrator.Silo.Quotas;

/// <summary>
/// The quotas of one namespace and what holds them: the stored objects' usage (from the store, kept current by the
/// writes reported as committed) and the reservations of creates admitted but not yet durable. A create is admitted
/// only if every quota has room for it beside both, and then holds its reservation until its writer says the write
/// happened (<see cref="Commit"/>) or not (<see cref="Abandon"/>). Used by one grain per namespace, which makes the
/// check-and-reserve one step, so two creates racing for the last slot cannot both pass. Pure: no store, no clock.
/// </summary>
public sealed class QuotaBook(QuotaCounting? counting = null)
{
    private readonly QuotaCounting _counting = counting ?? QuotaCounting.Namespace;

    /// <summary>What one object holds; <paramref name="Change"/>: a reservation for an update, holding only what the update adds.</summary>
    private sealed record Holding(string? Uid, IReadOnlyDictionary<string, decimal> Usage, ScopeFacts Facts, DateTimeOffset Since, bool Change = false);

    private readonly Dictionary<string, Holding> _stored = new(StringComparer.Ordinal);
    /// <summary>Keyed by the object's key and uid, so that no write (a dry run, another create of the same name) replaces or frees another's.</summary>
    private readonly Dictionary<(string Key, string? Uid), Holding> _reserved = [];

    /// <summary>
    /// How long a committed write may be missing from a listing: a collection's list can lag a commit for a moment, and
    /// a recount from such a list must not forget a pod committed just before it (the next create would pass the quota).
    /// </summary>
    public static readonly TimeSpan ListLag = TimeSpan.FromSeconds(30);

    /// <summary>The newest commit of each key within <see cref="ListLag"/> (null: deleted), re-applied over every listing.</summary>
    private readonly Dictionary<string, (KubeObject? After, DateTimeOffset At)> _recent = new(StringComparer.Ordinal);

    public IReadOnlyList<ResourceQuota> Quotas { get; private set; } = [];

    /// <summary>Each quota's parsed limits, made once per quota (a reservation reads them for every quota).</summary>
    private Dictionary<ResourceQuota, Dictionary<string, decimal>> _limits = new(ReferenceEqualityComparer.Instance);

    /// <summary>
    /// What the stored objects use of each quota's limits, kept up to date by <see cref="Commit"/> instead of summed over
    /// every stored object at each reservation (a namespace of 10,000 Secrets made every create pay for all of them).
    /// A quota missing here is summed again on its next use: after a reset, or when a sum held at the largest decimal.
    /// </summary>
    private readonly Dictionary<ResourceQuota, Dictionary<string, decimal>> _storedUsage = new(ReferenceEqualityComparer.Instance);

    /// <summary>The kinds whose objects some quota counts; the others need neither a check nor a listing.</summary>
    public IReadOnlySet<ResourceKind> CountedKinds { get; private set; } = new HashSet<ResourceKind>();

    /// <summary>Starts over from the store: the namespace's quotas and its stored objects of the counted kinds (keyed as the store keys them).</summary>
    public void Reset(IReadOnlyList<ResourceQuota> quotas, IEnumerable<(string Key, KubeObject Object)> stored, DateTimeOffset now)
    {
        SetQuotas(quotas);
        _stored.Clear();
        _storedUsage.Clear();
        foreach (var (key, obj) in stored)
            if (CountedKinds.Contains(ResourceKinds.Of(obj))) _stored[key] = Hold(obj, now);
        // Commits come through here in order, so each key's newest is at least as new as any listing's.
        foreach (var (key, (after, at)) in _recent.ToList())
        {
            if (now - at > ListLag) _recent.Remove(key);
            else if (after is null) _stored.Remove(key);
            else if (CountedKinds.Contains(ResourceKinds.Of(after))) _stored[key] = Hold(after, now);
        }
    }

    /// <summary>The quotas changed: the kinds to list for <see cref="Reset"/>.</summary>
    public void SetQuotas(IReadOnlyList<ResourceQuota> quotas)
    {
        Quotas = [.. quotas.OrderBy(q => q.Metadata.Name, StringComparer.Ordinal)];
        CountedKinds = KindsCountedBy(Quotas, _counting);
        _limits = Quotas.ToDictionary<ResourceQuota, ResourceQuota, Dictionary<string, decimal>>(q => q, ParseLimits, ReferenceEqualityComparer.Instance);
        _storedUsage.Clear();
    }

    /// <summary>The kinds whose objects <paramref name="quotas"/> count: what a recount lists.</summary>
    public static IReadOnlySet<ResourceKind> KindsCountedBy(IEnumerable<ResourceQuota> quotas, QuotaCounting? counting = null) =>
        quotas.SelectMany(q => q.Spec.Hard?.Keys ?? []).Select((counting ?? QuotaCounting.Namespace).KindCounted).OfType<ResourceKind>().ToHashSet();

    /// <summary>
    /// Admits and reserves a create, or says why not with Kubernetes' message (<c>exceeded quota: …</c>,
    /// <c>failed quota: …</c>). An object no quota counts is admitted without a reservation.
    /// </summary>
    public string? Reserve(string key, KubeObject obj, DateTimeOffset now) => Admit(key, obj, Hold(obj, now), reserve: true);

    /// <summary>
    /// What <see cref="Reserve"/> (<paramref name="old"/> null) or <see cref="ReserveChange"/> would answer, reserving
    /// nothing: a dry run is told whether the write would be admitted and holds nothing afterwards.
    /// </summary>
    public string? Check(string key, KubeObject? old, KubeObject obj, DateTimeOffset now) =>
        old is null ? Admit(key, obj, Hold(obj, now), reserve: false)
        : Change(old, obj, now) is { } change ? Admit(key, obj, change, reserve: false) : null;

    /// <summary>
    /// Admits and reserves an update by what it adds (a Service turned NodePort, a claim that grows), or says why not.
    /// An update that adds nothing any quota counts is admitted without a reservation.
    /// </summary>
    public string? ReserveChange(string key, KubeObject old, KubeObject next, DateTimeOffset now) =>
        Change(old, next, now) is { } change ? Admit(key, next, change, reserve: true) : null;

    /// <summary>What an update adds to what the object counts; null when it adds nothing.</summary>
    private Holding? Change(KubeObject old, KubeObject next, DateTimeOffset now)
    {
        var before = _counting.Of(old);
        var added = _counting.Of(next).Where(u => u.Value > before.GetValueOrDefault(u.Key))
            .ToDictionary(u => u.Key, u => u.Value - before.GetValueOrDefault(u.Key), StringComparer.Ordinal);
        return added.Count == 0 ? null : new Holding(old.Metadata.Uid, added, QuotaUsage.FactsOf(next), now, Change: true);
    }

    private string? Admit(string key, KubeObject obj, Holding holding, bool reserve)
    {
        if (!CountedKinds.Contains(ResourceKinds.Of(obj))) return null;
        foreach (var quota in Quotas)
        {
            if (!QuotaUsage.InScopes(quota.Spec.Scopes, holding.Facts)) continue;
            var hard = Limits(quota);
            if (obj is Pod pod && !holding.Change && QuotaUsage.MissingComputeResources(pod, hard.Keys) is { } missing)
                return $"failed {_counting.Noun}: {quota.Metadata.Name}: {missing}";
            var used = Used(quota);
            var exceeded = hard.Keys
                .Where(name => holding.Usage.TryGetValue(name, out var delta) && delta > 0 && QuotaQuantities.Add(used.GetValueOrDefault(name), delta) > hard[name])
                .Order(StringComparer.Ordinal).ToList();
            if (exceeded.Count == 0) continue;
            var texts = quota.Spec.Hard!;
            string Print(Func<string, decimal> of) =>
                string.Join(",", exceeded.Select(name => $"{name}={QuotaQuantities.Format(of(name), QuotaQuantities.IsBinary(texts[name]))}"));
            return $"exceeded {_counting.Noun}: {quota.Metadata.Name}, requested: {Print(n => holding.Usage[n])}, used: {Print(n => used.GetValueOrDefault(n))}, limited: {Print(n => hard[n])}";
        }
        if (reserve) _reserved[(key, holding.Uid)] = holding;
        return null;
    }

    /// <summary>The write of <paramref name="key"/> (the object with uid <paramref name="uid"/>) did not happen.</summary>
    public void Abandon(string key, string? uid)
    {
        _reserved.Remove((key, uid));
    }

    /// <summary>A write of <paramref name="key"/> is durable: it now holds what <paramref name="after"/> counts (null: it is gone).</summary>
    public void Commit(string key, KubeObject? after, DateTimeOffset now)
    {
        _recent[key] = (after, now);
        if (_stored.Remove(key, out var before)) AddToStoredUsage(before, -1);
        if (after is not null && CountedKinds.Contains(ResourceKinds.Of(after)))
        {
            var holding = Hold(after, now);
            _stored[key] = holding;
            AddToStoredUsage(holding, +1);
        }
        if (after is not null) _reserved.Remove((key, after.Metadata.Uid));
        else
            // The object is gone: its updates' reservations go with it; another create of the name keeps its own.
            foreach (var (reserved, held) in _reserved.ToList())
                if (reserved.Key == key && held.Change) _reserved.Remove(reserved);
    }

    /// <summary>Drops reservations older than <paramref name="olderThan"/>: their writer is gone without saying how the write ended (the store's listing has the truth).</summary>
    public void Expire(DateTimeOffset olderThan)
    {
        foreach (var (key, held) in _reserved.ToList())
            if (held.Since < olderThan) _reserved.Remove(key);
    }

    /// <summary>What the namespace uses of each resource <paramref name="quota"/> limits: stored objects and reservations not yet stored.</summary>
    public IReadOnlyDictionary<string, decimal> Used(ResourceQuota quota)
    {
        var used = new Dictionary<string, decimal>(StoredUsage(quota), StringComparer.Ordinal);
        // A create's reservation the store's listing already found stored is counted once; an update's adds to what is stored.
        foreach (var ((key, uid), holding) in _reserved)
        {
            if (!holding.Change && _stored.TryGetValue(key, out var stored) && stored.Uid == uid) continue;
            if (!QuotaUsage.InScopes(quota.Spec.Scopes, holding.Facts)) continue;
            foreach (var name in used.Keys.ToList())
                used[name] = QuotaQuantities.Add(used[name], holding.Usage.GetValueOrDefault(name));
        }
        return used;
    }

    /// <summary>The stored objects' part of <see cref="Used"/>, summed once and then kept by the commits.</summary>
    private Dictionary<string, decimal> StoredUsage(ResourceQuota quota)
    {
        if (_storedUsage.TryGetValue(quota, out var cached)) return cached;
        var used = Limits(quota).Keys.ToDictionary(name => name, _ => 0m, StringComparer.Ordinal);
        foreach (var holding in _stored.Values)
        {
            if (!QuotaUsage.InScopes(quota.Spec.Scopes, holding.Facts)) continue;
            foreach (var name in used.Keys.ToList())
                used[name] = QuotaQuantities.Add(used[name], holding.Usage.GetValueOrDefault(name));
        }
        return _storedUsage[quota] = used;
    }

    /// <summary>Adds (<paramref name="sign"/> +1) or takes away (−1) what a stored object holds in every kept sum.</summary>
    private void AddToStoredUsage(Holding holding, int sign)
    {
        foreach (var (quota, used) in _storedUsage.ToList())
        {
            if (!QuotaUsage.InScopes(quota.Spec.Scopes, holding.Facts)) continue;
            foreach (var name in used.Keys.ToList())
            {
                var delta = holding.Usage.GetValueOrDefault(name);
                if (delta == 0) continue;
                // A sum held at the largest decimal has lost what it would have been: sum this quota again when next used.
                if (used[name] == decimal.MaxValue || delta == decimal.MaxValue)
                {
                    _storedUsage.Remove(quota);
                    break;
                }
                used[name] = sign > 0 ? QuotaQuantities.Add(used[name], delta) : used[name] - delta;
            }
        }
    }

    /// <summary>The status a quota should show: its limits as written and the usage, printed in the limits' style.</summary>
    public ResourceQuotaStatus StatusOf(ResourceQuota quota)
    {
        var texts = quota.Spec.Hard ?? new Dictionary<string, string>();
        var used = Used(quota);
        return new ResourceQuotaStatus
        {
            Hard = new Dictionary<string, string>(texts, StringComparer.Ordinal),
            Used = used.ToDictionary(u => u.Key, u => QuotaQuantities.Format(u.Value, QuotaQuantities.IsBinary(texts.GetValueOrDefault(u.Key))), StringComparer.Ordinal),
        };
    }

    private Dictionary<string, decimal> Limits(ResourceQuota quota) =>
        _limits.TryGetValue(quota, out var limits) ? limits : ParseLimits(quota);

    private static Dictionary<string, decimal> ParseLimits(ResourceQuota quota) =>
        (quota.Spec.Hard ?? new Dictionary<string, string>())
        .Where(h => quota.Spec.Scopes is not { Count: > 0 } || QuotaUsage.ScopeAllows(h.Key))
        .ToDictionary(h => h.Key, h => QuotaQuantities.Parse(h.Value), StringComparer.Ordinal);

    private Holding Hold(KubeObject obj, DateTimeOffset now) =>
        new(obj.Metadata.Uid, _counting.Of(obj), QuotaUsage.FactsOf(obj), now);
}

/// <summary>
/// What a <see cref="QuotaBook"/> counts and how its refusals name it: a namespace's quotas (<see cref="Namespace"/>,
/// <c>exceeded quota: …</c>) or a tenant's quota over all its namespaces (<see cref="Tenant"/>, which also counts the
/// namespaces themselves; <c>exceeded tenant quota: …</c>).
/// </summary>
public sealed record QuotaCounting(string Noun, Func<KubeObject?, IReadOnlyDictionary<string, decimal>> Of, Func<string, ResourceKind?> KindCounted)
{
    public static readonly QuotaCounting Namespace = new("quota", QuotaUsage.Of, QuotaUsage.KindCounted);

    public static readonly QuotaCounting Tenant = new("tenant quota", QuotaUsage.OfTenant, QuotaUsage.KindCountedInTenant);
}
