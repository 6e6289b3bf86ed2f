using Microsoft.Playwright;
using OrleansOrchestrator.EndToEnd.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace OrleansOrchestrator.EndToEnd.Tests.Dashboard;

/// <summary>
/// The operator's Tenants page in Chromium: a tenant created there with a quota is a Tenant kubectl sees, its quota
/// shown used over hard; deleting it after the confirmation removes it; a tenant's user has no Tenants page in the menu.
/// </summary>
public sealed class TenantsUiTests(DashboardBrowser browser) : IClassFixture<DashboardBrowser>, IAsyncLifetime
{
    private readonly SiloProcess _silo = new(extraArgs: ["--simulated-nodes", "1"]);

    public async Task InitializeAsync()
    {
        TokenFiles.WriteUsers(_silo);
        await _silo.Start();
    }

    public async Task DisposeAsync() => await _silo.DisposeAsync();

    private Kubectl Operator => new("1.32", _silo.KubeconfigPath);

    [Fact]
    public async Task Operator_CreatesATenantWithAQuota_SeesItsUsage_AndDeletesIt()
    {
        var page = await browser.SignIn(_silo.DashboardPort, TokenFiles.Admin);
        await page.GetByText("Tenants").ClickAsync();
        await page.FillAsync("#tenant-name", "delta");
        await page.FillAsync("#tenant-admins", "dora");
        await page.FillAsync("[data-resource='pods']", "5");
        await page.ClickAsync("#tenant-create");

        var row = page.Locator("#tenants-grid tr", new() { HasText = "delta" });
        await Expect(row.Locator(".allocation")).ToContainTextAsync("pods: 0 / 5");
        await Expect(row).ToContainTextAsync("Active");
        await Expect(row).ToContainTextAsync("dora");
        Assert.Equal("5", await Operator.Ok("get tenant delta -o jsonpath={.spec.quota.hard.pods}"));
        await DashboardBrowser.Screenshot(page, "tenants");

        await page.ClickAsync(".tenant-delete[data-tenant='delta']");
        await Expect(page.Locator(".mud-dialog")).ToContainTextAsync("Delete tenant delta?");
        await page.Locator(".mud-dialog").GetByRole(AriaRole.Button, new() { Name = "Delete", Exact = true }).ClickAsync();

        await Expect(row).ToHaveCountAsync(0);
        Assert.DoesNotContain("delta", await Operator.Ok("get tenants -o name"));
    }

    [Fact]
    public async Task ATenantsUser_HasNoTenantsPage()
    {
        var page = await browser.SignIn(_silo.DashboardPort, TokenFiles.OtherTenant);
        await Expect(page.Locator("a[href='/pods']")).ToBeVisibleAsync();

        await Expect(page.Locator("a[href='/tenants']")).ToHaveCountAsync(0);
        await page.GotoAsync($"http://127.0.0.1:{_silo.DashboardPort}/tenants");
        await Expect(page.Locator(".mud-alert")).ToContainTextAsync("forbidden");
    }
}
