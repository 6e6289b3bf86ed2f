using Microsoft.Extensions.DependencyInjection;
using OrleansOrchestrator.Dashboard.ServiceClient;
using OrleansOrchestrator.Dashboard.Tests.Fakes;

namespace OrleansOrchestrator.Dashboard.Tests.Components;

/// <summary>The test context signs in the way the dashboard's cookie does, so the pages see the user a test means.</summary>
public sealed class SessionTests
{
    [Fact]
    public async Task User_SignedInWithDashboardClaims_NameTenantAndGroups()
    {
        await using var ctx = DashboardTestContext.Create(new FakeClusterFeed(), new FakeClusterBackend(), "developers", FakeClusterBackend.ReadOnlyGroup);

        var user = await ctx.Services.GetRequiredService<DashboardSession>().User();

        Assert.Equal(("alice", "acme"), (user.Name, user.Tenant));
        Assert.Equal(["developers", FakeClusterBackend.ReadOnlyGroup], user.Groups.Order());
    }

    [Fact]
    public async Task May_ReadOnlyGroup_NoPatch()
    {
        await using var ctx = DashboardTestContext.Create(new FakeClusterFeed(), new FakeClusterBackend(), FakeClusterBackend.ReadOnlyGroup);
        var session = ctx.Services.GetRequiredService<DashboardSession>();

        Assert.False(await session.May("patch", Contracts.Model.ResourceKinds.Deployment));
        Assert.True(await session.May("list", Contracts.Model.ResourceKinds.Deployment));
    }
}
