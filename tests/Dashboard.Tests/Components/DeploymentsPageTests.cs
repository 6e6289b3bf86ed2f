using System.Text.Json.Nodes;
using Bunit;
using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Dashboard.Components.Pages;
using OrleansOrchestrator.Dashboard.ServiceClient;
using OrleansOrchestrator.Dashboard.Tests.Fakes;
using static OrleansOrchestrator.Dashboard.Tests.Components.DashboardTestContext;
using static OrleansOrchestrator.Dashboard.Tests.TestObjects;

namespace OrleansOrchestrator.Dashboard.Tests.Components;

public sealed class DeploymentsPageTests
{
    private readonly FakeClusterFeed _feed = new FakeClusterFeed().With(ResourceKinds.Deployment, Deployment("web", replicas: 3));
    private readonly FakeClusterBackend _backend = new();

    [Fact]
    public async Task List_BeforeTheFirstSnapshot_LooksEmptyButIsMarkedNotLoaded()
    {
        var feed = new FakeClusterFeed().With(ResourceKinds.Deployment, Deployment("web", replicas: 3)).Hold();
        await using var ctx = Create(feed, _backend);
        var page = ctx.Render<Deployments>();

        // What a browser shows while the feed is still answering: an empty list, which only the marker tells from "none".
        Assert.Equal("false", page.Find("#deployments-grid").GetAttribute("data-loaded"));
        Assert.Contains("No deployments", page.Find("#deployments-grid").TextContent);

        feed.Release();
        page.WaitForAssertion(() => Assert.Equal("true", page.Find("#deployments-grid").GetAttribute("data-loaded")), Patience);
        Assert.Equal("web", page.Find(".deployment-name").TextContent.Trim());
    }

    [Fact]
    public async Task ScaleUp_Click_SendsMergePatchWithOneMoreReplica()
    {
        await using var ctx = Create(_feed, _backend);
        var page = ctx.Render<Deployments>();
        page.WaitForElement(".scale-up", Patience);

        await page.Find(".scale-up").ClickAsync(new());

        page.WaitForAssertion(() => Assert.Single(_backend.Calls), Patience);
        var call = _backend.Calls[0];
        Assert.Equal(("patch", ResourceKinds.Deployment, "default", "web", PatchKind.Merge), (call.Verb, call.Kind, call.Namespace, call.Name, call.PatchKind));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"spec":{"replicas":4}}"""), call.Body), call.Body?.ToJsonString());
    }

    [Fact]
    public async Task ScaleDown_Click_SendsMergePatchWithOneFewerReplica()
    {
        await using var ctx = Create(_feed, _backend);
        var page = ctx.Render<Deployments>();
        page.WaitForElement(".scale-down", Patience);

        await page.Find(".scale-down").ClickAsync(new());

        page.WaitForAssertion(() => Assert.Equal(2, (int?)Assert.Single(_backend.Calls).Body?["spec"]?["replicas"]), Patience);
    }

    [Theory]
    [InlineData(403, "deployments.apps \"web\" is forbidden: User \"alice\" cannot patch resource \"deployments/scale\"")]
    [InlineData(422, "Deployment.apps \"web\" is invalid: spec.replicas: Invalid value: 4: exceeds the namespace's quota")]
    public async Task ScaleUp_BackendRefuses_RefusalShownToTheUser(int code, string message)
    {
        _backend.Refusal = new ActionFailedException(code, message);
        await using var ctx = Create(_feed, _backend);
        var (snackbars, _) = ctx.RenderProviders();
        var page = ctx.Render<Deployments>();
        page.WaitForElement(".scale-up", Patience);

        await page.Find(".scale-up").ClickAsync(new());

        snackbars.WaitForAssertion(() => Assert.Contains(message, snackbars.Find(".mud-snackbar").TextContent), Patience);
        Assert.DoesNotContain("scaled to", snackbars.Markup);
    }

    [Fact]
    public async Task ScaleUp_BackendAccepts_SuccessShown()
    {
        await using var ctx = Create(_feed, _backend);
        var (snackbars, _) = ctx.RenderProviders();
        var page = ctx.Render<Deployments>();
        page.WaitForElement(".scale-up", Patience);

        await page.Find(".scale-up").ClickAsync(new());

        snackbars.WaitForAssertion(() => Assert.Contains("web scaled to 4", snackbars.Markup), Patience);
    }

    [Fact]
    public async Task Render_ReadOnlyUser_NoScaleControlButTheCount()
    {
        await using var ctx = Create(_feed, _backend, FakeClusterBackend.ReadOnlyGroup);

        var page = ctx.Render<Deployments>();

        page.WaitForElement(".deployment-name", Patience);
        Assert.Empty(page.FindAll(".scale-control"));
        Assert.Empty(page.FindAll(".scale-up"));
        Assert.Contains(page.FindAll("td"), td => td.TextContent.Trim() == "3");
    }

    /// <summary>A user bound to edit in "dev" only: each row's scale control follows the API's answer for the row's namespace.</summary>
    [Fact]
    public async Task ScaleControl_ShownOnlyOnRowsOfNamespacesWhereThePatchWouldBeAccepted()
    {
        var feed = new FakeClusterFeed().With(ResourceKinds.Deployment, Deployment("api", "dev"), Deployment("web", "prod"));
        var asked = new List<string?>();
        _backend.Authorize = (_, verb, _, ns) =>
        {
            lock (asked) asked.Add(ns);
            return verb is "get" or "list" or "watch" || ns == "dev";
        };
        await using var ctx = Create(feed, _backend);

        var page = ctx.Render<Deployments>();

        page.WaitForAssertion(() => Assert.Single(page.FindAll(".scale-up")), Patience);
        var rows = page.FindAll("tr").Where(r => r.QuerySelector(".deployment-name") is not null).ToList();
        Assert.Equal(["api", "web"], rows.Select(r => r.QuerySelector(".deployment-name")!.TextContent.Trim()));
        Assert.NotNull(rows[0].QuerySelector(".scale-up"));
        Assert.Null(rows[1].QuerySelector(".scale-up"));
        // Each namespace is asked once, however often the rows render.
        lock (asked) Assert.Equal(["dev", "prod"], asked.Where(ns => ns is not null).Order());
    }

    /// <summary>A decision that must first read a namespace's roles does not hold up the page: the control appears when it comes.</summary>
    [Fact]
    public async Task ScaleControl_WhileTheDecisionIsPending_PageRendersWithoutIt_ThenShowsIt()
    {
        var decisions = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _backend.DecisionsWait = decisions.Task;
        await using var ctx = Create(_feed, _backend);

        var page = ctx.Render<Deployments>();

        page.WaitForElement(".deployment-name", Patience);
        Assert.Empty(page.FindAll(".scale-up"));
        decisions.SetResult();
        page.WaitForElement(".scale-up", Patience);
    }

    [Fact]
    public async Task Feed_DeploymentScaledElsewhere_ShownCountAndHealthFollow()
    {
        await using var ctx = Create(_feed, _backend);
        var page = ctx.Render<Deployments>();
        page.WaitForAssertion(() => Assert.Equal("Healthy", page.Find("[data-status]").GetAttribute("data-status")), Patience);

        _feed.Upsert(Deployment("web", replicas: 5, updated: 3, available: 3, generation: 2, observedGeneration: 2));

        page.WaitForAssertion(() => Assert.Equal("Progressing", page.Find("[data-status]").GetAttribute("data-status")), Patience);
    }
}
