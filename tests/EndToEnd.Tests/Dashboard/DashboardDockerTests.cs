using Microsoft.Playwright;
using OrleansOrchestrator.EndToEnd.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace OrleansOrchestrator.EndToEnd.Tests.Dashboard;

/// <summary>The dashboard over real containers: a pod's log tail follows what the container writes.</summary>
public sealed class DashboardDockerTests(DockerNodeFixture node, DashboardBrowser browser)
    : IClassFixture<DockerNodeFixture>, IClassFixture<DashboardBrowser>
{
    private const string Manifest = $$"""
        apiVersion: v1
        kind: Pod
        metadata:
          name: ticker
        spec:
          terminationGracePeriodSeconds: 1
          containers:
          - name: ticker
            image: {{TestImages.Busybox}}
            imagePullPolicy: Never
            command: [sh, -c, "i=0; while true; do i=$((i+1)); echo tick $i; sleep 0.3; done"]
        """;

    [Fact]
    public async Task PodPage_LogTail_FollowsTheContainerLive()
    {
        await node.Kubectl().Ok("apply -f -", Manifest);
        await node.Kubectl().Ok("wait --for=condition=Ready pod/ticker --timeout=90s");

        var page = await browser.SignIn(node.Silo.DashboardPort, ApiClient.AdminToken(node.Silo), "/pods/default/ticker");
        await Expect(page.Locator(".mud-main-content")).ToContainTextAsync(TestImages.Busybox);
        await page.GetByRole(AriaRole.Tab, new() { Name = "Logs" }).ClickAsync();
        var tail = page.Locator("#log-tail");
        await Expect(tail).ToContainTextAsync("tick 1");
        // Following: lines written after the page opened keep arriving.
        var lines = (await tail.TextContentAsync())!.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length;
        await Eventually.True(async () => (await tail.TextContentAsync())!.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length >= lines + 5,
            "five more log lines while the page is open");
        await DashboardBrowser.Screenshot(page, "pod-logs");

        await node.Kubectl().Ok("delete pod ticker --wait=false");
    }
}
