using System.Text.Json.Nodes;
using Bunit;
using Microsoft.Extensions.DependencyInjection;
using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Dashboard.Components.Pages;
using OrleansOrchestrator.Dashboard.Model;
using OrleansOrchestrator.Dashboard.ServiceClient;
using OrleansOrchestrator.Dashboard.Tests.Fakes;
using static OrleansOrchestrator.Dashboard.Tests.Components.DashboardTestContext;
using static OrleansOrchestrator.Dashboard.Tests.WorkloadObjects;

namespace OrleansOrchestrator.Dashboard.Tests.Components;

public sealed class CronJobPagesTests
{
    private static readonly DateTimeOffset Now = new(2025, 3, 1, 12, 2, 30, TimeSpan.Zero);
    private static readonly OwnerReference ByBackup = ControlledBy("CronJob", "backup", apiVersion: "batch/v1");
    private readonly FakeClusterBackend _backend = new();
    private readonly FakeClusterFeed _feed = new FakeClusterFeed()
        .With(ResourceKinds.CronJob, CronJob("backup", schedule: "*/5 * * * *", active: 1, lastSchedule: Now.AddSeconds(-150)), CronJob("report", schedule: "@daily", suspend: true))
        .With(ResourceKinds.Job,
            Job("backup-28930", condition: "Complete", created: Now.AddMinutes(-7), owner: ByBackup),
            Job("backup-28935", created: Now.AddSeconds(-150), owner: ByBackup),
            Job("other", created: Now));

    [Fact]
    public async Task List_ScheduleSuspendAndNextRun()
    {
        await using var ctx = CreateAt(_feed);

        var page = ctx.Render<CronJobs>();

        page.WaitForAssertion(() => Assert.Equal(["backup", "report"], page.FindAll(".cronjob-name").Select(e => e.TextContent.Trim())), Patience);
        Assert.Equal(["False", "True"], page.FindAll(".cronjob-suspend").Select(e => e.TextContent.Trim()));
        Assert.Equal(["2025-03-01 12:05 UTC (in 2m30s)", "suspended"], page.FindAll(".cronjob-next-run").Select(e => e.TextContent.Trim()));
    }

    [Fact]
    public async Task Feed_Resumed_NextRunShown()
    {
        await using var ctx = CreateAt(_feed);
        var page = ctx.Render<CronJobs>();
        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll(".cronjob-next-run").Count), Patience);

        _feed.Upsert(ResourceKinds.CronJob, CronJob("report", schedule: "@daily") with { Metadata = CronJob("report").Metadata with { ResourceVersion = "2" } });

        page.WaitForAssertion(() => Assert.Equal("2025-03-02 00:00 UTC (in 11h)", page.FindAll(".cronjob-next-run")[1].TextContent.Trim()), Patience);
    }

    [Fact]
    public async Task Detail_RecentJobsNewestFirstAndNextRun()
    {
        await using var ctx = CreateAt(_feed);

        var page = RenderCronJob(ctx, "backup");

        page.WaitForAssertion(() => Assert.Equal(["backup-28935", "backup-28930"], page.FindAll("#cronjob-jobs .job-link").Select(e => e.TextContent.Trim())), Patience);
        Assert.Equal("2025-03-01 12:05 UTC (in 2m30s)", page.Find("#cronjob-next-run").TextContent.Trim());
    }

    [Fact]
    public async Task Detail_RunNow_CreatesTheJobKubectlCreateJobFromCronJobCreates()
    {
        await using var ctx = CreateAt(_feed);
        var (snackbars, _) = ctx.RenderProviders();
        var page = RenderCronJob(ctx, "backup");
        page.WaitForElement("#run-now", Patience);

        await page.Find("#run-now").ClickAsync(new());

        page.WaitForAssertion(() => Assert.Single(_backend.Calls), Patience);
        var call = _backend.Calls[0];
        Assert.Equal(("create", ResourceKinds.Job, "default"), (call.Verb, call.Kind, call.Namespace));
        var job = Assert.IsType<Job>(call.Created);
        Assert.Equal("backup-manual-", job.Metadata.GenerateName);
        Assert.Equal("manual", job.Metadata.Annotations![CronJobRuns.InstantiateAnnotation]);
        Assert.Equal(("CronJob", "backup", true), Assert.Single(job.Metadata.OwnerReferences!) is var o ? (o.Kind, o.Name, o.Controller) : default);
        snackbars.WaitForAssertion(() => Assert.Contains("Job backup-manual-abcde created", snackbars.Markup), Patience);
    }

    [Fact]
    public async Task Detail_Suspend_MergePatch()
    {
        await using var ctx = CreateAt(_feed);
        var page = RenderCronJob(ctx, "backup");
        page.WaitForElement("#suspend", Patience);

        await page.Find("#suspend").ClickAsync(new());

        page.WaitForAssertion(() => Assert.Single(_backend.Calls), Patience);
        var call = _backend.Calls[0];
        Assert.Equal((ResourceKinds.CronJob, PatchKind.Merge), (call.Kind, call.PatchKind));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"spec":{"suspend":true}}"""), call.Body), call.Body?.ToJsonString());
    }

    [Fact]
    public async Task Detail_RunNowRefused_RefusalShown()
    {
        _backend.Refusal = new ActionFailedException(403, "jobs.batch is forbidden: User \"alice\" cannot create resource \"jobs\"");
        await using var ctx = CreateAt(_feed);
        var (snackbars, _) = ctx.RenderProviders();
        var page = RenderCronJob(ctx, "backup");
        page.WaitForElement("#run-now", Patience);

        await page.Find("#run-now").ClickAsync(new());

        snackbars.WaitForAssertion(() => Assert.Contains("cannot create resource", snackbars.Markup), Patience);
        Assert.DoesNotContain("created", snackbars.Markup);
    }

    [Fact]
    public async Task Detail_ReadOnlyUser_NoActions()
    {
        await using var ctx = CreateAt(_feed, FakeClusterBackend.ReadOnlyGroup);

        var page = RenderCronJob(ctx, "backup");

        page.WaitForElement("#cronjob-jobs", Patience);
        Assert.Empty(page.FindAll("#run-now"));
        Assert.Empty(page.FindAll("#suspend"));
        Assert.Empty(page.FindAll("#delete"));
    }

    private BunitContext CreateAt(FakeClusterFeed feed, params string[] groups)
    {
        var ctx = Create(feed, _backend, groups);
        ctx.Services.AddSingleton<TimeProvider>(new FixedClock(Now));
        return ctx;
    }

    private static IRenderedComponent<CronJobDetail> RenderCronJob(BunitContext ctx, string name) =>
        ctx.Render<CronJobDetail>(p => p.Add(d => d.Namespace, "default").Add(d => d.Name, name));
}
