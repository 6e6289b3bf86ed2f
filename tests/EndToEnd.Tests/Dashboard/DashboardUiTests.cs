using System.Text.Json.Nodes;
using Microsoft.Playwright;
using OrleansOrchestrator.EndToEnd.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace OrleansOrchestrator.EndToEnd.Tests.Dashboard;

/// <summary>
/// The live dashboard in Chromium against a real silo with simulated nodes (the UI is the unit under test;
/// the container engine is outside it): what a platform team does with it, click by click, and what each
/// user may see.
/// </summary>
public sealed class DashboardUiTests(DashboardBrowser browser) : IClassFixture<DashboardBrowser>, IAsyncLifetime
{
    private readonly SiloProcess _silo = new(extraArgs: ["--simulated-nodes", "3"]);

    public async Task InitializeAsync()
    {
        TokenFiles.WriteUsers(_silo);
        await _silo.Start();
    }

    public async Task DisposeAsync() => await _silo.DisposeAsync();

    private Kubectl Kubectl => new("1.32", _silo.KubeconfigPath);

    /// <summary>With requests, so that the nodes page's allocation bars (and the screenshots) show them; the container named as the Deployment, for <c>set image</c>.</summary>
    private static string Deployment(string name, int replicas, string image) =>
        Manifests.Deployment(name, replicas, image, container: name, cpu: "50m", memory: "32Mi");

    /// <summary>A marker in the page's JavaScript state: still there means the page was never reloaded.</summary>
    private static Task MarkDocument(IPage page) => page.EvaluateAsync("() => { window.__sameDocument = true; }");

    private static async Task AssertSameDocument(IPage page) =>
        Assert.True(await page.EvaluateAsync<bool>("() => window.__sameDocument === true"), "the page was reloaded");

    /// <summary>
    /// A list once the feed's first snapshot is on it. Before that every list is empty and says so: an assertion that
    /// a list is empty means something only on the loaded one.
    /// </summary>
    private static ILocator LoadedList(IPage page, string id) => page.Locator($"#{id}[data-loaded=true]");

    /// <summary>Answers the confirmation dialog an action opens.</summary>
    private static Task Confirm(IPage page, string button) =>
        page.Locator(".mud-dialog").GetByRole(AriaRole.Button, new() { Name = button, Exact = true }).ClickAsync();

    [Fact]
    public async Task Dashboard_ApplyScaleUpdateRollBack_EachChangeShowsLiveWithoutReload()
    {
        var page = await browser.SignIn(_silo.DashboardPort, TokenFiles.Admin);
        await Expect(page.Locator("#signed-in-user")).ToContainTextAsync("alice");
        await Expect(page.Locator("#overview-nodes")).ToContainTextAsync("3 / 3");

        // Create from YAML: the API's validation error is shown inline and nothing is created.
        await page.GetByText("Create from YAML").ClickAsync();
        var editor = page.Locator("textarea").First;
        await editor.FillAsync(Deployment("web", -1, "example/web:1"));
        await page.ClickAsync("#apply-save");
        await Expect(page.Locator("#apply-error")).ToContainTextAsync("spec.replicas");
        await DashboardBrowser.Screenshot(page, "create-from-yaml-invalid");
        Assert.Contains("NotFound", (await Kubectl.Run("get deployment web")).All);

        await editor.FillAsync(Deployment("web", 2, "example/web:1"));
        await page.ClickAsync("#apply-save");
        await Expect(page.Locator("#deployment-counts")).ToContainTextAsync("ready 2");
        await MarkDocument(page);

        // Click-to-scale: the desired count changes at once, then the pods follow.
        await page.Locator(".scale-value input").FillAsync("5");
        await page.Locator(".scale-value input").PressAsync("Enter");
        await Expect(page.Locator("#deployment-counts")).ToContainTextAsync("desired 5");
        await Expect(page.Locator("#deployment-counts")).ToContainTextAsync("ready 5");
        await page.ClickAsync(".scale-up");
        await Expect(page.Locator("#deployment-counts")).ToContainTextAsync("ready 6");
        await page.ClickAsync(".scale-down");
        await Expect(page.Locator("#deployment-counts")).ToContainTextAsync("desired 5");
        Assert.Equal("5", (await Kubectl.Ok("get deployment web -o jsonpath={.spec.replicas}")).Trim());
        await AssertSameDocument(page);

        // A new image from kubectl: the rollout shows up as revision 2 taking over.
        await Kubectl.Ok("set image deployment/web web=example/web:2");
        var revisions = page.Locator("#revisions");
        await Expect(revisions).ToContainTextAsync("2 (current)");
        await Expect(page.Locator("#deployment-counts")).ToContainTextAsync("up-to-date 5 · ready 5 · available 5");
        await Expect(page.Locator("#deployment-counts")).ToContainTextAsync("example/web:2");
        Assert.True(await page.Locator(".rollout-chart rect[fill='#594ae2']").CountAsync() > 0, "revision 2 drawn in the rollout chart");
        await DashboardBrowser.Screenshot(page, "deployment-rollout");

        // Roll back with a click (and a confirmation), as kubectl rollout undo --to-revision=1 would.
        await page.ClickAsync(".rollback[data-revision='1']");
        await Confirm(page, "Roll back");
        await Expect(page.Locator("#deployment-counts")).ToContainTextAsync("example/web:1");
        await Expect(revisions).ToContainTextAsync("3 (current)");
        await Expect(page.Locator("#deployment-counts")).ToContainTextAsync("up-to-date 5 · ready 5 · available 5");
        Assert.Equal("example/web:1", (await Kubectl.Ok("get deployment web -o jsonpath={.spec.template.spec.containers[0].image}")).Trim());
        await AssertSameDocument(page);

        // Pause and resume are shown as the Deployment's state.
        await page.ClickAsync("#pause");
        await Expect(page.Locator("#resume")).ToBeVisibleAsync();
        Assert.Equal("true", (await Kubectl.Ok("get deployment web -o jsonpath={.spec.paused}")).Trim());
        await page.ClickAsync("#resume");
        await Expect(page.Locator("#pause")).ToBeVisibleAsync();

        // Restart rolls every pod onto a new revision of the same template (kubectl rollout restart).
        await page.ClickAsync("#restart");
        await Expect(revisions).ToContainTextAsync("4 (current)");
        await Expect(page.Locator("#deployment-counts")).ToContainTextAsync("up-to-date 5 · ready 5 · available 5");

        // Edit the YAML: the object is replaced through the API, and the page follows.
        // The edit carries the resourceVersion it loaded: if a controller's status write lands in between, the
        // API answers 409 and the page says so (nothing is overwritten) — then the user loads it again.
        await page.GetByRole(AriaRole.Tab, new() { Name = "YAML" }).ClickAsync();
        await page.ClickAsync(".edit-yaml");
        var editUrl = page.Url;
        for (var attempt = 1; ; attempt++)
        {
            var yaml = page.Locator("textarea").First;
            await Expect(yaml).ToHaveValueAsync(new System.Text.RegularExpressions.Regex("replicas: 5"));
            await yaml.FillAsync((await yaml.InputValueAsync()).Replace("replicas: 5", "replicas: 4", StringComparison.Ordinal));
            await DashboardBrowser.Screenshot(page, "edit-yaml");
            await page.ClickAsync("#apply-save");
            var outcome = page.Locator("#deployment-counts, #apply-error");
            await outcome.First.WaitForAsync();
            if (await page.Locator("#deployment-counts").CountAsync() > 0) break;
            Assert.True(attempt < 3, await page.Locator("#apply-error").TextContentAsync());
            Assert.Contains("modified", await page.Locator("#apply-error").TextContentAsync());
            await page.GotoAsync(editUrl);
            await DashboardBrowser.WaitInteractive(page);
            await MarkDocument(page); // reloaded on purpose, as the user would
        }
        await Expect(page.Locator("#deployment-counts")).ToContainTextAsync("desired 4 · up-to-date 4 · ready 4");
        Assert.Equal("4", (await Kubectl.Ok("get deployment web -o jsonpath={.spec.replicas}")).Trim());

        await Kubectl.Ok("create service clusterip web --tcp=80:8080");
        foreach (var (link, shot, expected) in new[]
                 {
                     ("Pods", "pods", "web-"), ("Deployments", "deployments", "web"), ("Nodes", "nodes", "sim-"),
                     ("Services", "services", "80/TCP"), ("Events", "events", "ScalingReplicaSet"), ("Overview", "overview", "Running 4"),
                 })
        {
            await page.Locator(".mud-nav-link", new() { HasText = link }).ClickAsync();
            await Expect(page.Locator(".mud-main-content")).ToContainTextAsync(expected);
            await DashboardBrowser.Screenshot(page, shot);
        }
        await AssertSameDocument(page);
    }

    [Fact]
    public async Task Dashboard_PodsPage_NewPodsAndDeletionsAppearLive()
    {
        var page = await browser.SignIn(_silo.DashboardPort, TokenFiles.Admin, "/pods");
        await MarkDocument(page);
        await Kubectl.Ok("apply -f -", Deployment("live", 3, "example/live:1"));
        var rows = page.Locator("#pods-grid .pod-name", new() { HasText = "live-" });
        await Expect(rows).ToHaveCountAsync(3);
        await Expect(page.Locator("#pods-grid")).ToContainTextAsync("Running");

        // Filter by label, then delete one pod with a click: its ReplicaSet replaces it.
        await page.Locator("#pods-selector").FillAsync("app=live");
        var first = (await rows.First.TextContentAsync())!.Trim();
        await page.Locator("#pods-grid tr", new() { HasText = first }).Locator(".delete-pod").ClickAsync();
        await Confirm(page, "Delete");
        await Expect(page.Locator("#pods-grid .pod-name", new() { HasText = first })).ToHaveCountAsync(0);
        await Expect(rows).ToHaveCountAsync(3);
        await AssertSameDocument(page);

        // The pod's own page: containers and events.
        await rows.First.ClickAsync();
        await Expect(page.Locator(".mud-main-content")).ToContainTextAsync("example/live:1");
        await page.GetByRole(AriaRole.Tab, new() { Name = "Events" }).ClickAsync();
        await Expect(page.Locator(".mud-main-content")).ToContainTextAsync("Scheduled");
        await DashboardBrowser.Screenshot(page, "pod-detail");
    }

    [Fact]
    public async Task Dashboard_OtherTenantAndViewer_SeeOnlyWhatTheyMay()
    {
        await Kubectl.Ok("apply -f -", Deployment("private", 2, "example/private:1"));
        await Eventually.True(async () => (await Kubectl.Ok("get deployment private -o jsonpath={.status.readyReplicas}")).Trim() == "2", "private ready");

        // Another tenant: nothing of tenant default, no nodes (shared infrastructure is for administrators).
        var bob = await browser.SignIn(_silo.DashboardPort, TokenFiles.OtherTenant, "/deployments");
        await Expect(bob.Locator("#signed-in-user")).ToContainTextAsync("team-b");
        await Expect(LoadedList(bob, "deployments-grid")).ToContainTextAsync("No deployments");
        await Expect(bob.Locator(".mud-nav-link", new() { HasText = "Nodes" })).ToHaveCountAsync(0);
        await bob.GotoAsync($"http://127.0.0.1:{_silo.DashboardPort}/deployments/default/private");
        await DashboardBrowser.WaitInteractive(bob);
        await Expect(bob.Locator(".mud-main-content")).ToContainTextAsync("does not exist");
        await bob.GotoAsync($"http://127.0.0.1:{_silo.DashboardPort}/pods");
        await DashboardBrowser.WaitInteractive(bob);
        await Expect(LoadedList(bob, "pods-grid")).ToContainTextAsync("No pods");
        await bob.GotoAsync($"http://127.0.0.1:{_silo.DashboardPort}/nodes");
        await DashboardBrowser.WaitInteractive(bob);
        await Expect(bob.Locator(".mud-main-content")).ToContainTextAsync("forbidden");

        // A read-only user of the same tenant: sees it all, is offered no action.
        var victor = await browser.SignIn(_silo.DashboardPort, TokenFiles.Viewer, "/deployments/default/private");
        await Expect(victor.Locator("#deployment-counts")).ToContainTextAsync("ready 2");
        await Expect(victor.Locator(".scale-up")).ToHaveCountAsync(0);
        await Expect(victor.Locator("#pause")).ToHaveCountAsync(0);
        await Expect(victor.Locator("#restart")).ToHaveCountAsync(0);
        await Expect(victor.Locator(".mud-nav-link", new() { HasText = "Create from YAML" })).ToHaveCountAsync(0);

        // Signing out ends the session: the next page asks for a token again.
        await victor.ClickAsync("#sign-out");
        await Expect(victor.Locator("#token")).ToBeVisibleAsync();
        await victor.GotoAsync($"http://127.0.0.1:{_silo.DashboardPort}/deployments");
        await Expect(victor.Locator("#token")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task Dashboard_WrongToken_IsRefusedWithAMessage()
    {
        var context = await browser.SignInPage(_silo.DashboardPort);
        await context.FillAsync("#token", "not-a-token-of-this-cluster");
        await context.ClickAsync("#sign-in");
        await Expect(context.Locator(".sign-in-error")).ToContainTextAsync("not known");
        await DashboardBrowser.Screenshot(context, "sign-in");
    }

    [Fact]
    public async Task DashboardOnlyProcess_AsOrleansClient_ShowsAndChangesTheCluster()
    {
        await Kubectl.Ok("apply -f -", Deployment("remote", 1, "example/remote:1"));
        await using var dashboard = SiloProcess.DashboardOnly(_silo);
        await dashboard.Start();
        var page = await browser.SignIn(dashboard.DashboardPort, TokenFiles.Admin, "/deployments/default/remote");
        await Expect(page.Locator("#deployment-counts")).ToContainTextAsync("ready 1");
        await page.ClickAsync(".scale-up");
        await Expect(page.Locator("#deployment-counts")).ToContainTextAsync("ready 2");
        Assert.Equal("2", (await Kubectl.Ok("get deployment remote -o jsonpath={.spec.replicas}")).Trim());
    }
}
