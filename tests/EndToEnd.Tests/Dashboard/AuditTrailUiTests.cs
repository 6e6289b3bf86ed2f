using Microsoft.Playwright;
using OrleansOrchestrator.EndToEnd.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace OrleansOrchestrator.EndToEnd.Tests.Dashboard;

/// <summary>
/// The dashboard's Audit trail page in Chromium: the signed-in user's tenant's requests — kubectl's and the
/// dashboard's own — with their codes, and nothing of another tenant.
/// </summary>
public sealed class AuditTrailUiTests(DashboardBrowser browser) : IClassFixture<DashboardBrowser>, IAsyncLifetime
{
    private readonly SiloProcess _silo = new(extraArgs: ["--simulated-nodes", "1"]);

    public async Task InitializeAsync()
    {
        TokenFiles.WriteUsers(_silo);
        await _silo.Start();
    }

    public async Task DisposeAsync() => await _silo.DisposeAsync();

    [Fact]
    public async Task AuditTrail_ShowsTheTenantsKubectlAndDashboardRequests_NotAnotherTenants()
    {
        await new Kubectl("1.32", _silo.KubeconfigPath).Ok("create configmap audited-cm --from-literal=k=v");
        Assert.NotEqual(0, (await new Kubectl("1.32", _silo.KubeconfigPath, TokenFiles.Viewer).Run("delete configmap audited-cm")).ExitCode);
        await new Kubectl("1.32", _silo.KubeconfigPath, TokenFiles.OtherTenant).Ok("create configmap team-b-cm --from-literal=k=v");

        // The overview's feed lists and watches as the signed-in user: requests of the dashboard's own.
        var page = await browser.SignIn(_silo.DashboardPort, TokenFiles.Admin);
        await page.GetByText("Audit trail").ClickAsync();
        var table = page.Locator(".audit-table");
        var kubectlCreate = table.Locator("tr", new() { HasText = "configmaps default/audited-cm" }).Filter(new() { HasText = "create" });
        await Expect(kubectlCreate).ToContainTextAsync("201");
        await Expect(kubectlCreate).ToContainTextAsync("alice");
        var refused = table.Locator("tr", new() { HasText = "victor" }).Filter(new() { HasText = "configmaps default/audited-cm" });
        await Expect(refused).ToContainTextAsync("delete");
        await Expect(refused).ToContainTextAsync("403");
        // Discovery is there too, by its path.
        await Expect(table.Locator("tr", new() { HasText = "victor" }).Filter(new() { HasText = "/api" }).First).Not.ToContainTextAsync("?");
        await Expect(table.Locator("tr", new() { HasText = "dashboard" }).First).ToContainTextAsync("alice");
        await Expect(table).Not.ToContainTextAsync("team-b-cm");
        await DashboardBrowser.Screenshot(page, "audit-trail");

        // New requests appear on refresh.
        var kubectlDelete = table.Locator("tr", new() { HasText = "configmaps default/audited-cm" }).Filter(new() { HasText = "alice" }).Filter(new() { HasText = "delete" });
        await Expect(kubectlDelete).ToHaveCountAsync(0);
        await new Kubectl("1.32", _silo.KubeconfigPath).Ok("delete configmap audited-cm");
        await page.ClickAsync("#audit-refresh");
        await Expect(kubectlDelete).ToContainTextAsync("200");
    }
}
