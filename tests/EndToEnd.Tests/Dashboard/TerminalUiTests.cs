using Microsoft.Playwright;
using OrleansOrchestrator.EndToEnd.Tests.Infrastructure;
using OrleansOrchestrator.EndToEnd.Tests.Streaming;
using static Microsoft.Playwright.Assertions;

namespace OrleansOrchestrator.EndToEnd.Tests.Dashboard;

/// <summary>
/// The pod page's terminal in Chromium over a real container: keystrokes typed into xterm.js run in the pod's shell
/// (through the Blazor circuit, the silo and the node's agent) and the output shows in the terminal; a read-only user
/// is offered no terminal, and the API refuses them the exec as well.
/// </summary>
[Collection(StreamingFixture.Collection)]
public sealed class TerminalUiTests(StreamingFixture cluster, DashboardBrowser browser) : IClassFixture<DashboardBrowser>
{
    private const string PodName = "terminal-demo";

    private const string Manifest = $$"""
        apiVersion: v1
        kind: Pod
        metadata:
          name: {{PodName}}
        spec:
          terminationGracePeriodSeconds: 1
          containers:
          - name: shell
            image: {{TestImages.Busybox}}
            imagePullPolicy: Never
            command: [sh, -c, "while true; do sleep 1; done"]
        """;

    [Fact]
    public async Task PodPage_Terminal_TypedCommandRunsInTheContainer()
    {
        await RunningPod();
        var page = await browser.SignIn(cluster.Node.Silo.DashboardPort, TokenFiles.Admin, $"/pods/default/{PodName}");
        await Expect(page.Locator(".mud-main-content")).ToContainTextAsync(TestImages.Busybox);

        await page.GetByRole(AriaRole.Tab, new() { Name = "Terminal" }).ClickAsync();
        await Expect(page.Locator("#terminal-state")).ToHaveTextAsync("connected to shell");
        var screen = page.Locator("#pod-terminal .xterm-rows");
        // busybox sh's prompt as root: the shell is there and its output reaches the browser.
        await Expect(screen).ToContainTextAsync("#");

        await page.Locator("#pod-terminal").ClickAsync();
        await page.Keyboard.TypeAsync("hostname");
        await page.Keyboard.PressAsync("Enter");

        // The pod's hostname is its name; the typed command does not contain it, so this is the command's output.
        await Expect(screen).ToContainTextAsync(PodName);
        await DashboardBrowser.Screenshot(page, "pod-terminal");

        await page.Keyboard.TypeAsync("exit 3");
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.Locator("#terminal-state")).ToHaveTextAsync("session ended: command terminated with exit code 3");
        await Expect(screen).ToContainTextAsync("session ended: command terminated with exit code 3");
    }

    [Fact]
    public async Task Viewer_NoTerminal_AndTheApiRefusesTheirExec()
    {
        await RunningPod();
        var page = await browser.SignIn(cluster.Node.Silo.DashboardPort, TokenFiles.Viewer, $"/pods/default/{PodName}");

        // The page's tabs are shown (the logs are readable to a viewer), without a terminal.
        await Expect(page.GetByRole(AriaRole.Tab, new() { Name = "Logs" })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Tab, new() { Name = "Terminal" })).ToHaveCountAsync(0);
        await Expect(page.Locator("#pod-terminal")).ToHaveCountAsync(0);

        using var api = new ApiClient(cluster.Node.Silo, TokenFiles.Viewer);
        var (code, body) = await api.Send(HttpMethod.Post, $"/api/v1/namespaces/default/pods/{PodName}/exec?command=true&stdout=true");
        Assert.Equal(403, code);
        Assert.Equal("Forbidden", body?["reason"]?.GetValue<string>());
        Assert.Contains("cannot create resource \"pods/exec\"", body?["message"]?.GetValue<string>());
    }

    private async Task RunningPod()
    {
        await cluster.Kubectl("1.32").Ok("apply -f -", Manifest);
        await cluster.Kubectl("1.32").Ok($"wait --for=condition=Ready pod/{PodName} --timeout=90s");
    }
}
