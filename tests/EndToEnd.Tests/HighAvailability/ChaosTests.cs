using OrleansOrchestrator.Chaos;
using OrleansOrchestrator.EndToEnd.Tests.Infrastructure;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace OrleansOrchestrator.EndToEnd.Tests.HighAvailability;

/// <summary>
/// Issue 16's chaos tests, short form (the long form is <c>bench chaos --minutes N</c>): three silos on one PostgreSQL
/// under writes, watches and a rolling update (on simulated nodes) while one silo after another is killed, with one real
/// Docker node whose agent joins through every silo's gateway and keeps a small Deployment running; and PostgreSQL itself restarted
/// under load. docs/chaos.md describes what each check means.
/// </summary>
public sealed class ChaosTests(PostgresServer postgres, DashboardBrowser browser, ITestOutputHelper output)
    : IClassFixture<PostgresServer>, IClassFixture<DashboardBrowser>
{
    [Fact]
    public async Task ThreeSilos_OneKilledEveryTwentySeconds_LoseNoAcknowledgedWrite_NoWatchGoesSilent_RolloutKeepsItsSurgeBound_DockerNodeStaysReady()
    {
        await postgres.CreateDatabase("chaos_short");
        await using var cluster = await ChaosProcessCluster.Start(postgres.ConnectionString("chaos_short"), silos: 3, simulatedNodesPerSilo: 3, dockerNode: true);
        // The dashboard stays open on the silo the monkey spares, on the Deployment being rolled out.
        IPage? page = null;
        async Task OpenDashboard()
        {
            page = await browser.SignIn(cluster.Silos[0].Process.DashboardPort, ChaosProcessCluster.AdminToken, $"/deployments/chaos/{RolloutSampler.Name}");
            await Expect(page.Locator("#deployment-counts")).ToContainTextAsync("ready 50");
            // A marker in the page's JavaScript state: still there at the end means the page was never reloaded.
            await page.EvaluateAsync("() => { window.__sameDocument = true; }");
        }
        var verdict = await ChaosRun.Run(cluster.Silos, ChaosProcessCluster.AdminToken, new ChaosSettings
        {
            Rounds = 3,
            Round = TimeSpan.FromSeconds(20),
            WritesPerSecond = 50,
            Watches = 10,
            Replicas = 50,
            RolloutDeadline = TimeSpan.FromSeconds(60),
            SparedSilo = 0,
            DockerNode = cluster.DockerNode,
            DeploymentReady = OpenDashboard,
            Log = Log,
        });

        // The final state reaches the open page without a reload, although two of its silo's peers died under it.
        Assert.NotNull(page);
        var dashboardProblem = "";
        try
        {
            await Expect(page.Locator("#deployment-counts")).ToContainTextAsync("up-to-date 50 · ready 50 · available 50");
            await Expect(page.Locator("#deployment-counts")).ToContainTextAsync(RolloutSampler.NewImage);
            if (!await page.EvaluateAsync<bool>("() => window.__sameDocument === true")) dashboardProblem = "the dashboard page was reloaded";
        }
        catch (Exception e) when (e is PlaywrightException or TimeoutException)
        {
            dashboardProblem = $"the dashboard did not show the final state: {e.Message.Split('\n')[0]}";
        }
        finally
        {
            await DashboardBrowser.Screenshot(page, "chaos-final");
        }
        Assert.True(verdict.Passed && dashboardProblem.Length == 0, $"{verdict}\n{dashboardProblem}");
    }

    [Fact]
    public async Task PostgreSqlRestartedUnderLoad_ApiAnswers503WithRetryAfterMeanwhile_NothingAcknowledgedIsLost()
    {
        await postgres.CreateDatabase("chaos_pg");
        await using var cluster = await ChaosProcessCluster.Start(postgres.ConnectionString("chaos_pg"), silos: 1, simulatedNodesPerSilo: 0);
        var findings = new ChaosFindings();
        using var api = new ChaosApi(cluster.Silos, ChaosProcessCluster.AdminToken, findings);
        var created = await api.Send(HttpMethod.Post, "/api/v1/namespaces", """{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"chaos"}}""");
        Assert.True(created.Ok, created.Text);
        var writer = new ChaosWriter(api, findings, "chaos", perSecond: 50, concurrency: 8, names: 100) { Silo = 0 };
        using var stop = new CancellationTokenSource();
        var writing = Task.Run(() => writer.Run(stop.Token));

        await Eventually.True(() => writer.Acknowledged.Count >= 100, "100 writes acknowledged before the restart", TimeSpan.FromSeconds(60));
        Log($"{writer.Acknowledged.Count} writes acknowledged; stopping PostgreSQL");
        await postgres.Stop();
        var stoppedAt = DateTime.UtcNow;
        // The writer keeps going meanwhile: the API must answer it 503 (retried) rather than 500 or hang.
        await Eventually.True(() => Interlocked.Read(ref findings.Retried503Or429) >= 5 || findings.Count > 0, "the API to answer requests while its database is down", TimeSpan.FromSeconds(60));
        Log($"{findings.Retried503Or429} answers 503/429 while PostgreSQL was down; starting it again; {findings.Describe()}");
        await postgres.Start();
        var startedAt = DateTime.UtcNow;
        await Eventually.True(() => writer.Acknowledged.Count(w => w.At > startedAt) >= 100, "100 writes acknowledged after the restart", TimeSpan.FromSeconds(90));
        await stop.CancelAsync();
        await writing;

        var list = await ChaosWatch.List(api, "chaos", 0, CancellationToken.None);
        Assert.NotNull(list);
        var lost = ChaosWriter.Lost(writer.Acknowledged, list.Value.Items).ToList();
        Log($"{writer.Acknowledged.Count} acknowledged ({writer.Acknowledged.Count(w => w.At > stoppedAt && w.At < startedAt)} while stopped); lost {lost.Count}; {findings.Describe()}");
        Assert.Empty(lost);
        Assert.True(findings.Count == 0, findings.Describe());
        Assert.True(findings.Retried503Or429 > 0, "no 503 while PostgreSQL was down");
    }

    private void Log(string line)
    {
        try { output.WriteLine(line); }
        catch (InvalidOperationException) { }
        Console.WriteLine(line);
    }
}
