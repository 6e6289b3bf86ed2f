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

    /// <summary>
    /// The session decides nothing itself: it asks the backend about the user its cookie names, so that a button is
    /// shown exactly when the API would accept the call (the backend's own decisions are tested in Silo.Tests,
    /// <c>DashboardBackendTests</c>).
    /// </summary>
    [Fact]
    public async Task May_AsksTheBackendAboutTheSignedInUser()
    {
        var backend = new FakeClusterBackend();
        var asked = new List<(string User, string Tenant, string Groups, string Verb, Contracts.Model.ResourceKind Kind)>();
        backend.Authorize = (user, verb, kind, _) =>
        {
            asked.Add((user.Name, user.Tenant, string.Join(";", user.Groups), verb, kind));
            return verb == "list";
        };
        await using var ctx = DashboardTestContext.Create(new FakeClusterFeed(), backend, FakeClusterBackend.ReadOnlyGroup);
        var session = ctx.Services.GetRequiredService<DashboardSession>();

        Assert.False(await session.May("patch", Contracts.Model.ResourceKinds.Deployment));
        Assert.True(await session.May("list", Contracts.Model.ResourceKinds.Deployment));
        Assert.Equal(
            [
                ("alice", "acme", FakeClusterBackend.ReadOnlyGroup, "patch", Contracts.Model.ResourceKinds.Deployment),
                ("alice", "acme", FakeClusterBackend.ReadOnlyGroup, "list", Contracts.Model.ResourceKinds.Deployment),
            ], asked);
    }
}
