using Bunit;
using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Dashboard.Components.Pages;
using OrleansOrchestrator.Dashboard.Tests.Fakes;
using static OrleansOrchestrator.Dashboard.Tests.Components.DashboardTestContext;
using static OrleansOrchestrator.Dashboard.Tests.TestObjects;

namespace OrleansOrchestrator.Dashboard.Tests.Components;

public sealed class NodesPageTests
{
    private readonly FakeClusterFeed _feed = new FakeClusterFeed()
        .With(ResourceKinds.Node, Node("node-a", cpu: "4", memory: "8Gi", pods: "10"), Node("node-b", ready: false, unschedulable: true))
        .With(ResourceKinds.Pod,
            Pod("web-1", node: "node-a", containers: [Container("c", cpuRequest: "1", memoryRequest: "2Gi")]),
            Pod("web-2", node: "node-a", containers: [Container("c", cpuLimit: "2", memoryRequest: "2Gi")]),
            Pod("done", node: "node-a", phase: "Succeeded", containers: [Container("c", cpuRequest: "1")]));

    [Fact]
    public async Task Render_Nodes_AllocationBarsOfRequestsOverAllocatable()
    {
        await using var ctx = Create(_feed, new FakeClusterBackend());

        var page = ctx.Render<Nodes>();

        page.WaitForAssertion(() => Assert.Equal(6, page.FindAll(".allocation").Count), Patience);
        var nodeA = page.FindAll(".allocation").Take(3).Select(a => (Text(a), a.GetAttribute("title"))).ToList();
        Assert.Equal([("CPU: 3 / 4", "75% requested"), ("Memory: 4 / 8 GiB", "50% requested"), ("Pods: 2 / 10", "20% requested")], nodeA);
        Assert.All(page.FindAll(".allocation"), a => Assert.NotNull(a.QuerySelector(".mud-progress-linear")));
    }

    [Fact]
    public async Task Render_Nodes_ReadyAndSchedulingChips()
    {
        await using var ctx = Create(_feed, new FakeClusterBackend());

        var page = ctx.Render<Nodes>();

        page.WaitForAssertion(() => Assert.Equal(["Ready", "NotReady", "SchedulingDisabled"], page.FindAll("[data-status]").Select(c => c.GetAttribute("data-status"))), Patience);
    }

    [Fact]
    public async Task Feed_PodScheduled_AllocationFollows()
    {
        await using var ctx = Create(_feed, new FakeClusterBackend());
        var page = ctx.Render<Nodes>();
        page.WaitForAssertion(() => Assert.Equal("CPU: 3 / 4", Text(page.FindAll(".allocation")[0])), Patience);

        _feed.Upsert(Pod("web-3", node: "node-a", containers: [Container("c", cpuRequest: "500m")]));

        page.WaitForAssertion(() => Assert.Equal("CPU: 3.5 / 4", Text(page.FindAll(".allocation")[0])), Patience);
    }

    [Fact]
    public async Task Render_UserWhoMayNotListNodes_RefusalShown()
    {
        await using var ctx = Create(new FakeClusterFeed().Forbid(ResourceKinds.Node), new FakeClusterBackend());

        var page = ctx.Render<Nodes>();

        page.WaitForAssertion(() => Assert.Contains("nodes is forbidden", page.Find(".mud-alert").TextContent), Patience);
    }

    private static string Text(AngleSharp.Dom.IElement allocation) =>
        string.Join(" ", allocation.QuerySelector(".mud-typography")!.TextContent.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
}
