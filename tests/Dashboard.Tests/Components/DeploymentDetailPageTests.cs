using System.Text.Json.Nodes;
using Bunit;
using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Dashboard.Components.Pages;
using OrleansOrchestrator.Dashboard.Model;
using OrleansOrchestrator.Dashboard.ServiceClient;
using OrleansOrchestrator.Dashboard.Tests.Fakes;
using static OrleansOrchestrator.Dashboard.Tests.Components.DashboardTestContext;
using static OrleansOrchestrator.Dashboard.Tests.TestObjects;

namespace OrleansOrchestrator.Dashboard.Tests.Components;

public sealed class DeploymentDetailPageTests
{
    private static readonly string WebUid = DeploymentUid("default", "web");
    private readonly FakeClusterBackend _backend = new();
    private readonly FakeClusterFeed _feed = new FakeClusterFeed()
        .With(ResourceKinds.Deployment, Deployment("web", replicas: 3, revision: 3, image: "nginx:1.27"))
        .With(ResourceKinds.ReplicaSet,
            ReplicaSet("web-aaa", 1, WebUid, "nginx:1.25"),
            ReplicaSet("web-ccc", 3, WebUid, "nginx:1.27", replicas: 3, ready: 3),
            ReplicaSet("web-bbb", 2, WebUid, "nginx:1.26"),
            ReplicaSet("other-zzz", 9, "uid-of-other", "redis:7", app: "other"));

    [Fact]
    public async Task Revisions_OwnedReplicaSets_ListedNewestFirstWithRollBackOnOlderOnes()
    {
        await using var ctx = Create(_feed, _backend);

        var page = RenderWeb(ctx);

        page.WaitForAssertion(() => Assert.Equal(["3 (current)", "2", "1"], RevisionCells(page)), Patience);
        Assert.Equal(["2", "1"], page.FindAll(".rollback").Select(b => b.GetAttribute("data-revision")));
    }

    /// <summary>The page asks about its own namespace: a user who may patch only in another namespace gets no roll-back buttons here.</summary>
    [Theory]
    [InlineData("default", 2)]
    [InlineData("prod", 0)]
    public async Task RollBackButtons_FollowTheAnswerForThePagesNamespace(string patchableNamespace, int buttons)
    {
        _backend.Authorize = (_, verb, _, ns) => verb is "get" or "list" or "watch" || ns == patchableNamespace;
        await using var ctx = Create(_feed, _backend);

        var page = RenderWeb(ctx);

        page.WaitForAssertion(() => Assert.Equal(["3 (current)", "2", "1"], RevisionCells(page)), Patience);
        Assert.Equal(buttons, page.FindAll(".rollback").Count);
    }

    [Fact]
    public async Task RollBack_Confirmed_SendsJsonPatchWithTheOldTemplate()
    {
        await using var ctx = Create(_feed, _backend);
        var (snackbars, dialogs) = ctx.RenderProviders();
        var page = RenderWeb(ctx);
        page.WaitForElement(".rollback[data-revision='1']", Patience);

        await dialogs.AnswerMessageBoxAsync(page.Find(".rollback[data-revision='1']"), "Roll web back to revision 1 (nginx:1.25)?", "Roll back");

        page.WaitForAssertion(() => Assert.Single(_backend.Calls), Patience);
        var call = _backend.Calls[0];
        Assert.Equal(("patch", ResourceKinds.Deployment, "default", "web", PatchKind.Json), (call.Verb, call.Kind, call.Namespace, call.Name, call.PatchKind));
        var operation = Assert.Single(call.Body!.AsArray())!;
        Assert.Equal(("replace", "/spec/template"), ((string?)operation["op"], (string?)operation["path"]));
        Assert.Equal("nginx:1.25", (string?)operation["value"]!["spec"]!["containers"]![0]!["image"]);
        Assert.False(operation["value"]!["metadata"]!["labels"]!.AsObject().ContainsKey(DeploymentAnnotations.PodTemplateHashLabel));
        snackbars.WaitForAssertion(() => Assert.Contains("web rolling back to revision 1", snackbars.Markup), Patience);
    }

    [Fact]
    public async Task RollBack_Cancelled_SendsNothing()
    {
        await using var ctx = Create(_feed, _backend);
        var (_, dialogs) = ctx.RenderProviders();
        var page = RenderWeb(ctx);
        page.WaitForElement(".rollback[data-revision='2']", Patience);

        await dialogs.AnswerMessageBoxAsync(page.Find(".rollback[data-revision='2']"), "Roll web back to revision 2", "Cancel");

        dialogs.WaitForAssertion(() => Assert.DoesNotContain("revision 2", dialogs.Markup), Patience);
        Assert.Empty(_backend.Calls);
    }

    [Fact]
    public async Task Pause_Click_SendsMergePatchPausingTheRollout()
    {
        await using var ctx = Create(_feed, _backend);
        var page = RenderWeb(ctx);
        page.WaitForElement("#pause", Patience);

        await page.Find("#pause").ClickAsync(new());

        page.WaitForAssertion(() => Assert.Single(_backend.Calls), Patience);
        var call = _backend.Calls[0];
        Assert.Equal(PatchKind.Merge, call.PatchKind);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"spec":{"paused":true}}"""), call.Body), call.Body?.ToJsonString());
    }

    [Fact]
    public async Task Feed_DeploymentPaused_ResumeOffered()
    {
        await using var ctx = Create(_feed, _backend);
        var page = RenderWeb(ctx);
        page.WaitForElement("#pause", Patience);

        _feed.Upsert(Deployment("web", replicas: 3, revision: 3, paused: true));

        page.WaitForElement("#resume", Patience);
        await page.Find("#resume").ClickAsync(new());
        page.WaitForAssertion(() => Assert.Equal(false, (bool?)Assert.Single(_backend.Calls).Body?["spec"]?["paused"]), Patience);
    }

    [Fact]
    public async Task Render_ReadOnlyUser_NoActions()
    {
        await using var ctx = Create(_feed, _backend, FakeClusterBackend.ReadOnlyGroup);

        var page = RenderWeb(ctx);

        page.WaitForAssertion(() => Assert.Equal(3, RevisionCells(page).Count), Patience);
        Assert.Empty(page.FindAll(".rollback"));
        Assert.Empty(page.FindAll("#pause"));
        Assert.Empty(page.FindAll(".scale-control"));
    }

    [Fact]
    public async Task Feed_NewRevision_AppearsOnTop()
    {
        await using var ctx = Create(_feed, _backend);
        var page = RenderWeb(ctx);
        page.WaitForAssertion(() => Assert.Equal(3, RevisionCells(page).Count), Patience);

        _feed.Upsert(Deployment("web", replicas: 3, revision: 4, image: "nginx:1.28"));
        _feed.Upsert(ReplicaSet("web-ddd", 4, WebUid, "nginx:1.28", replicas: 1));

        page.WaitForAssertion(() => Assert.Equal(["4 (current)", "3", "2", "1"], RevisionCells(page)), Patience);
    }

    [Fact]
    public async Task Feed_DeploymentDeleted_SaysItIsGone()
    {
        await using var ctx = Create(_feed, _backend);
        var page = RenderWeb(ctx);
        page.WaitForAssertion(() => Assert.Equal(3, RevisionCells(page).Count), Patience);

        _feed.Delete(Deployment("web"));

        page.WaitForAssertion(() => Assert.Contains("Deployment default/web does not exist (any more).", page.Markup), Patience);
    }

    private static IRenderedComponent<DeploymentDetail> RenderWeb(BunitContext ctx) =>
        ctx.Render<DeploymentDetail>(p => p.Add(d => d.Namespace, "default").Add(d => d.Name, "web"));

    private static List<string> RevisionCells(IRenderedComponent<DeploymentDetail> page) =>
        page.FindAll("#revisions tbody tr").Select(tr => string.Join(" ", tr.QuerySelector("td")!.TextContent.Split(' ', StringSplitOptions.RemoveEmptyEntries))).ToList();
}
