using Microsoft.Playwright;
using OrleansOrchestrator.EndToEnd.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace OrleansOrchestrator.EndToEnd.Tests.Security;

/// <summary>
/// An operator edits the token file of a running silo: a removed token is refused at its next kubectl call and its
/// open dashboard page is sent to the sign-in page; a token added for a new tenant works at once and the tenant gets
/// its <c>default</c> namespace. No restart in between.
/// </summary>
public sealed class TokenRevocationTests(DashboardBrowser browser) : IClassFixture<DashboardBrowser>, IAsyncLifetime
{
    private const string Carol = "carol-token-0123456789abcdef";
    private const string Dave = "dave-token-0123456789abcdef0";

    // An open page re-checks its token every 2 s here (30 s by default).
    private readonly SiloProcess _silo = new(extraArgs: ["--simulated-nodes", "1", "--session-recheck", "2"]);

    public async Task InitializeAsync()
    {
        TokenFiles.WriteUsers(_silo);
        File.AppendAllText(_silo.TokenFilePath, $"\n{Carol},carol,default\n");
        await _silo.Start();
    }

    public async Task DisposeAsync() => await _silo.DisposeAsync();

    private Kubectl As(string token) => new("1.32", _silo.KubeconfigPath, token);

    private void RemoveLine(string token) =>
        File.WriteAllLines(_silo.TokenFilePath, File.ReadAllLines(_silo.TokenFilePath).Where(line => !line.StartsWith(token, StringComparison.Ordinal)));

    [Fact]
    public async Task TokenRemovedFromTheFile_NextKubectlCallUnauthorized_AndANewTenantsTokenWorksAtOnce()
    {
        Assert.Contains("default", await As(Carol).Ok("get namespaces -o name"));

        RemoveLine(Carol);
        var refused = await As(Carol).Run("get namespaces");

        Assert.NotEqual(0, refused.ExitCode);
        Assert.Contains("You must be logged in to the server", refused.Stderr);
        Assert.Contains("default", await As(TokenFiles.Admin).Ok("get namespaces -o name")); // the others are untouched

        File.AppendAllText(_silo.TokenFilePath, $"\n{Dave},dave,team-c\n");
        var dave = As(Dave);
        await Eventually.True(async () => (await dave.Run("get namespaces -o name")).Stdout.Contains("namespace/default"),
            "the new tenant's default namespace", TimeSpan.FromSeconds(30));
        Assert.DoesNotContain("team-c", await As(TokenFiles.Admin).Ok("get namespaces -o name"));
    }

    [Fact]
    public async Task TokenRemoved_OpenDashboardPageGoesToSignIn_AndTheCookieNoLongerSignsIn()
    {
        var page = await browser.SignIn(_silo.DashboardPort, Carol);
        await Expect(page.Locator("#signed-in-user")).ToContainTextAsync("carol");

        RemoveLine(Carol);

        // Without any click: the open page's next check (every 2 s here) finds the token gone.
        await page.WaitForURLAsync(url => url.Contains("/login", StringComparison.Ordinal));
        await DashboardBrowser.Screenshot(page, "token-revoked-signed-out");
        await page.GotoAsync($"http://127.0.0.1:{_silo.DashboardPort}/pods");
        await Expect(page.Locator("#token")).ToBeVisibleAsync();
    }
}
