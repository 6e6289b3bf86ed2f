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
