using System.Collections.Concurrent;
using System.Reflection;
using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Contracts.Selection;
using OrleansOrchestrator.Contracts.Store;
using OrleansOrchestrator.Silo.Api.Auth.Identity;
using OrleansOrchestrator.Tests.Shared;

namespace OrleansOrchestrator.Silo.Tests.Api.Auth.Identity;

/// <summary>
/// The per-silo cache of stored users and tokens over a store whose watches never report (so what is found comes from
/// lists): a forged tenant costs no list, a token made elsewhere works at its first use, a password session ends with
/// a new password.
/// </summary>
public sealed class StoredIdentitiesTests : IDisposable
{
    /// <summary>A token file naming only the operator's tenant: the tenants here exist through their Tenant objects.</summary>
    private readonly string _tokenPath = Path.Combine(Path.GetTempPath(), $"tokens-{Guid.NewGuid():N}.csv");

    public StoredIdentitiesTests() => File.WriteAllText(_tokenPath, "operator-token-0123456789,admin,ops,system:masters\n");

    public void Dispose() => File.Delete(_tokenPath);

    private StoredIdentities NewIdentities() =>
        new(_grains, TimeProvider.System, new OrleansOrchestrator.Silo.Tenancy.KnownTenants(OrleansOrchestrator.Silo.Api.Auth.TokenFile.Load(_tokenPath), _grains));

    /// <summary>Collections by store key, their lists counted; watches wait forever.</summary>
    public class MemoryStore : DispatchProxy
    {
        public readonly ConcurrentDictionary<string, List<KubeObject>> Collections = new();
        public readonly ConcurrentDictionary<string, int> Lists = new();

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args) =>
            targetMethod is { Name: nameof(IGrainFactory.GetGrain), IsGenericMethod: true } && targetMethod.GetGenericArguments()[0] == typeof(ICollectionGrain)
                ? new Collection(this, (string)args![0]!)
                : throw new NotSupportedException(targetMethod?.Name);

        public void Put(ResourceKind kind, string ns, KubeObject obj)
        {
            var items = Collections.GetOrAdd(StoreKeys.Collection(StoreKeys.SystemTenant, kind, ns), _ => []);
            lock (items)
            {
                items.RemoveAll(o => o.Metadata.Name == obj.Metadata.Name);
                items.Add(obj);
            }
        }
    }

    private sealed class Collection(MemoryStore store, string key) : ICollectionGrain
    {
        public Task<ListResult> List(ListOptions options)
        {
            store.Lists.AddOrUpdate(key, 1, (_, n) => n + 1);
            var items = store.Collections.GetValueOrDefault(key) ?? [];
            lock (items) return Task.FromResult(new ListResult([.. items], 1, null, null));
        }

        public Task<WatchBatch> Watch(long afterVersion, ObjectFilter filter, TimeSpan maxWait) => new TaskCompletionSource<WatchBatch>().Task;

        public Task<VersionReservation> Reserve(string name) => throw new NotSupportedException();
        public Task<bool> Commit(VersionReservation reservation, WatchEvent change) => throw new NotSupportedException();
        public Task Abort(VersionReservation reservation) => throw new NotSupportedException();
    }

    private readonly IGrainFactory _grains = DispatchProxy.Create<IGrainFactory, MemoryStore>();
    private MemoryStore Store => (MemoryStore)(object)_grains;

    private void TenantWithUser(string tenant, string user, string password)
    {
        Store.Put(ResourceKinds.Namespace, "", new Namespace { Metadata = new ObjectMeta { Name = tenant } });
        Store.Put(ResourceKinds.Tenant, "", new Tenant { Metadata = new ObjectMeta { Name = tenant } });
        Store.Put(ResourceKinds.User, tenant, new User
        {
            Metadata = new ObjectMeta { Name = user, Namespace = tenant, Uid = $"uid-{user}" },
            Spec = new UserSpec { Groups = ["view"], PasswordHash = Credentials.HashPassword(password) },
        });
    }

    private void Issue(string tenant, string user, string token) =>
        Store.Put(ResourceKinds.AccessToken, tenant, new AccessToken
        {
            Metadata = new ObjectMeta { Name = $"{user}-{token[^4..]}", Namespace = tenant, CreationTimestamp = DateTimeOffset.UtcNow },
            Spec = new AccessTokenSpec { User = user },
            Status = new AccessTokenStatus { TokenHash = Credentials.HashToken(token) },
        });

    [Fact]
    public async Task ForgedTenant_NothingOfItIsListed()
    {
        using var identities = NewIdentities();

        Assert.Null(await identities.Authenticate(Credentials.NewToken("made-up")));
        Assert.Null(await identities.SignIn("made-up", "erin", "a-long-password"));

        Assert.DoesNotContain(Store.Lists.Keys, k => k.Contains("made-up", StringComparison.Ordinal));
    }

    [Fact]
    public async Task TokenMadeAfterTheFirstLook_WorksAtItsFirstUse_WithoutAWatchEvent()
    {
        TenantWithUser("team-b", "erin", "a-long-password");
        using var identities = NewIdentities();
        Assert.Null(await identities.Authenticate(Credentials.NewToken("team-b")));

        var token = Credentials.NewToken("team-b");
        Issue("team-b", "erin", token);
        // A relist on a miss comes at most once a second.
        var caller = await Eventually.Value(async () => await identities.Authenticate(token), "the new token found", TimeSpan.FromSeconds(10));

        Assert.Equal(("erin", "team-b"), (caller.User, caller.Tenant));
        Assert.Equal(["view"], caller.Groups);
    }

    [Fact]
    public async Task Password_RightOneSignsIn_WrongOneDoesNot_AndANewPasswordEndsTheSession()
    {
        TenantWithUser("team-b", "erin", "a-long-password");
        using var identities = NewIdentities();

        Assert.Null(await identities.SignIn("team-b", "erin", "a-long-passworD"));
        Assert.Null(await identities.SignIn("team-b", "nobody", "a-long-password"));
        var (caller, session) = (await identities.SignIn("team-b", "erin", "a-long-password"))!.Value;
        Assert.Equal("erin", caller.User);
        Assert.DoesNotContain("a-long-password", session);
        Assert.Equal("erin", (await identities.BySession("team-b", "erin", session))?.User);

        TenantWithUser("team-b", "erin", "another-long-password");
        identities.Changed("team-b");

        Assert.Null(await identities.BySession("team-b", "erin", session));
        Assert.Null(await identities.BySession("team-b", "erin", "password:" + new string('0', 64)));
    }

    [Fact]
    public async Task TerminatingTenant_ItsTokensAndPasswordsStopWorking()
    {
        TenantWithUser("team-b", "erin", "a-long-password");
        var token = Credentials.NewToken("team-b");
        Issue("team-b", "erin", token);
        using var identities = NewIdentities();
        Assert.Equal("erin", (await identities.Authenticate(token))?.User);

        Store.Put(ResourceKinds.Tenant, "", new Tenant { Metadata = new ObjectMeta { Name = "team-b", DeletionTimestamp = DateTimeOffset.UtcNow } });
        identities.Changed("team-b");

        Assert.Null(await identities.Authenticate(token));
        Assert.Null(await identities.SignIn("team-b", "erin", "a-long-password"));
    }
}
