using System.Text.Json.Nodes;
using Bunit;
using Microsoft.Extensions.DependencyInjection;
using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Dashboard.Components.Pages;
using OrleansOrchestrator.Dashboard.ServiceClient;
using OrleansOrchestrator.Dashboard.Tests.Fakes;
using static OrleansOrchestrator.Dashboard.Tests.Components.DashboardTestContext;
using static OrleansOrchestrator.Dashboard.Tests.TestObjects;
using static OrleansOrchestrator.Dashboard.Tests.WorkloadObjects;

namespace OrleansOrchestrator.Dashboard.Tests.Components;

public sealed class JobPagesTests
{
    private static readonly DateTimeOffset Now = new(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private readonly FakeClusterBackend _backend = new();
    private readonly FakeClusterFeed _feed = new FakeClusterFeed()
        .With(ResourceKinds.Job,
            Job("import", completions: 5, succeeded: 2, active: 2, start: Now.AddMinutes(-4)),
            Job("done", completions: 1, succeeded: 1, condition: "Complete", start: Now.AddHours(-1), end: Now.AddHours(-1).AddSeconds(30)))
        .With(ResourceKinds.Pod,
            Pod("import-abc", phase: "Succeeded", owner: ControlledBy("Job", "import", apiVersion: "batch/v1")),
            Pod("import-def", owner: ControlledBy("Job", "import", apiVersion: "batch/v1")),
            Pod("web-1"));

    [Fact]
    public async Task List_StatusCompletionsAndDuration()
    {
        await using var ctx = CreateAt(_feed);

        var page = ctx.Render<Jobs>();

        page.WaitForAssertion(() => Assert.Equal(["done", "import"], page.FindAll(".job-name").Select(e => e.TextContent.Trim())), Patience);
        Assert.Equal(["Complete", "Running"], page.FindAll(".job-status [data-status]").Select(e => e.GetAttribute("data-status")));
        Assert.Equal(["1/1", "2/5"], page.FindAll(".job-completions").Select(e => e.TextContent.Trim()));
        var cells = page.FindAll("#jobs-grid tbody td").Select(td => td.TextContent.Trim()).ToList();
        Assert.Contains("30s", cells);
        Assert.Contains("4m", cells);
    }

    [Fact]
    public async Task Feed_JobCompletes_StatusFollows()
    {
        await using var ctx = CreateAt(_feed);
        var page = ctx.Render<Jobs>();
        page.WaitForAssertion(() => Assert.Contains("Running", page.FindAll(".job-status [data-status]").Select(e => e.GetAttribute("data-status"))), Patience);

        _feed.Upsert(Job("import", completions: 5, succeeded: 5, condition: "Complete", start: Now.AddMinutes(-4), end: Now, resourceVersion: "2"));

        page.WaitForAssertion(() => Assert.Equal(["Complete", "Complete"], page.FindAll(".job-status [data-status]").Select(e => e.GetAttribute("data-status"))), Patience);
    }

    [Fact]
    public async Task Detail_PodsOfTheJobWithTheirPhase()
    {
        await using var ctx = CreateAt(_feed);

        var page = RenderJob(ctx, "import");

        page.WaitForAssertion(() => Assert.Equal(["import-abc", "import-def"], page.FindAll("#job-pods .pod-link").Select(e => e.TextContent.Trim())), Patience);
        Assert.Contains("Succeeded", page.Find("#job-pods").TextContent);
        Assert.Contains("completions 2/5", page.Find("#job-counts").TextContent);
    }

    [Fact]
    public async Task Detail_Suspend_MergePatchOfSpecSuspend()
    {
        await using var ctx = CreateAt(_feed);
        var page = RenderJob(ctx, "import");
        page.WaitForElement("#suspend", Patience);

        await page.Find("#suspend").ClickAsync(new());

        page.WaitForAssertion(() => Assert.Single(_backend.Calls), Patience);
        var call = _backend.Calls[0];
        Assert.Equal(("patch", ResourceKinds.Job, "import", PatchKind.Merge), (call.Verb, call.Kind, call.Name, call.PatchKind));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"spec":{"suspend":true}}"""), call.Body), call.Body?.ToJsonString());
    }

    [Fact]
    public async Task Detail_SuspendedJob_ResumeOffered()
    {
        await using var ctx = CreateAt(new FakeClusterFeed().With(ResourceKinds.Job, Job("import", suspend: true, condition: "Suspended")));
        var page = RenderJob(ctx, "import");
        page.WaitForElement("#resume", Patience);

        await page.Find("#resume").ClickAsync(new());

        page.WaitForAssertion(() => Assert.Equal(false, (bool?)Assert.Single(_backend.Calls).Body?["spec"]?["suspend"]), Patience);
        Assert.Equal("Suspended", page.Find("#job-status [data-status]").GetAttribute("data-status"));
    }

    [Fact]
    public async Task Detail_FinishedJob_NothingToSuspendButDeletable()
    {
        await using var ctx = CreateAt(_feed);
        var (_, dialogs) = ctx.RenderProviders();
        var page = RenderJob(ctx, "done");
        page.WaitForElement("#delete", Patience);
        Assert.Empty(page.FindAll("#suspend"));

        await dialogs.AnswerMessageBoxAsync(page.Find("#delete"), "Delete job default/done? Its pods go with it.", "Delete");

        page.WaitForAssertion(() => Assert.Equal(("delete", ResourceKinds.Job, "done"), Assert.Single(_backend.Calls) is var c ? (c.Verb, c.Kind, c.Name) : default), Patience);
    }

    [Fact]
    public async Task Detail_ReadOnlyUser_NoActions()
    {
        await using var ctx = CreateAt(_feed, FakeClusterBackend.ReadOnlyGroup);

        var page = RenderJob(ctx, "import");

        page.WaitForElement("#job-pods", Patience);
        Assert.Empty(page.FindAll("#suspend"));
        Assert.Empty(page.FindAll("#delete"));
    }

    private BunitContext CreateAt(FakeClusterFeed feed, params string[] groups)
    {
        var ctx = Create(feed, _backend, groups);
        ctx.Services.AddSingleton<TimeProvider>(new FixedClock(Now));
        return ctx;
    }

    private static IRenderedComponent<JobDetail> RenderJob(BunitContext ctx, string name) =>
        ctx.Render<JobDetail>(p => p.Add(d => d.Namespace, "default").Add(d => d.Name, name));
}
