using Bunit;
using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Dashboard.Components.Pages;
using OrleansOrchestrator.Dashboard.Tests.Fakes;
using static OrleansOrchestrator.Dashboard.Tests.Components.DashboardTestContext;
using static OrleansOrchestrator.Dashboard.Tests.TestObjects;

namespace OrleansOrchestrator.Dashboard.Tests.Components;

public sealed class ServiceDetailPageTests
{
    private static readonly Service Web = Service("web", type: "NodePort", selector: Labels(("app", "web")),
        ports: [new ServicePort { Name = "http", Port = 80, NodePort = 30080, TargetPort = 8080 }]);

    private readonly FakeClusterFeed _feed = new FakeClusterFeed()
        .With(ResourceKinds.Service, Web, Service("manual"))
        .With(ResourceKinds.Endpoints, Endpoints("web", ready: [("10.1.0.2", "web-1")], notReady: [("10.1.0.3", "web-2")], node: "node-b"))
        .With(ResourceKinds.Pod,
            Pod("web-1", labels: Labels(("app", "web"))),
            Pod("web-2", phase: "Pending", labels: Labels(("app", "web"))),
            Pod("db-1", labels: Labels(("app", "db"))),
            Pod("web-1", ns: "other", labels: Labels(("app", "web"))))
        .With(ResourceKinds.Event, Event("e1", "Service", "web", "Type", "NodePort -> LoadBalancer", Created));

    [Fact]
    public async Task Render_Service_SummaryPortsAndEndpointCount()
    {
        await using var ctx = Create(_feed, new FakeClusterBackend());

        var page = RenderService(ctx, "web");

        page.WaitForElement("#service-summary", Patience);
        Assert.Equal("10.96.0.10", page.Find("#service-cluster-ip").TextContent.Trim());
        Assert.Equal(("1", "1"), (page.Find("#service-endpoints").GetAttribute("data-ready"), page.Find("#service-endpoints").GetAttribute("data-not-ready")));
        Assert.Contains("1/2 endpoints ready", page.Find("#service-endpoints").TextContent);
        Assert.Equal(["http", "80", "TCP", "8080", "30080"], page.FindAll("#service-ports tbody td").Select(td => td.TextContent.Trim()));
    }

    [Fact]
    public async Task Endpoints_Tab_EachAddressWithPortsNodePodLinkAndState()
    {
        await using var ctx = Create(_feed, new FakeClusterBackend());

        var page = RenderService(ctx, "web");

        page.WaitForAssertion(() => Assert.Equal(
            [["10.1.0.2", "http 8080/TCP", "node-b", "web-1", "Ready"], ["10.1.0.3", "http 8080/TCP", "node-b", "web-2", "NotReady"]],
            EndpointRows(page)), Patience);
        Assert.Equal(["/pods/default/web-1", "/pods/default/web-2"], page.FindAll(".endpoint-pod").Select(a => a.GetAttribute("href")));
    }

    [Fact]
    public async Task Feed_EndpointBecomesReady_TableAndCountFollow()
    {
        await using var ctx = Create(_feed, new FakeClusterBackend());
        var page = RenderService(ctx, "web");
        page.WaitForAssertion(() => Assert.Equal(2, EndpointRows(page).Count), Patience);

        _feed.Upsert(Endpoints("web", ready: [("10.1.0.2", "web-1"), ("10.1.0.3", "web-2")], node: "node-b", resourceVersion: "2"));

        page.WaitForAssertion(() => Assert.Equal(["Ready", "Ready"], EndpointRows(page).Select(r => r[4])), Patience);
        Assert.Contains("2/2 endpoints ready", page.Find("#service-endpoints").TextContent);
    }

    [Fact]
    public async Task Pods_Tab_ThePodsItsSelectorPicksInItsNamespace_Live()
    {
        await using var ctx = Create(_feed, new FakeClusterBackend());
        var page = RenderService(ctx, "web");
        page.WaitForElement("#service-summary", Patience);

        await page.FindAll(".mud-tab").Single(t => t.TextContent.Trim() == "Pods").ClickAsync(new());

        page.WaitForAssertion(() => Assert.Equal(["web-1", "web-2"], PodNames(page)), Patience);
        Assert.Equal(["/pods/default/web-1", "/pods/default/web-2"], page.FindAll(".service-pod-name").Select(a => a.GetAttribute("href")));

        _feed.Upsert(Pod("web-3", labels: Labels(("app", "web"))));
        page.WaitForAssertion(() => Assert.Equal(["web-1", "web-2", "web-3"], PodNames(page)), Patience);
        _feed.Upsert(Pod("web-1", labels: Labels(("app", "web-canary")), resourceVersion: "2"));
        page.WaitForAssertion(() => Assert.Equal(["web-2", "web-3"], PodNames(page)), Patience);
    }

    [Fact]
    public async Task Pods_Tab_ServiceWithoutSelector_SaysItSelectsNone()
    {
        await using var ctx = Create(_feed, new FakeClusterBackend());
        var page = RenderService(ctx, "manual");
        page.WaitForElement("#service-summary", Patience);

        await page.FindAll(".mud-tab").Single(t => t.TextContent.Trim() == "Pods").ClickAsync(new());

        page.WaitForAssertion(() => Assert.Contains("has no selector, so it selects no pods", page.Markup), Patience);
        Assert.Empty(page.FindAll(".service-pod-name"));
    }

    [Fact]
    public async Task Events_Tab_EventsAboutThisService()
    {
        await using var ctx = Create(_feed, new FakeClusterBackend());
        var page = RenderService(ctx, "web");
        page.WaitForElement("#service-summary", Patience);

        await page.FindAll(".mud-tab").Single(t => t.TextContent.Trim() == "Events").ClickAsync(new());

        page.WaitForAssertion(() => Assert.Contains("NodePort -&gt; LoadBalancer", page.Markup), Patience);
    }

    [Fact]
    public async Task Feed_ServiceDeleted_SaysItIsGone()
    {
        await using var ctx = Create(_feed, new FakeClusterBackend());
        var page = RenderService(ctx, "web");
        page.WaitForElement("#service-summary", Patience);

        _feed.Delete(Web);

        page.WaitForAssertion(() => Assert.Equal("true", page.Find("#service-missing").GetAttribute("data-loaded")), Patience);
        Assert.Contains("Service default/web does not exist (any more).", page.Markup);
    }

    private static IRenderedComponent<ServiceDetail> RenderService(BunitContext ctx, string name) =>
        ctx.Render<ServiceDetail>(p => p.Add(d => d.Namespace, "default").Add(d => d.Name, name));

    private static List<List<string>> EndpointRows(IRenderedComponent<ServiceDetail> page) =>
        page.FindAll("#endpoints-table tbody tr").Select(tr => tr.QuerySelectorAll("td").Select(td => td.TextContent.Trim()).ToList()).ToList();

    private static List<string> PodNames(IRenderedComponent<ServiceDetail> page) => page.FindAll(".service-pod-name").Select(a => a.TextContent.Trim()).ToList();
}
