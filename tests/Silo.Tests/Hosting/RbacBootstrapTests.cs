using Orleans.TestingHost;
using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Contracts.Store;
using OrleansOrchestrator.Silo.Api.Auth;
using OrleansOrchestrator.Silo.Api.Auth.Rbac;
using OrleansOrchestrator.Silo.Controllers;
using OrleansOrchestrator.Silo.Hosting;

namespace OrleansOrchestrator.Silo.Tests.Hosting;

/// <summary>The tenant's default roles and its one-time <c>tenant-admins</c> grant, over a real store in one silo.</summary>
public sealed class RbacBootstrapTests : IAsyncLifetime
{
    private const string Tenant = "team-a";
    private readonly string _folder = Directory.CreateTempSubdirectory("oo-rbacboot-").FullName;
    private InProcessTestCluster _cluster = null!;

    private static readonly Caller[] Users = [new("alice", Tenant, []), new("vera", Tenant, [Caller.ViewerGroup]), new("admin", Tenant, [Caller.AdminGroup])];

    private StoreClient Store => new(_cluster.Client, Tenant, SystemActors.Bootstrap);

    public async Task InitializeAsync()
    {
        _cluster = await StoreTestSilo.Start(_folder, $"0123456789abcdef0123,admin,{Tenant},system:masters\n");
    }

    public async Task DisposeAsync()
    {
        await _cluster.DisposeAsync();
        try { Directory.Delete(_folder, recursive: true); } catch (IOException) { }
    }

    private async Task Delete(ResourceKind kind, string name) =>
        Assert.Null((await Store.Object(kind, "", name).Delete(new DeleteOptions(), SystemActors.Bootstrap)).Error);

    [Fact]
    public async Task FirstStart_GrantsClusterAdminToTokenUsers_ButNotTheViewerNorTheOperator()
    {
        Assert.Empty(await RbacBootstrap.Ensure(_cluster.Client, Tenant, Users));

        var binding = await Store.Get<ClusterRoleBinding>("", RbacBootstrap.TenantAdminsBinding);
        Assert.Equal(["alice"], binding!.Subjects!.Select(s => s.Name));
        Assert.NotNull(await Store.Get<ClusterRole>("", DefaultClusterRoles.ClusterAdmin));
    }

    [Fact]
    public async Task DeletingClusterAdminAndTenantAdmins_DoesNotBringTheGrantBack_OnTheNextStart()
    {
        Assert.Empty(await RbacBootstrap.Ensure(_cluster.Client, Tenant, Users));
        await Delete(ResourceKinds.ClusterRoleBinding, RbacBootstrap.TenantAdminsBinding);
        await Delete(ResourceKinds.ClusterRole, DefaultClusterRoles.ClusterAdmin);

        Assert.Empty(await RbacBootstrap.Ensure(_cluster.Client, Tenant, [.. Users, new Caller("nina", Tenant, [])]));

        // The default role comes back, as Kubernetes' autoupdate does; the grant to the token users does not.
        Assert.NotNull(await Store.Get<ClusterRole>("", DefaultClusterRoles.ClusterAdmin));
        Assert.Null(await Store.Get<ClusterRoleBinding>("", RbacBootstrap.TenantAdminsBinding));
    }

    [Fact]
    public async Task TenantBootstrappedBeforeTheRecord_IsRecordedWithoutANewGrant()
    {
        // A tenant of an older version: its roles exist, its tenant-admins was deleted, no record of the bootstrap.
        Assert.Null((await Store.TryCreate(DefaultClusterRoles.All.First(r => r.Metadata.Name == DefaultClusterRoles.ClusterAdmin))).Error);

        Assert.Empty(await RbacBootstrap.Ensure(_cluster.Client, Tenant, Users));
        await Delete(ResourceKinds.ClusterRole, DefaultClusterRoles.ClusterAdmin);
        Assert.Empty(await RbacBootstrap.Ensure(_cluster.Client, Tenant, Users));

        Assert.Null(await Store.Get<ClusterRoleBinding>("", RbacBootstrap.TenantAdminsBinding));
    }
}
