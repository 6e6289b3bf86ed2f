using Bunit;
using Microsoft.Extensions.DependencyInjection;
using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Dashboard.Components.Pages;
using OrleansOrchestrator.Dashboard.ServiceClient;
using OrleansOrchestrator.Dashboard.Tests.Fakes;
using static OrleansOrchestrator.Dashboard.Tests.Components.DashboardTestContext;
using static OrleansOrchestrator.Dashboard.Tests.TestObjects;

namespace OrleansOrchestrator.Dashboard.Tests.Components;

public sealed class PodsPageTests
{
    private readonly FakeClusterFeed _feed = new FakeClusterFeed().With(ResourceKinds.Pod,
        Pod("web-1", labels: new Dictionary<string, string> { ["app"] = "web" }),
        Pod("db-1", phase: "Pending", labels: new Dictionary<string, string> { ["app"] = "db" }, node: null));

    [Fact]
    public async Task Render_Snapshot_RowsWithStatusChips()
    {
        await using var ctx = Create(_feed, new FakeClusterBackend());

        var page = ctx.Render<Pods>();

        page.WaitForAssertion(() => Assert.Equal(["db-1", "web-1"], PodNames(page)), Patience);
        Assert.Equal("(2)", page.Find("#pods-count").TextContent);
        var chips = page.FindAll("[data-status]").Select(c => (c.GetAttribute("data-status"), Tone(c))).ToList();
        Assert.Equal([("Pending", "info"), ("Running", "success")], chips);
    }

    [Fact]
    public async Task Feed_PodAdded_AppearsWithoutRenderingAgain()
    {
        await using var ctx = Create(_feed, new FakeClusterBackend());
        var page = ctx.Render<Pods>();
        page.WaitForAssertion(() => Assert.Equal(2, PodNames(page).Count), Patience);

        _feed.Upsert(Pod("web-2", phase: "Failed"));

        page.WaitForAssertion(() => Assert.Equal(["db-1", "web-1", "web-2"], PodNames(page)), Patience);
        Assert.Equal("(3)", page.Find("#pods-count").TextContent);
    }

    [Fact]
    public async Task Feed_PodDeleted_Disappears()
    {
        await using var ctx = Create(_feed, new FakeClusterBackend());
        var page = ctx.Render<Pods>();
        page.WaitForAssertion(() => Assert.Equal(2, PodNames(page).Count), Patience);

        _feed.Delete(Pod("db-1"));

        page.WaitForAssertion(() => Assert.Equal(["web-1"], PodNames(page)), Patience);
    }

    [Fact]
    public async Task Search_Text_KeepsMatchingRows()
    {
        await using var ctx = Create(_feed, new FakeClusterBackend());
        var page = ctx.Render<Pods>();
        page.WaitForAssertion(() => Assert.Equal(2, PodNames(page).Count), Patience);

        page.Find("#pods-search").Input("pend");

        page.WaitForAssertion(() => Assert.Equal(["db-1"], PodNames(page)), Patience);
    }

    [Fact]
    public async Task LabelSelector_Valid_KeepsMatchingRows()
    {
        await using var ctx = Create(_feed, new FakeClusterBackend());
        var page = ctx.Render<Pods>();
        page.WaitForAssertion(() => Assert.Equal(2, PodNames(page).Count), Patience);

        page.Find("#pods-selector").Input("app=web");

        page.WaitForAssertion(() => Assert.Equal(["web-1"], PodNames(page)), Patience);
    }

    [Fact]
    public async Task LabelSelector_Invalid_ShowsWhyAndKeepsEveryRow()
    {
        await using var ctx = Create(_feed, new FakeClusterBackend());
        var page = ctx.Render<Pods>();
        page.WaitForAssertion(() => Assert.Equal(2, PodNames(page).Count), Patience);

        page.Find("#pods-selector").Input("app=(web");

        page.WaitForAssertion(() => Assert.Contains("unable to parse requirement", page.Markup), Patience);
        Assert.Equal(2, PodNames(page).Count);
    }

    [Fact]
    public async Task NamespaceSelection_Picked_KeepsOnlyItsPods()
    {
        _feed.With(ResourceKinds.Pod, Pod("web-1"), Pod("web-1", ns: "staging"), Pod("api-1", ns: "staging"));
        await using var ctx = Create(_feed, new FakeClusterBackend());
        var page = ctx.Render<Pods>();
        page.WaitForAssertion(() => Assert.Equal(3, PodNames(page).Count), Patience);

        await page.InvokeAsync(() => ctx.Services.GetRequiredService<NamespaceSelection>().Select("staging"));

        page.WaitForAssertion(() => Assert.Equal(["api-1", "web-1"], PodNames(page)), Patience);
        Assert.All(page.FindAll(".pod-name"), a => Assert.StartsWith("/pods/staging/", a.GetAttribute("href")));
    }

    [Fact]
    public async Task Delete_Confirmed_DeletesThroughTheBackend()
    {
        var backend = new FakeClusterBackend();
        await using var ctx = Create(_feed, backend);
        var (snackbars, dialogs) = ctx.RenderProviders();
        var page = ctx.Render<Pods>();
        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll(".delete-pod").Count), Patience);

        await dialogs.AnswerMessageBoxAsync(page.FindAll(".delete-pod")[1], "Delete pod default/web-1?", "Delete"); // rows are sorted: db-1, web-1

        var call = Assert.Single(backend.Calls);
        Assert.Equal(("delete", ResourceKinds.Pod, "default", "web-1"), (call.Verb, call.Kind, call.Namespace, call.Name));
        snackbars.WaitForAssertion(() => Assert.Contains("Pod web-1 deleted", snackbars.Markup), Patience);
    }

    [Fact]
    public async Task Render_ReadOnlyUser_NoDeleteButtons()
    {
        await using var ctx = Create(_feed, new FakeClusterBackend(), FakeClusterBackend.ReadOnlyGroup);

        var page = ctx.Render<Pods>();

        page.WaitForAssertion(() => Assert.Equal(2, PodNames(page).Count), Patience);
        Assert.Empty(page.FindAll(".delete-pod"));
    }

    private static List<string> PodNames(IRenderedComponent<Pods> page) => page.FindAll(".pod-name").Select(a => a.TextContent.Trim()).ToList();

    private static string? Tone(AngleSharp.Dom.IElement chip) =>
        chip.ClassList.FirstOrDefault(c => c.StartsWith("mud-chip-color-", StringComparison.Ordinal))?["mud-chip-color-".Length..];
}
