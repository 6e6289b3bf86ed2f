using Orleans.TestingHost;
using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Contracts.Store;
using OrleansOrchestrator.Silo.Api.Auth;
using OrleansOrchestrator.Silo.Controllers;
using OrleansOrchestrator.Silo.Tenancy;
using OrleansOrchestrator.Tests.Shared;

namespace OrleansOrchestrator.Silo.Tests.Tenancy;

/// <summary>The tenant quota and the Terminating gate through the real admission chain and store, in one silo.</summary>
public sealed class TenantQuotaTests : IAsyncLifetime
{
    private const string TenantName = "acme";
    private readonly string _folder = Directory.CreateTempSubdirectory("oo-tenantquota-").FullName;
    private InProcessTestCluster _cluster = null!;

    private StoreClient Store => new(_cluster.Client, TenantName, SystemActors.Bootstrap);
    private StoreClient System => new(_cluster.Client, StoreKeys.SystemTenant, SystemActors.Bootstrap);

    public async Task InitializeAsync()
    {
        _cluster = await StoreTestSilo.Start(_folder, "0123456789abcdef0123,admin,admins,system:masters\n");
        foreach (var ns in new[] { "default", "dev" })
            Assert.Null((await Store.TryCreate(new Namespace { Metadata = new ObjectMeta { Name = ns } })).Error);
    }

    public async Task DisposeAsync()
    {
        await _cluster.DisposeAsync();
        try { Directory.Delete(_folder, recursive: true); } catch (IOException) { }
    }

    private static Tenant Tenant(params (string Name, string Hard)[] hard) => new()
    {
        Metadata = new ObjectMeta { Name = TenantName },
        Spec = new TenantSpec { Quota = new TenantQuota { Hard = hard.ToDictionary(h => h.Name, h => h.Hard) } },
    };

    private static Pod Pod(string ns, string name)
    {
        var pod = Samples.Pod(name);
        return pod with { Metadata = pod.Metadata with { Namespace = ns } };
    }

    private async Task<int> PodsStored() =>
        (await Store.List<Pod>("default")).Count + (await Store.List<Pod>("dev")).Count;

    [Fact]
    public async Task TenConcurrentCreates_OverTwoNamespaces_UnderATenantQuotaOfFour_ExactlyFourAreStored()
    {
        Assert.Null((await System.TryCreate(Tenant(("pods", "4")))).Error);

        var results = await Task.WhenAll(Enumerable.Range(0, 10).Select(i => Store.TryCreate(Pod(i % 2 == 0 ? "default" : "dev", $"p{i}"))));

        Assert.Equal(4, results.Count(r => r.Succeeded));
        var refusal = results.First(r => !r.Succeeded).Error!;
        Assert.Equal(403, refusal.Code);
        Assert.Matches("^pods \"p\\d\" is forbidden: exceeded tenant quota: acme, requested: pods=1, used: pods=4, limited: pods=4$", refusal.Message);
        Assert.Equal(4, await PodsStored());
        await Eventually.True(async () => (await System.Get<Tenant>("", TenantName))?.Status?.Quota?.Used?.GetValueOrDefault("pods") == "4",
            "the Tenant's status.quota.used to show 4 pods");
    }

    [Fact]
    public async Task ADeletedPod_GivesItsSlotBack_AndTheStatusFollows()
    {
        Assert.Null((await System.TryCreate(Tenant(("pods", "2")))).Error);
        var first = await Store.Create(Pod("default", "a"));
        Assert.NotNull(await Store.Create(Pod("dev", "b")));
        Assert.StartsWith("pods \"c\" is forbidden: exceeded tenant quota", (await Store.TryCreate(Pod("dev", "c"))).Error!.Message);

        Assert.True(await Store.Delete(first!));

        Assert.Null((await Store.TryCreate(Pod("dev", "c"))).Error);
        await Eventually.True(async () => (await System.Get<Tenant>("", TenantName))?.Status?.Quota?.Used?.GetValueOrDefault("pods") == "2",
            "the Tenant's status.quota.used to show 2 pods");
    }

    [Fact]
    public async Task RaisingTheQuota_AdmitsTheNextCreate_AtOnce()
    {
        Assert.Null((await System.TryCreate(Tenant(("pods", "1")))).Error);
        Assert.NotNull(await Store.Create(Pod("default", "a")));
        Assert.False((await Store.TryCreate(Pod("dev", "b"))).Succeeded);

        var stored = await System.Get<Tenant>("", TenantName);
        // Unconditional: the quota grain may have written the status since the read.
        Assert.NotNull(await System.Update(stored! with { Spec = Tenant(("pods", "2")).Spec, Metadata = stored.Metadata with { ResourceVersion = null } }));

        Assert.Null((await Store.TryCreate(Pod("dev", "b"))).Error);
    }

    [Fact]
    public async Task ANamespaceQuotaOfTheTenant_CountsItsNamespaces()
    {
        Assert.Null((await System.TryCreate(Tenant(("namespaces", "2")))).Error);

        var refused = await Store.TryCreate(new Namespace { Metadata = new ObjectMeta { Name = "prod" } });

        Assert.Equal("namespaces \"prod\" is forbidden: exceeded tenant quota: acme, requested: namespaces=1, used: namespaces=2, limited: namespaces=2", refused.Error!.Message);
    }

    [Fact]
    public async Task ATerminatingTenant_RefusesNewContent_ButNotWithoutATenantObject()
    {
        Assert.Null((await Store.TryCreate(Pod("default", "before"))).Error);
        Assert.Null((await System.TryCreate(Tenant())).Error);
        var stored = await System.Get<Tenant>("", TenantName);
        Assert.Contains(TenantPhases.Finalizer, stored!.Metadata.Finalizers!);

        Assert.True(await System.Delete(stored));

        var refused = await Store.TryCreate(Pod("default", "after"));
        Assert.Equal(403, refused.Error!.Code);
        Assert.Equal("unable to create new content in tenant acme because it is being terminated", refused.Error.Message);
        await Eventually.True(async () => (await System.Get<Tenant>("", TenantName))?.Status?.Phase == TenantPhases.Terminating,
            "the Tenant to show phase Terminating");
    }
}
