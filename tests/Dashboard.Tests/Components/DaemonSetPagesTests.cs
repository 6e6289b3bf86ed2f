using Bunit;
using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Dashboard.Components.Pages;
using OrleansOrchestrator.Dashboard.ServiceClient;
using OrleansOrchestrator.Dashboard.Tests.Fakes;
using static OrleansOrchestrator.Dashboard.Tests.Components.DashboardTestContext;
using static OrleansOrchestrator.Dashboard.Tests.TestObjects;
using static OrleansOrchestrator.Dashboard.Tests.WorkloadObjects;

namespace OrleansOrchestrator.Dashboard.Tests.Components;

public sealed class DaemonSetPagesTests
{
    private readonly FakeClusterBackend _backend = new();
    private readonly FakeClusterFeed _feed = new FakeClusterFeed()
        .With(ResourceKinds.DaemonSet, DaemonSet("logs", desired: 3, ready: 2, available: 2, nodeSelector: new Dictionary<string, string> { ["role"] = "edge" }))
        .With(ResourceKinds.Pod,
            Pod("logs-x1", node: "node-b", owner: ControlledBy("DaemonSet", "logs")),
            Pod("logs-a9", node: "node-a", owner: ControlledBy("DaemonSet", "logs")),
            Pod("web-1", node: "node-a"))
        .With(ResourceKinds.ControllerRevision, Revision("DaemonSet", "logs", 1, "aaa", "fluentd:0.9"), Revision("DaemonSet", "logs", 2, "bbb", "fluentd:1"));

    [Fact]
    public async Task List_CountsAndNodeSelector()
    {
        await using var ctx = Create(_feed, _backend);

        var page = ctx.Render<DaemonSets>();

        page.WaitForAssertion(() => Assert.Equal("logs", page.Find(".daemonset-name").TextContent.Trim()), Patience);
        var cells = page.FindAll("#daemonsets-grid tbody tr td").Select(td => td.TextContent.Trim()).ToList();
        Assert.Contains("role=edge", cells);
        Assert.Equal("Progressing", page.Find("[data-status]").GetAttribute("data-status"));
    }

    [Fact]
    public async Task Feed_NewDaemonSet_Listed()
    {
        await using var ctx = Create(_feed, _backend);
        var page = ctx.Render<DaemonSets>();
        page.WaitForElement(".daemonset-name", Patience);

        _feed.Upsert(ResourceKinds.DaemonSet, DaemonSet("agent"));

        page.WaitForAssertion(() => Assert.Equal(["agent", "logs"], page.FindAll(".daemonset-name").Select(e => e.TextContent.Trim())), Patience);
    }

    [Fact]
    public async Task Detail_PodsPerNode_OnlyItsOwn()
    {
        await using var ctx = Create(_feed, _backend);

        var page = RenderLogs(ctx);

        page.WaitForAssertion(() => Assert.Equal(["logs-a9", "logs-x1"], page.FindAll("#daemonset-pods .pod-link").Select(e => e.TextContent.Trim())), Patience);
        Assert.Contains("node-b", page.Find("#daemonset-pods").TextContent);
    }

    [Fact]
    public async Task Detail_RollBack_StrategicMergePatchOfTheRevision()
    {
        await using var ctx = Create(_feed, _backend);
        var (_, dialogs) = ctx.RenderProviders();
        var page = RenderLogs(ctx);
        await page.OpenTabAsync("Revisions");
        page.WaitForElement(".rollback[data-revision='1']", Patience);

        await dialogs.AnswerMessageBoxAsync(page.Find(".rollback[data-revision='1']"), "Roll logs back to revision 1 (fluentd:0.9)?", "Roll back");

        page.WaitForAssertion(() => Assert.Single(_backend.Calls), Patience);
        var call = _backend.Calls[0];
        Assert.Equal((ResourceKinds.DaemonSet, "logs", PatchKind.StrategicMerge), (call.Kind, call.Name, call.PatchKind));
        Assert.Equal("fluentd:0.9", (string?)call.Body!["spec"]!["template"]!["spec"]!["containers"]![0]!["image"]);
    }

    [Fact]
    public async Task Detail_RestartAndDelete()
    {
        await using var ctx = Create(_feed, _backend);
        var (_, dialogs) = ctx.RenderProviders();
        var page = RenderLogs(ctx);
        page.WaitForElement("#restart", Patience);

        await page.Find("#restart").ClickAsync(new());
        await dialogs.AnswerMessageBoxAsync(page.Find("#delete"), "Delete daemonset default/logs?", "Delete");

        page.WaitForAssertion(() => Assert.Equal(["patch", "delete"], _backend.Calls.Select(c => c.Verb)), Patience);
        Assert.All(_backend.Calls, c => Assert.Equal(ResourceKinds.DaemonSet, c.Kind));
    }

    [Fact]
    public async Task Detail_ReadOnlyUser_NoActions()
    {
        await using var ctx = Create(_feed, _backend, FakeClusterBackend.ReadOnlyGroup);

        var page = RenderLogs(ctx);

        page.WaitForElement("#daemonset-pods", Patience);
        Assert.Empty(page.FindAll("#restart"));
        Assert.Empty(page.FindAll("#delete"));
    }

    private static IRenderedComponent<DaemonSetDetail> RenderLogs(BunitContext ctx) =>
        ctx.Render<DaemonSetDetail>(p => p.Add(d => d.Namespace, "default").Add(d => d.Name, "logs"));
}
