using Microsoft.Playwright;

namespace OrleansOrchestrator.EndToEnd.Tests.Infrastructure;

/// <summary>
/// Debian's Chromium driven by Playwright (never a downloaded browser): one headless browser per test
/// class, a fresh context (cookies) per signed-in user, and screenshots kept as test artefacts in
/// <c>artifacts/screenshots/</c>.
/// </summary>
public sealed class DashboardBrowser : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";

    /// <summary>How long a live change may take to reach the screen before an assertion fails.</summary>
    public static readonly TimeSpan LiveTimeout = TimeSpan.FromSeconds(30);

    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public static string ScreenshotDir { get; } = Path.Combine(RepoPaths.Root, "artifacts", "screenshots");

    public async Task InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
            throw new InvalidOperationException($"{ChromiumPath} is missing: apt-get install -y --no-install-recommends chromium (.ci/run does)");
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
        Assertions.SetDefaultExpectTimeout((float)LiveTimeout.TotalMilliseconds);
    }

    /// <summary>A fresh browser context (no cookie) on the dashboard's sign-in page.</summary>
    public async Task<IPage> SignInPage(int dashboardPort, string path = "/")
    {
        var context = await _browser!.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1440, Height = 900 } });
        context.SetDefaultTimeout((float)LiveTimeout.TotalMilliseconds);
        var page = await context.NewPageAsync();
        await page.GotoAsync($"http://127.0.0.1:{dashboardPort}{path}");
        return page;
    }

    /// <summary>Signs in on the dashboard with a token and waits until the page is interactive (clicks before that are lost).</summary>
    public async Task<IPage> SignIn(int dashboardPort, string token, string path = "/")
    {
        var page = await SignInPage(dashboardPort, path);
        await page.FillAsync("#token", token);
        await page.ClickAsync("#sign-in");
        await WaitInteractive(page);
        return page;
    }

    public static Task WaitInteractive(IPage page) => page.Locator("#dashboard[data-interactive=true]").WaitForAsync();

    public static async Task Screenshot(IPage page, string name)
    {
        Directory.CreateDirectory(ScreenshotDir);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ScreenshotDir, name + ".png"), FullPage = true });
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null) await _browser.DisposeAsync();
        _playwright?.Dispose();
    }
}
