using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Playwright;
using OrleansOrchestrator.EndToEnd.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace OrleansOrchestrator.EndToEnd.Tests.Dashboard;

/// <summary>
/// The stateful and batch workload pages in Chromium against a real silo with simulated nodes: a StatefulSet made with
/// kubectl is listed, scaled from its own page, and its new pod and that pod's claim show up live; a CronJob's page says
/// when it runs next, and "Run now" starts a Job that shows up in its list of Jobs.
/// </summary>
public sealed class WorkloadPagesUiTests(DashboardBrowser browser) : IClassFixture<DashboardBrowser>, IAsyncLifetime
{
    private readonly SiloProcess _silo = new(extraArgs: ["--simulated-nodes", "2"]);

    public async Task InitializeAsync()
    {
        TokenFiles.WriteUsers(_silo);
        await _silo.Start();
    }

    public async Task DisposeAsync() => await _silo.DisposeAsync();

    private Kubectl Kubectl => new("1.32", _silo.KubeconfigPath);

    /// <summary>A CronJob that runs daily at 03:00 UTC: no scheduled run comes during the test, only the one started by hand.</summary>
    private static string CronJob(string name) => $$"""
        apiVersion: batch/v1
        kind: CronJob
        metadata:
          name: {{name}}
        spec:
          schedule: "0 3 * * *"
          jobTemplate:
            metadata:
              labels: {cron: {{name}}}
            spec:
              template:
                spec:
                  restartPolicy: OnFailure
                  containers:
                  - name: report
                    image: example/report:1
        """;

    private static Task MarkDocument(IPage page) => page.EvaluateAsync("() => { window.__sameDocument = true; }");

    private static async Task AssertSameDocument(IPage page) =>
        Assert.True(await page.EvaluateAsync<bool>("() => window.__sameDocument === true"), "the page was reloaded");

    [Fact]
    public async Task StatefulSetPage_ScaleUp_NewOrdinalAndItsClaimAppearLive()
    {
        await Kubectl.Ok("apply -f -", Manifests.StatefulSet("web", 2, "example/web:1"));
        var page = await browser.SignIn(_silo.DashboardPort, TokenFiles.Admin, "/statefulsets");

        // Listed with its readiness; its name leads to its page.
        var row = page.Locator("#statefulsets-grid tr", new() { HasText = "web" });
        await Expect(row.Locator(".statefulset-name")).ToHaveTextAsync("web");
        await Expect(row.Locator(".statefulset-ready")).ToContainTextAsync("2/2");
        await row.Locator(".statefulset-name").ClickAsync();
        await Expect(page.Locator("#statefulset-counts")).ToContainTextAsync("ready 2/2");
        await MarkDocument(page);

        // Each ordinal with its pod and its claim, bound to a volume.
        var ordinals = page.Locator("#ordinals");
        await Expect(ordinals.Locator(".pod-link")).ToHaveTextAsync(["web-0", "web-1"]);
        await Expect(ordinals.Locator(".ordinal-claim[data-claim='data-web-1']")).ToContainTextAsync("Bound");

        // Scale 2 → 3 with the page's control: ordinal 2 appears with its own claim, without a reload.
        await page.Locator(".scale-control[data-name='web'] .scale-up").ClickAsync();
        await Expect(ordinals.Locator(".pod-link")).ToHaveTextAsync(["web-0", "web-1", "web-2"]);
        var newClaim = ordinals.Locator(".ordinal-claim[data-claim='data-web-2']");
        await Expect(newClaim).ToContainTextAsync("data-web-2");
        await Expect(newClaim).ToContainTextAsync("Bound");
        await Expect(newClaim.Locator(".claim-volume")).ToHaveCountAsync(1);
        await Expect(page.Locator("#statefulset-counts")).ToContainTextAsync("ready 3/3");
        await Expect(ordinals.Locator("tr", new() { HasText = "web-2" })).ToContainTextAsync("Running");
        await AssertSameDocument(page);
        await DashboardBrowser.Screenshot(page, "statefulset-scaled");

        Assert.Equal("3", (await Kubectl.Ok("get statefulset web -o jsonpath={.spec.replicas}")).Trim());
        Assert.Contains("Bound", await Kubectl.Ok("get pvc data-web-2"));
    }

    [Fact]
    public async Task CronJobPage_ShowsNextRun_RunNowStartsAJobListedOnThePage()
    {
        await Kubectl.Ok("apply -f -", CronJob("report"));
        var page = await browser.SignIn(_silo.DashboardPort, TokenFiles.Admin, "/cronjobs");
        await page.Locator("#cronjobs-grid .cronjob-name", new() { HasText = "report" }).ClickAsync();

        // The next run: 03:00 UTC today if that is still to come, else tomorrow.
        var now = DateTimeOffset.UtcNow;
        var nextDay = now.Hour < 3 ? now.UtcDateTime.Date : now.UtcDateTime.Date.AddDays(1);
        await Expect(page.Locator("#cronjob-next-run")).ToContainTextAsync($"{nextDay.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)} 03:00 UTC (in ");
        var jobs = page.Locator("#cronjob-jobs");
        await Expect(jobs).ToContainTextAsync("No jobs yet.");
        await MarkDocument(page);

        // Run now: kubectl create job --from=cronjob/report, from a click; the Job is listed as a manual run.
        await page.ClickAsync("#run-now");
        var link = jobs.Locator(".job-link");
        await Expect(link).ToHaveCountAsync(1);
        await Expect(link).ToContainTextAsync("report-manual-");
        await Expect(jobs.Locator("tr", new() { HasText = "report-manual-" })).ToContainTextAsync("manual");
        var jobName = (await link.TextContentAsync())!.Trim();
        await Expect(page.Locator(".mud-snackbar")).ToContainTextAsync($"Job {jobName} created");
        await AssertSameDocument(page);
        await DashboardBrowser.Screenshot(page, "cronjob-run-now");

        // The API has it as kubectl would have made it: controlled by the CronJob, marked manual.
        var job = JsonNode.Parse(await Kubectl.Ok($"get job {jobName} -o json"))!;
        var owner = job["metadata"]!["ownerReferences"]!.AsArray().Single()!;
        Assert.Equal(("CronJob", "report", true), (owner["kind"]!.GetValue<string>(), owner["name"]!.GetValue<string>(), owner["controller"]!.GetValue<bool>()));
        Assert.Equal("manual", job["metadata"]!["annotations"]!["cronjob.kubernetes.io/instantiate"]!.GetValue<string>());

        // Its page: the Job runs its pod.
        await link.ClickAsync();
        await Expect(page.Locator(".mud-main-content")).ToContainTextAsync("active 1");
        await Expect(page.Locator(".mud-main-content")).ToContainTextAsync($"{jobName}-");
    }
}
