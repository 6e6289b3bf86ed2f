using Bunit;
using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Dashboard.Components.Pages;
using OrleansOrchestrator.Dashboard.Tests.Fakes;
using static OrleansOrchestrator.Dashboard.Tests.Components.DashboardTestContext;
using static OrleansOrchestrator.Dashboard.Tests.TestObjects;

namespace OrleansOrchestrator.Dashboard.Tests.Components;

public sealed class PodDetailPageTests
{
    private static readonly Pod Web = Pod("web-1",
        containers: [Container("app", image: "nginx:1.27"), Container("sidecar", image: "envoy:1.30")],
        statuses:
        [
            new ContainerStatus { Name = "app", Ready = true, State = new ContainerState { Running = new ContainerStateRunning() } },
            new ContainerStatus
            {
                Name = "sidecar", RestartCount = 4, State = new ContainerState { Waiting = new ContainerStateWaiting { Reason = "CrashLoopBackOff" } },
                LastState = new ContainerState { Terminated = new ContainerStateTerminated { Reason = "Error", ExitCode = 137 } },
            },
        ]);

    private readonly FakeClusterFeed _feed = new FakeClusterFeed()
        .With(ResourceKinds.Pod, Web, Pod("web-2"))
        .With(ResourceKinds.Event,
            Event("e1", "Pod", "web-1", "Scheduled", "Successfully assigned default/web-1 to node-a", Created),
            Event("e2", "Pod", "web-1", "BackOff", "Back-off restarting failed container sidecar", Created.AddMinutes(5), type: "Warning", count: 4),
            Event("e3", "Pod", "web-2", "Scheduled", "Successfully assigned default/web-2 to node-a", Created));

    [Fact]
    public async Task Containers_Pod_EachWithImageStateReadinessAndRestarts()
    {
        await using var ctx = Create(_feed, new FakeClusterBackend());

        var page = RenderWeb1(ctx);

        page.WaitForAssertion(() => Assert.Equal(2, ContainerRows(page).Count), Patience);
        Assert.Equal(
            [["app", "nginx:1.27", "Running", "yes", "0", ""], ["sidecar", "envoy:1.30", "CrashLoopBackOff", "no", "4", "Error (exit 137)"]],
            ContainerRows(page));
        Assert.Contains("ready 1/2", page.Markup);
    }

    [Fact]
    public async Task Events_Tab_EventsAboutThisPodNewestFirst()
    {
        await using var ctx = Create(_feed, new FakeClusterBackend());
        var page = RenderWeb1(ctx);
        page.WaitForAssertion(() => Assert.Equal(2, ContainerRows(page).Count), Patience);

        await page.FindAll(".mud-tab").Single(t => t.TextContent.Trim() == "Events").ClickAsync(new());

        page.WaitForAssertion(() => Assert.Equal(["BackOff", "Scheduled"], EventReasons(page)), Patience);
        Assert.Contains("Back-off restarting failed container sidecar (×4)", page.Markup);
        Assert.DoesNotContain("default/web-2", page.Markup);
    }

    [Fact]
    public async Task Feed_NewEvent_AppearsInTheEventsTab()
    {
        await using var ctx = Create(_feed, new FakeClusterBackend());
        var page = RenderWeb1(ctx);
        page.WaitForAssertion(() => Assert.Equal(2, ContainerRows(page).Count), Patience);
        await page.FindAll(".mud-tab").Single(t => t.TextContent.Trim() == "Events").ClickAsync(new());
        page.WaitForAssertion(() => Assert.Equal(2, EventReasons(page).Count), Patience);

        _feed.Upsert(Event("e4", "Pod", "web-1", "Killing", "Stopping container sidecar", Created.AddMinutes(9)));

        page.WaitForAssertion(() => Assert.Equal(["Killing", "BackOff", "Scheduled"], EventReasons(page)), Patience);
    }

    [Fact]
    public async Task Feed_PodDeleted_SaysItIsGone()
    {
        await using var ctx = Create(_feed, new FakeClusterBackend());
        var page = RenderWeb1(ctx);
        page.WaitForAssertion(() => Assert.Equal(2, ContainerRows(page).Count), Patience);

        _feed.Delete(Web);

        page.WaitForAssertion(() => Assert.Contains("Pod default/web-1 does not exist (any more).", page.Markup), Patience);
    }

    [Fact]
    public async Task Logs_Tab_ShowsTheContainersLines()
    {
        var backend = new FakeClusterBackend { LogLines = ["listening on :80", "GET / 200"] };
        await using var ctx = Create(_feed, backend);
        var page = RenderWeb1(ctx);
        page.WaitForAssertion(() => Assert.Equal(2, ContainerRows(page).Count), Patience);

        await page.FindAll(".mud-tab").Single(t => t.TextContent.Trim() == "Logs").ClickAsync(new());

        page.WaitForAssertion(() => Assert.Equal("listening on :80\nGET / 200", page.Find("#log-tail").TextContent), Patience);
    }

    [Fact]
    public async Task Delete_Confirmed_DeletesThroughTheBackend()
    {
        var backend = new FakeClusterBackend();
        await using var ctx = Create(_feed, backend);
        var (_, dialogs) = ctx.RenderProviders();
        var page = RenderWeb1(ctx);
        page.WaitForElement("#delete-pod", Patience);

        await dialogs.AnswerMessageBoxAsync(page.Find("#delete-pod"), "Delete pod default/web-1?", "Delete");

        var call = Assert.Single(backend.Calls);
        Assert.Equal(("delete", ResourceKinds.Pod, "default", "web-1"), (call.Verb, call.Kind, call.Namespace, call.Name));
    }

    [Fact]
    public async Task Services_SelectingThePod_ListedWithLinks_Live()
    {
        var pod = Pod("web-1", labels: Labels(("app", "web"), ("tier", "front")));
        var feed = new FakeClusterFeed()
            .With(ResourceKinds.Pod, pod)
            .With(ResourceKinds.Service,
                Service("web", selector: Labels(("app", "web"))),
                Service("front", selector: Labels(("tier", "front"))),
                Service("db", selector: Labels(("app", "db"))),
                Service("manual"),
                Service("web", ns: "other", selector: Labels(("app", "web"))));
        await using var ctx = Create(feed, new FakeClusterBackend());
        var page = RenderWeb1(ctx);

        page.WaitForAssertion(() => Assert.Equal(["front", "web"], ServiceNames(page)), Patience);
        Assert.Equal(["/services/default/front", "/services/default/web"], page.FindAll(".pod-service").Select(a => a.GetAttribute("href")));

        feed.Upsert(Service("db", selector: Labels(("tier", "front")), resourceVersion: "2"));
        page.WaitForAssertion(() => Assert.Equal(["db", "front", "web"], ServiceNames(page)), Patience);
    }

    private static List<string> ServiceNames(IRenderedComponent<PodDetail> page) => page.FindAll(".pod-service").Select(a => a.TextContent.Trim()).ToList();

    private static IRenderedComponent<PodDetail> RenderWeb1(BunitContext ctx) =>
        ctx.Render<PodDetail>(p => p.Add(d => d.Namespace, "default").Add(d => d.Name, "web-1"));

    private static List<List<string>> ContainerRows(IRenderedComponent<PodDetail> page) =>
        page.FindAll(".mud-tabs-panels tbody tr").Select(tr => tr.QuerySelectorAll("td").Select(td => td.TextContent.Trim()).ToList()).ToList();

    private static List<string> EventReasons(IRenderedComponent<PodDetail> page) =>
        page.FindAll(".event-table tbody tr").Select(tr => tr.QuerySelectorAll("td")[2].TextContent.Trim()).ToList();
}
