using Bunit;
using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Dashboard.Components.Pages;
using OrleansOrchestrator.Dashboard.Tests.Fakes;
using static OrleansOrchestrator.Dashboard.Tests.Components.DashboardTestContext;
using static OrleansOrchestrator.Dashboard.Tests.TestObjects;

namespace OrleansOrchestrator.Dashboard.Tests.Components;

public sealed class OverviewPageTests
{
    private readonly FakeClusterFeed _feed = new FakeClusterFeed()
        .With(ResourceKinds.Node, Node("node-a"), Node("node-b", ready: false))
        .With(ResourceKinds.Pod, Pod("web-1"), Pod("web-2", phase: "Pending"))
        .With(ResourceKinds.Deployment, Deployment("web"))
        .With(ResourceKinds.Event, Event("e1", "Pod", "web-2", "Scheduled", "Successfully assigned default/web-2 to node-a", Created));

    [Fact]
    public async Task Render_Snapshot_Counts()
    {
        await using var ctx = Create(_feed, new FakeClusterBackend());

        var page = ctx.Render<Overview>();

        page.WaitForAssertion(() => Assert.Equal(["Running 1", "Pending 1"], Chips(page, "#overview-pods")), Patience);
        Assert.Contains("1 / 2", page.Find("#overview-nodes").TextContent);
        Assert.Equal(["Healthy 1"], Chips(page, "#overview-deployments"));
        Assert.Contains("Successfully assigned default/web-2 to node-a", page.Markup);
    }

    [Fact]
    public async Task Feed_PodPhaseChanges_CountsFollow()
    {
        await using var ctx = Create(_feed, new FakeClusterBackend());
        var page = ctx.Render<Overview>();
        page.WaitForAssertion(() => Assert.Equal(["Running 1", "Pending 1"], Chips(page, "#overview-pods")), Patience);

        _feed.Upsert(Pod("web-2", phase: "Running").WithVersion("2"));

        page.WaitForAssertion(() => Assert.Equal(["Running 2"], Chips(page, "#overview-pods")), Patience);

        _feed.Upsert(Pod("web-1", phase: "Failed").WithVersion("3"));

        page.WaitForAssertion(() => Assert.Equal(["Running 1", "Failed 1"], Chips(page, "#overview-pods")), Patience);
    }

    [Fact]
    public async Task Render_UserWhoMayNotListNodes_NoNodeCount()
    {
        var backend = new FakeClusterBackend { Authorize = (_, verb, kind, _) => kind != ResourceKinds.Node };
        await using var ctx = Create(_feed, backend);

        var page = ctx.Render<Overview>();

        page.WaitForAssertion(() => Assert.Equal(["Running 1", "Pending 1"], Chips(page, "#overview-pods")), Patience);
        Assert.Empty(page.FindAll("#overview-nodes"));
        Assert.DoesNotContain(_feed.Subscriptions, s => s.Kind == ResourceKinds.Node);
    }

    private static List<string?> Chips(IRenderedComponent<Overview> page, string card) =>
        page.FindAll($"{card} [data-status]").Select(c => c.GetAttribute("data-status")).ToList();
}
