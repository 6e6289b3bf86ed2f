using Bunit;
using Microsoft.Extensions.DependencyInjection;
using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Dashboard.Components.Pages;
using OrleansOrchestrator.Dashboard.Tests.Fakes;
using static OrleansOrchestrator.Dashboard.Tests.Components.DashboardTestContext;
using static OrleansOrchestrator.Dashboard.Tests.TestObjects;

namespace OrleansOrchestrator.Dashboard.Tests.Components;

public sealed class ServicesPageTests
{
    private static readonly Service Web = Service("web", selector: Labels(("app", "web")));

    [Fact]
    public async Task Render_Services_TypeClusterIPPortsExternalAndEndpointsPerRow()
    {
        var feed = new FakeClusterFeed()
            .With(ResourceKinds.Service,
                Web,
                Service("db", clusterIP: "None", selector: Labels(("app", "db")), ports: [new ServicePort { Port = 5432, TargetPort = 5432 }]),
                Service("edge", type: "NodePort", clusterIP: "10.96.0.20", ports: [new ServicePort { Port = 80, NodePort = 30080, TargetPort = "http" }]))
            .With(ResourceKinds.Endpoints, Endpoints("web", ready: [("10.1.0.2", "web-1")], notReady: [("10.1.0.3", "web-2")]));
        await using var ctx = Create(feed, new FakeClusterBackend());

        var page = ctx.Render<Services>();

        page.WaitForAssertion(() => Assert.Equal(["db", "edge", "web"], Names(page)), Patience);
        Assert.Equal(new Row("ClusterIP", "None", "<none>", "5432/TCP → 5432", "0/0"), RowOf(page, "db"));
        Assert.Equal(new Row("NodePort", "10.96.0.20", "<none>", "80:30080/TCP → http", "0/0"), RowOf(page, "edge"));
        Assert.Equal(new Row("ClusterIP", "10.96.0.10", "<none>", "80/TCP → 8080", "1/2"), RowOf(page, "web"));
        Assert.Equal("/services/default/web", page.FindAll(".service-name").Single(a => a.TextContent.Trim() == "web").GetAttribute("href"));
    }

    [Fact]
    public async Task Feed_EndpointsBecomeReady_RowGoesFromNoneOfOneToOneOfOne()
    {
        var feed = new FakeClusterFeed()
            .With(ResourceKinds.Service, Web)
            .With(ResourceKinds.Endpoints, Endpoints("web", notReady: [("10.1.0.2", "web-1")]));
        await using var ctx = Create(feed, new FakeClusterBackend());
        var page = ctx.Render<Services>();
        page.WaitForAssertion(() => Assert.Equal("0/1", RowOf(page, "web").Endpoints), Patience);

        feed.Upsert(Endpoints("web", ready: [("10.1.0.2", "web-1")], resourceVersion: "2"));

        page.WaitForAssertion(() => Assert.Equal("1/1", RowOf(page, "web").Endpoints), Patience);
        Assert.Equal(("1", "0"), EndpointAttributes(page, "web"));
    }

    [Fact]
    public async Task Feed_EndpointsAppearAfterTheService_RowCountsThem()
    {
        var feed = new FakeClusterFeed().With(ResourceKinds.Service, Web);
        await using var ctx = Create(feed, new FakeClusterBackend());
        var page = ctx.Render<Services>();
        page.WaitForAssertion(() => Assert.Equal("0/0", RowOf(page, "web").Endpoints), Patience);

        feed.Upsert(Endpoints("web", ready: [("10.1.0.2", "web-1"), ("10.1.0.3", "web-2")]));

        page.WaitForAssertion(() => Assert.Equal("2/2", RowOf(page, "web").Endpoints), Patience);
    }

    [Fact]
    public async Task Feed_LoadBalancerGetsAnAddress_PendingReplacedByTheAddress()
    {
        var pending = Service("lb", type: "LoadBalancer", ports: [new ServicePort { Port = 80, NodePort = 31000, TargetPort = 8080 }]);
        var feed = new FakeClusterFeed().With(ResourceKinds.Service, pending);
        await using var ctx = Create(feed, new FakeClusterBackend());
        var page = ctx.Render<Services>();
        page.WaitForAssertion(() => Assert.Equal("<pending>", RowOf(page, "lb").External), Patience);
        Assert.Equal("80:31000/TCP → 8080", RowOf(page, "lb").Ports);

        feed.Upsert(Service("lb", type: "LoadBalancer", ports: pending.Spec.Ports, ingressIPs: ["192.168.1.10"], resourceVersion: "2"));

        page.WaitForAssertion(() => Assert.Equal("192.168.1.10", RowOf(page, "lb").External), Patience);
    }

    [Fact]
    public async Task Render_NamespacePicked_OnlyThatNamespacesServices()
    {
        var feed = new FakeClusterFeed().With(ResourceKinds.Service, Web, Service("api", ns: "prod"));
        await using var ctx = Create(feed, new FakeClusterBackend());
        var page = ctx.Render<Services>();
        page.WaitForAssertion(() => Assert.Equal(["web", "api"], Names(page)), Patience);

        ctx.Services.GetRequiredService<OrleansOrchestrator.Dashboard.ServiceClient.NamespaceSelection>().Select("prod");

        page.WaitForAssertion(() => Assert.Equal(["api"], Names(page)), Patience);
    }

    [Fact]
    public async Task Subscribe_Page_FollowsServicesAndEndpointsAsTheSignedInUser()
    {
        var feed = new FakeClusterFeed().With(ResourceKinds.Service, Web);
        await using var ctx = Create(feed, new FakeClusterBackend());
        var page = ctx.Render<Services>();
        page.WaitForAssertion(() => Assert.Equal(["web"], Names(page)), Patience);

        Assert.Equal([ResourceKinds.Service, ResourceKinds.Endpoints], feed.Subscriptions.Select(s => s.Kind));
        Assert.All(feed.Subscriptions, s => Assert.Equal(DashboardTestContext.Tenant, s.User.Tenant));
    }

    private sealed record Row(string Type, string ClusterIP, string External, string Ports, string Endpoints);

    private static List<string> Names(IRenderedComponent<Services> page) => page.FindAll(".service-name").Select(a => a.TextContent.Trim()).ToList();

    private static AngleSharp.Dom.IElement RowElement(IRenderedComponent<Services> page, string name) =>
        page.FindAll("#services-grid tbody tr").Single(tr => tr.QuerySelector(".service-name")?.TextContent.Trim() == name);

    private static Row RowOf(IRenderedComponent<Services> page, string name)
    {
        var row = RowElement(page, name);
        string Text(string selector) => row.QuerySelector(selector)!.TextContent.Trim();
        return new Row(Text(".service-type"), Text(".service-cluster-ip"), Text(".service-external"), Text(".service-ports"), Text(".service-endpoints"));
    }

    private static (string?, string?) EndpointAttributes(IRenderedComponent<Services> page, string name)
    {
        var cell = RowElement(page, name).QuerySelector(".service-endpoints")!;
        return (cell.GetAttribute("data-ready"), cell.GetAttribute("data-not-ready"));
    }
}
