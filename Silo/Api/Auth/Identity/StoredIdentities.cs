using System.Collections.Concurrent;
using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Contracts.Store;
using OrleansOrchestrator.Silo.Api.Auth.Rbac;
using OrleansOrchestrator.Silo.Kinds.Identity;
using OrleansOrchestrator.Silo.Tenancy;

namespace OrleansOrchestrator.Silo.Api.Auth.Identity;

/// <summary>
/// The users and access tokens the operator stored, as authentication needs them on every request: per tenant, the
/// tenant's User and AccessToken collections of the system tenant, each followed through the store's watch
/// (<see cref="FollowedCollection"/>, as RBAC's policy cache does), indexed by token hash once per change. A deleted token
/// or user is gone from the index as soon as its watch event arrives, so the next request with it is refused. Only
/// tenants that have a namespace in the system tenant (made when their first user is) are looked in: a stranger naming
/// made-up tenants in made-up tokens makes the silo follow nothing. And only active tenants (<see cref="KnownTenants.IsActive"/>,
/// over a follower of the Tenant objects): a Terminating tenant's users and tokens stop working as soon as its deletion
/// mark's watch event arrives.
/// </summary>
public sealed class StoredIdentities(IGrainFactory grains, TimeProvider clock, KnownTenants knownTenants) : IDisposable
{
    private static readonly TimeSpan Poll = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan IdleAfter = TimeSpan.FromMinutes(2);

    /// <summary>
    /// A token not in the index may have been made an instant ago on another silo, before the watch brought it: the
    /// tenant's collections are listed again, at most this often, so that a new token works at once.
    /// </summary>
    private static readonly TimeSpan RelistAtMost = TimeSpan.FromSeconds(1);

    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<string, FollowedCollection> _collections = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, (long Users, long Tokens, TenantIdentities Index)> _indexes = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _relisted = new(StringComparer.Ordinal);
    private FollowedCollection? _tenants;
    private FollowedCollection? _tenantObjects;

    /// <summary>The tenants with users, as of one stamp of the system tenant's namespaces (replaced whole, never torn).</summary>
    private sealed record TenantNames(long Stamp, HashSet<string> Names);

    private volatile TenantNames _tenantNames = new(-1, []);

    /// <summary>The user of an issued token (<see cref="Credentials.NewToken"/>), or null.</summary>
    public async ValueTask<Caller?> Authenticate(string token)
    {
        if (Credentials.TenantOf(token) is not { } tenant) return null;
        var fingerprint = Dashboard.ServiceClient.TokenFingerprint.Of(token);
        return await ByFingerprint(tenant, fingerprint, relistOnMiss: true);
    }

    /// <summary>The user of the token with this <see cref="Dashboard.ServiceClient.TokenFingerprint"/> in <paramref name="tenant"/>, or null once it is revoked.</summary>
    public async ValueTask<Caller?> ByFingerprint(string tenant, string fingerprint, bool relistOnMiss = false)
    {
        if (!await IsKnownTenant(tenant))
        {
            // A tenant whose first user was made an instant ago on another silo: look once more, at most once a second for all.
            if (!relistOnMiss || !MayRelist("")) return null;
            _tenants?.MarkStale();
            _tenantObjects?.MarkStale();
            if (!await IsKnownTenant(tenant)) return null;
        }
        var hash = Credentials.HashPrefix + fingerprint;
        var caller = (await Index(tenant)).ByTokenHash(hash, clock.GetUtcNow());
        if (caller is null && relistOnMiss && MayRelist(tenant))
        {
            Changed(tenant);
            caller = (await Index(tenant)).ByTokenHash(hash, clock.GetUtcNow());
        }
        return caller;
    }

    /// <summary>
    /// The user whose password this is, and what their session remembers of it (<see cref="Credentials.PasswordSession"/>);
    /// null for an unknown tenant or user, a user without a password, or a wrong password.
    /// </summary>
    public async ValueTask<(Caller Caller, string Session)?> SignIn(string tenant, string name, string password)
    {
        var user = tenant.Length <= 63 && name.Length <= 253 && await IsKnownTenant(tenant) ? (await Index(tenant)).User(name) : null;
        // A miss costs a hash check too: the answer's time must not tell which tenants and users exist.
        if (user is not { Spec.PasswordHash: { } hash })
        {
            Credentials.VerifyPassword(NobodysHash.Value, password);
            return null;
        }
        if (!Credentials.VerifyPassword(hash, password)) return null;
        return (CallerOf(user, tenant), Credentials.PasswordSession(user.Metadata.Uid ?? "", hash));
    }

    /// <summary>What a password is checked against when its user does not exist (made once, of a random password).</summary>
    private static readonly Lazy<string> NobodysHash = new(() => Credentials.HashPassword(Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16))));

    /// <summary>The user of a password session while the user exists with the same password, or null.</summary>
    public async ValueTask<Caller?> BySession(string tenant, string name, string session)
    {
        if (!await IsKnownTenant(tenant)) return null;
        if ((await Index(tenant)).User(name) is not { Spec.PasswordHash: { } hash } user) return null;
        return Credentials.SameHash(Credentials.PasswordSession(user.Metadata.Uid ?? "", hash), session) ? CallerOf(user, tenant) : null;
    }

    /// <summary>After a write of a user or token through this process: the next lookup lists the tenant's collections again.</summary>
    public void Changed(string tenant)
    {
        foreach (var kind in new[] { ResourceKinds.User, ResourceKinds.AccessToken })
            if (_collections.TryGetValue(StoreKeys.Collection(StoreKeys.SystemTenant, kind, tenant), out var collection)) collection.MarkStale();
        _tenants?.MarkStale();
        _tenantObjects?.MarkStale();
    }

    internal static Caller CallerOf(User user, string tenant) => new(user.Metadata.Name!, tenant, user.Spec.Groups ?? []);

    private bool MayRelist(string tenant)
    {
        var now = Environment.TickCount64;
        var last = _relisted.GetOrAdd(tenant, long.MinValue / 2);
        return now - last >= RelistAtMost.TotalMilliseconds && _relisted.TryUpdate(tenant, now, last);
    }

    private async ValueTask<bool> IsKnownTenant(string tenant)
    {
        if (Api.Admission.Validation.Label(tenant) is not null) return false;
        // One follower of the system tenant's namespaces for the silo's life, however many requests race to make it.
        if (_tenants is null)
            Interlocked.CompareExchange(ref _tenants, new FollowedCollection(
                grains.GetGrain<ICollectionGrain>(StoreKeys.Collection(StoreKeys.SystemTenant, ResourceKinds.Namespace, null)),
                Poll, TimeSpan.MaxValue, () => { }, _stopping.Token), null);
        var (items, stamp) = await _tenants.Current();
        var known = _tenantNames;
        if (known.Stamp != stamp) _tenantNames = known = new TenantNames(stamp, items.Select(n => n.Metadata.Name!).ToHashSet(StringComparer.Ordinal));
        if (!known.Names.Contains(tenant)) return false;
        if (_tenantObjects is null)
            Interlocked.CompareExchange(ref _tenantObjects, new FollowedCollection(
                grains.GetGrain<ICollectionGrain>(StoreKeys.Collection(StoreKeys.SystemTenant, ResourceKinds.Tenant, "")),
                Poll, TimeSpan.MaxValue, () => { }, _stopping.Token), null);
        return knownTenants.IsActive(tenant, (await _tenantObjects.Current()).Items);
    }

    private async ValueTask<TenantIdentities> Index(string tenant)
    {
        var (users, userStamp) = await Followed(ResourceKinds.User, tenant).Current();
        var (tokens, tokenStamp) = await Followed(ResourceKinds.AccessToken, tenant).Current();
        if (_indexes.TryGetValue(tenant, out var cached) && cached.Users == userStamp && cached.Tokens == tokenStamp) return cached.Index;
        var index = new TenantIdentities(tenant, users.OfType<User>(), tokens.OfType<AccessToken>());
        _indexes[tenant] = (userStamp, tokenStamp, index);
        return index;
    }

    private FollowedCollection Followed(ResourceKind kind, string tenant) =>
        _collections.GetOrAdd(StoreKeys.Collection(StoreKeys.SystemTenant, kind, tenant),
            key => new FollowedCollection(grains.GetGrain<ICollectionGrain>(key), Poll, IdleAfter, () => Forget(key, tenant), _stopping.Token));

    private void Forget(string key, string tenant)
    {
        _collections.TryRemove(key, out _);
        _indexes.TryRemove(tenant, out _);
    }

    public void Dispose() => _stopping.Cancel();
}

/// <summary>One tenant's users and tokens at one moment, looked up by token hash and by user name.</summary>
public sealed class TenantIdentities
{
    private readonly string _tenant;
    private readonly Dictionary<string, User> _users;
    private readonly Dictionary<string, AccessToken> _tokens;

    public TenantIdentities(string tenant, IEnumerable<User> users, IEnumerable<AccessToken> tokens)
    {
        _tenant = tenant;
        _users = users.Where(u => u.Metadata.DeletionTimestamp is null).ToDictionary(u => u.Metadata.Name!, StringComparer.Ordinal);
        _tokens = new Dictionary<string, AccessToken>(StringComparer.Ordinal);
        foreach (var token in tokens)
            if (token.Status?.TokenHash is { } hash && token.Metadata.DeletionTimestamp is null) _tokens[hash] = token;
    }

    public User? User(string name) => _users.GetValueOrDefault(name);

    /// <summary>
    /// The caller of the token with this hash while the token has not expired and its user exists — the very user it was
    /// issued to (a user deleted and made again under the same name does not inherit the old one's tokens).
    /// </summary>
    public Caller? ByTokenHash(string hash, DateTimeOffset now)
    {
        if (!_tokens.TryGetValue(hash, out var token)) return null;
        if (AccessTokenStrategy.ExpiresAt(token) is { } expires && expires <= now) return null;
        if (User(token.Spec.User) is not { } user) return null;
        if (token.Metadata.OwnerReferences is { Count: > 0 } owners && owners.All(o => o.Uid != user.Metadata.Uid)) return null;
        return StoredIdentities.CallerOf(user, _tenant);
    }
}
