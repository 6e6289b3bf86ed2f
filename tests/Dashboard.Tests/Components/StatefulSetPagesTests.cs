using System.Text.Json.Nodes;
using Bunit;
using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Dashboard.Components.Pages;
using OrleansOrchestrator.Dashboard.ServiceClient;
using OrleansOrchestrator.Dashboard.Tests.Fakes;
using static OrleansOrchestrator.Dashboard.Tests.Components.DashboardTestContext;
using static OrleansOrchestrator.Dashboard.Tests.TestObjects;
using static OrleansOrchestrator.Dashboard.Tests.WorkloadObjects;

namespace OrleansOrchestrator.Dashboard.Tests.Components;

public sealed class StatefulSetsPageTests
{
    private readonly FakeClusterFeed _feed = new FakeClusterFeed().With(ResourceKinds.StatefulSet,
        StatefulSet("db", replicas: 3, ready: 2), StatefulSet("cache", ns: "prod", replicas: 1, ready: 1, image: "redis:7"));
    private readonly FakeClusterBackend _backend = new();

    [Fact]
    public async Task List_ReadyOfDesiredServiceAndImages()
    {
        await using var ctx = Create(_feed, _backend);

        var page = ctx.Render<StatefulSets>();

        page.WaitForAssertion(() => Assert.Equal(["db", "cache"], Names(page)), Patience);
        Assert.Equal("true", page.Find("#statefulsets-grid").GetAttribute("data-loaded"));
        Assert.Equal(["2/3", "1/1"], page.FindAll(".statefulset-ready [data-status]").Select(e => e.GetAttribute("data-status")));
        Assert.Contains("redis:7", page.Markup);
    }

    [Fact]
    public async Task Search_NarrowsTheListToMatchingRows()
    {
        await using var ctx = Create(_feed, _backend);
        var page = ctx.Render<StatefulSets>();
        page.WaitForAssertion(() => Assert.Equal(2, Names(page).Count), Patience);

        page.Find(".list-search input").Input("REDIS");

        page.WaitForAssertion(() => Assert.Equal(["cache"], Names(page)), Patience);
    }

    [Fact]
    public async Task ScaleUp_Click_SendsKubectlScaleMergePatchToTheStatefulSet()
    {
        await using var ctx = Create(new FakeClusterFeed().With(ResourceKinds.StatefulSet, StatefulSet("db", replicas: 3)), _backend);
        var page = ctx.Render<StatefulSets>();
        page.WaitForElement(".scale-up", Patience);

        await page.Find(".scale-up").ClickAsync(new());

        page.WaitForAssertion(() => Assert.Single(_backend.Calls), Patience);
        var call = _backend.Calls[0];
        Assert.Equal(("patch", ResourceKinds.StatefulSet, "default", "db", PatchKind.Merge), (call.Verb, call.Kind, call.Namespace, call.Name, call.PatchKind));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"spec":{"replicas":4}}"""), call.Body), call.Body?.ToJsonString());
    }

    [Fact]
    public async Task Render_ReadOnlyUser_NoScaleControl()
    {
        await using var ctx = Create(_feed, _backend, FakeClusterBackend.ReadOnlyGroup);

        var page = ctx.Render<StatefulSets>();

        page.WaitForAssertion(() => Assert.Equal(2, Names(page).Count), Patience);
        Assert.Empty(page.FindAll(".scale-control"));
    }

    [Fact]
    public async Task Feed_PodBecomesReady_CountFollows()
    {
        await using var ctx = Create(_feed, _backend);
        var page = ctx.Render<StatefulSets>();
        page.WaitForAssertion(() => Assert.Contains("2/3", ReadyTexts(page)), Patience);

        _feed.Upsert(StatefulSet("db", replicas: 3, ready: 3, resourceVersion: "2"));

        page.WaitForAssertion(() => Assert.Equal(["3/3", "1/1"], ReadyTexts(page)), Patience);
    }

    private static List<string> Names(IRenderedComponent<StatefulSets> page) => page.FindAll(".statefulset-name").Select(e => e.TextContent.Trim()).ToList();

    private static List<string?> ReadyTexts(IRenderedComponent<StatefulSets> page) =>
        page.FindAll(".statefulset-ready [data-status]").Select(e => e.GetAttribute("data-status")).ToList();
}

public sealed class StatefulSetDetailPageTests
{
    private readonly FakeClusterBackend _backend = new();
    private readonly FakeClusterFeed _feed = new FakeClusterFeed()
        .With(ResourceKinds.StatefulSet, StatefulSet("db", replicas: 2, claimTemplates: ["data"], updateRevision: "db-bbb"))
        .With(ResourceKinds.Pod,
            PodWithClaims("db-0", ["data-db-0"], owner: ControlledBy("StatefulSet", "db")),
            PodWithClaims("db-1", ["data-db-1"], owner: ControlledBy("StatefulSet", "db"), phase: "Pending"))
        .With(ResourceKinds.PersistentVolumeClaim, Claim("data-db-0", volume: "pvc-aaa", capacity: "2Gi"), Claim("data-db-1", phase: "Pending", volume: null))
        .With(ResourceKinds.ControllerRevision, Revision("StatefulSet", "db", 1, "aaa", "mysql:7"), Revision("StatefulSet", "db", 2, "bbb", "mysql:8"))
        .With(ResourceKinds.Event, Event("e1", "StatefulSet", "db", "SuccessfulCreate", "create Pod db-1 in StatefulSet db successful", Created));

    [Fact]
    public async Task Pods_ByOrdinalWithTheirClaimsAndVolumes()
    {
        await using var ctx = Create(_feed, _backend);

        var page = RenderDb(ctx);

        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("#ordinals tbody tr").Count), Patience);
        var claim0 = page.Find(".ordinal-claim[data-claim='data-db-0']");
        Assert.Contains("Bound", claim0.TextContent);
        Assert.Equal("pvc-aaa", claim0.QuerySelector(".claim-volume")!.TextContent.Trim());
        Assert.Contains("2Gi", claim0.TextContent);
        var claim1 = page.Find(".ordinal-claim[data-claim='data-db-1']");
        Assert.Contains("Pending", claim1.TextContent);
        Assert.Null(claim1.QuerySelector(".claim-volume"));
    }

    [Fact]
    public async Task Feed_ClaimBound_VolumeAppears()
    {
        await using var ctx = Create(_feed, _backend);
        var page = RenderDb(ctx);
        page.WaitForElement(".ordinal-claim[data-claim='data-db-1']", Patience);

        _feed.Upsert(Claim("data-db-1", volume: "pvc-bbb"));

        page.WaitForAssertion(() => Assert.Equal("pvc-bbb", page.Find(".ordinal-claim[data-claim='data-db-1'] .claim-volume").TextContent.Trim()), Patience);
    }

    [Fact]
    public async Task RollBack_Confirmed_SendsTheRevisionsDataAsStrategicMergePatch()
    {
        await using var ctx = Create(_feed, _backend);
        var (snackbars, dialogs) = ctx.RenderProviders();
        var page = RenderDb(ctx);
        await page.OpenTabAsync("Revisions");
        page.WaitForElement(".rollback[data-revision='1']", Patience);
        Assert.Single(page.FindAll(".rollback"));

        await dialogs.AnswerMessageBoxAsync(page.Find(".rollback[data-revision='1']"), "Roll db back to revision 1 (mysql:7)?", "Roll back");

        page.WaitForAssertion(() => Assert.Single(_backend.Calls), Patience);
        var call = _backend.Calls[0];
        Assert.Equal(("patch", ResourceKinds.StatefulSet, "db", PatchKind.StrategicMerge), (call.Verb, call.Kind, call.Name, call.PatchKind));
        Assert.Equal("replace", (string?)call.Body!["spec"]!["template"]!["$patch"]);
        Assert.Equal("mysql:7", (string?)call.Body!["spec"]!["template"]!["spec"]!["containers"]![0]!["image"]);
        snackbars.WaitForAssertion(() => Assert.Contains("db rolling back to revision 1", snackbars.Markup), Patience);
    }

    [Fact]
    public async Task Restart_Click_SetsKubectlsRestartedAtOnTheTemplate()
    {
        await using var ctx = Create(_feed, _backend);
        var page = RenderDb(ctx);
        page.WaitForElement("#restart", Patience);

        await page.Find("#restart").ClickAsync(new());

        page.WaitForAssertion(() => Assert.Single(_backend.Calls), Patience);
        var call = _backend.Calls[0];
        Assert.Equal((ResourceKinds.StatefulSet, PatchKind.Merge), (call.Kind, call.PatchKind));
        Assert.NotNull(call.Body!["spec"]!["template"]!["metadata"]!["annotations"]!["kubectl.kubernetes.io/restartedAt"]);
    }

    [Fact]
    public async Task Delete_Confirmed_DeletesTheStatefulSet()
    {
        await using var ctx = Create(_feed, _backend);
        var (_, dialogs) = ctx.RenderProviders();
        var page = RenderDb(ctx);
        page.WaitForElement("#delete", Patience);

        await dialogs.AnswerMessageBoxAsync(page.Find("#delete"), "Delete statefulset default/db?", "Delete");

        page.WaitForAssertion(() => Assert.Equal(("delete", ResourceKinds.StatefulSet, "default", "db"),
            Assert.Single(_backend.Calls) is var c ? (c.Verb, c.Kind, c.Namespace, c.Name) : default), Patience);
    }

    [Fact]
    public async Task Scale_Refused_RefusalShown()
    {
        _backend.Refusal = new ActionFailedException(422, "StatefulSet.apps \"db\" is invalid: spec.replicas: Invalid value: -1");
        await using var ctx = Create(_feed, _backend);
        var (snackbars, _) = ctx.RenderProviders();
        var page = RenderDb(ctx);
        page.WaitForElement(".scale-up", Patience);

        await page.Find(".scale-up").ClickAsync(new());

        snackbars.WaitForAssertion(() => Assert.Contains("spec.replicas: Invalid value", snackbars.Markup), Patience);
    }

    [Fact]
    public async Task Render_ReadOnlyUser_NoActions()
    {
        await using var ctx = Create(_feed, _backend, FakeClusterBackend.ReadOnlyGroup);

        var page = RenderDb(ctx);

        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("#ordinals tbody tr").Count), Patience);
        Assert.Empty(page.FindAll(".scale-control"));
        Assert.Empty(page.FindAll("#restart"));
        Assert.Empty(page.FindAll("#delete"));
        await page.OpenTabAsync("Revisions");
        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("#revisions tbody tr").Count), Patience);
        Assert.Empty(page.FindAll(".rollback"));
    }

    [Fact]
    public async Task Feed_Deleted_SaysItIsGone()
    {
        await using var ctx = Create(_feed, _backend);
        var page = RenderDb(ctx);
        page.WaitForElement("#ordinals", Patience);

        _feed.Delete(StatefulSet("db"));

        page.WaitForAssertion(() => Assert.Contains("StatefulSet default/db does not exist (any more).", page.Markup), Patience);
    }

    private static IRenderedComponent<StatefulSetDetail> RenderDb(BunitContext ctx) =>
        ctx.Render<StatefulSetDetail>(p => p.Add(d => d.Namespace, "default").Add(d => d.Name, "db"));
}
