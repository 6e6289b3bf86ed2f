using Microsoft.Playwright;
using OrleansOrchestrator.EndToEnd.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace OrleansOrchestrator.EndToEnd.Tests.Dashboard;

/// <summary>
/// Services in the dashboard, in Chromium against a real silo with simulated nodes: a Deployment and its Services
/// made with kubectl, the Service page following its endpoints and pods live, the way between a pod and the
/// Services that select it, and another tenant seeing none of it.
/// </summary>
public sealed class DashboardServicesTests(DashboardBrowser browser) : IClassFixture<DashboardBrowser>, IAsyncLifetime
{
    private readonly SiloProcess _silo = new(extraArgs: ["--simulated-nodes", "2"]);

    public async Task InitializeAsync()
    {
        TokenFiles.WriteUsers(_silo);
        await _silo.Start();
    }

    public async Task DisposeAsync() => await _silo.DisposeAsync();

    private Kubectl Kubectl => new("1.32", _silo.KubeconfigPath);

    private const string Services = """
        apiVersion: v1
        kind: Service
        metadata:
          name: echo
        spec:
          selector:
            app: echo
          ports:
          - name: http
            port: 80
            targetPort: 8080
        ---
        apiVersion: v1
        kind: Service
        metadata:
          name: echo-headless
        spec:
          clusterIP: None
          selector:
            app: echo
          ports:
          - name: http
            port: 80
            targetPort: 8080
        ---
        apiVersion: v1
        kind: Service
        metadata:
          name: echo-manual
        spec:
          ports:
          - name: http
            port: 80
            targetPort: 8080
        """;

    /// <summary>
    /// The Endpoints of the selector-less Service, as a user writes them by hand: the pod's address, ready or not.
    /// (Services with a selector get theirs from the endpoints controller instead.)
    /// </summary>
    private static string ManualEndpoints(string podIp, string podName, string node, bool ready) => $"""
        apiVersion: v1
        kind: Endpoints
        metadata:
          name: echo-manual
        subsets:
        - {(ready ? "addresses" : "notReadyAddresses")}:
          - ip: {podIp}
            nodeName: {node}
            targetRef:
              kind: Pod
              namespace: default
              name: {podName}
          ports:
          - name: http
            port: 8080
            protocol: TCP
        """;

    private static Task MarkDocument(IPage page) => page.EvaluateAsync("() => { window.__sameDocument = true; }");

    private static async Task AssertSameDocument(IPage page) =>
        Assert.True(await page.EvaluateAsync<bool>("() => window.__sameDocument === true"), "the page was reloaded");

    private static ILocator ServiceRow(IPage page, string name) =>
        page.Locator("#services-grid[data-loaded=true] tr").Filter(new() { Has = page.Locator(".service-name", new() { HasTextRegex = new($"^\\s*{name}\\s*$") }) });

    [Fact]
    public async Task ServicePage_EndpointsWrittenThroughTheApi_CountBecomesReadyLive()
    {
        await Kubectl.Ok("apply -f -", Manifests.Deployment("echo", 2, "example/echo:1"));
        await Kubectl.Ok("apply -f -", Services);
        await Eventually.True(async () => (await Kubectl.Ok("get deployment echo -o jsonpath={.status.readyReplicas}")).Trim() == "2", "echo ready");
        var pod = (await Kubectl.Ok("get pods -l app=echo -o jsonpath={.items[0].metadata.name}")).Trim();
        var podIp = (await Kubectl.Ok($"get pod {pod} -o jsonpath={{.status.podIP}}")).Trim();
        var node = (await Kubectl.Ok($"get pod {pod} -o jsonpath={{.spec.nodeName}}")).Trim();
        Assert.NotEqual("", podIp);

        // The list: a headless Service shows None, ports read port/protocol → target port.
        var page = await browser.SignIn(_silo.DashboardPort, TokenFiles.Admin, "/services");
        await Expect(ServiceRow(page, "echo-headless").Locator(".service-cluster-ip")).ToHaveTextAsync("None");
        await Expect(ServiceRow(page, "echo-manual").Locator(".service-ports")).ToHaveTextAsync("80/TCP → 8080");
        await Expect(ServiceRow(page, "echo-manual").Locator(".service-endpoints")).ToHaveAttributeAsync("data-ready", "0");

        // The selector-less Service's page, then its Endpoints written with kubectl: not ready, then ready, without a reload.
        await ServiceRow(page, "echo-manual").Locator(".service-name").ClickAsync();
        var count = page.Locator("#service-endpoints");
        await Expect(count).ToContainTextAsync("0/0 endpoints ready");
        await MarkDocument(page);
        await Kubectl.Ok("apply -f -", ManualEndpoints(podIp, pod, node, ready: false));
        await Expect(count).ToContainTextAsync("0/1 endpoints ready");
        await Expect(count).ToHaveAttributeAsync("data-not-ready", "1");
        var endpointRow = page.Locator("#endpoints-table tbody tr", new() { HasText = podIp });
        await Expect(endpointRow).ToContainTextAsync("NotReady");
        await Kubectl.Ok("apply -f -", ManualEndpoints(podIp, pod, node, ready: true));
        await Expect(count).ToContainTextAsync("1/1 endpoints ready");
        await Expect(count).ToHaveAttributeAsync("data-not-ready", "0");
        await Expect(endpointRow).ToContainTextAsync("Ready");
        await Expect(endpointRow).ToContainTextAsync(node);
        await Expect(endpointRow).ToContainTextAsync("http 8080/TCP");
        await AssertSameDocument(page);
        await DashboardBrowser.Screenshot(page, "service-endpoints");

        // From the endpoint to its pod, whose page lists the Services that select it (not the selector-less one).
        await endpointRow.Locator(".endpoint-pod").ClickAsync();
        var podServices = page.Locator("#pod-services");
        await Expect(podServices.Locator(".pod-service")).ToHaveTextAsync(["echo", "echo-headless"]);
        await DashboardBrowser.Screenshot(page, "pod-services");

        // From the pod to a Service that selects it: its Pods tab follows the Deployment as it scales.
        await podServices.Locator(".pod-service", new() { HasTextRegex = new("^\\s*echo\\s*$") }).ClickAsync();
        await Expect(page.Locator("#service-summary")).ToContainTextAsync("app=echo");
        await page.GetByRole(AriaRole.Tab, new() { Name = "Pods" }).ClickAsync();
        var selected = page.Locator("#service-pods .service-pod-name");
        await Expect(selected).ToHaveCountAsync(2);
        await Expect(page.Locator("#service-cluster-ip")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^\s*\d+\.\d+\.\d+\.\d+\s*$"));
        await Expect(count).ToContainTextAsync("2/2 endpoints ready");
        await MarkDocument(page);
        await Kubectl.Ok("scale deployment echo --replicas=3");
        await Expect(selected).ToHaveCountAsync(3);
        await Expect(page.Locator("#service-pods")).Not.ToContainTextAsync("Pending");
        // The endpoints controller follows the scale: the third pod's endpoint arrives live.
        await Expect(count).ToContainTextAsync("3/3 endpoints ready");
        await AssertSameDocument(page);
        await DashboardBrowser.Screenshot(page, "service-pods");

        await page.Locator(".mud-nav-link", new() { HasText = "Services" }).ClickAsync();
        await Expect(ServiceRow(page, "echo-manual").Locator(".service-endpoints")).ToHaveTextAsync("1/1");
        await DashboardBrowser.Screenshot(page, "services-endpoints");
    }

    [Fact]
    public async Task ServicesAndEndpoints_OfAnotherTenant_NotShown()
    {
        await Kubectl.Ok("apply -f -", Services);
        await Kubectl.Ok("apply -f -", ManualEndpoints("10.244.0.9", "nobody", "sim-0", ready: true));

        var admin = await browser.SignIn(_silo.DashboardPort, TokenFiles.Admin, "/services");
        await Expect(ServiceRow(admin, "echo-manual").Locator(".service-endpoints")).ToHaveTextAsync("1/1");

        // Tenant team-b: the list loads without tenant default's Services, and the page of one says it does not exist.
        var bob = await browser.SignIn(_silo.DashboardPort, TokenFiles.OtherTenant, "/services");
        await Expect(bob.Locator("#services-grid[data-loaded=true]")).ToBeVisibleAsync();
        await Expect(bob.Locator("#services-grid .service-name", new() { HasTextRegex = new("echo") })).ToHaveCountAsync(0);
        await bob.GotoAsync($"http://127.0.0.1:{_silo.DashboardPort}/services/default/echo-manual");
        await DashboardBrowser.WaitInteractive(bob);
        await Expect(bob.Locator("#service-missing[data-loaded=true]")).ToBeVisibleAsync();
        await Expect(bob.Locator("#endpoints-table")).ToHaveCountAsync(0);
    }
}
