using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using OrleansOrchestrator.EndToEnd.Tests.Infrastructure;

namespace OrleansOrchestrator.EndToEnd.Tests.Controllers;

/// <summary>
/// The endpoints controller as kubectl shows it, on simulated nodes (the controller is the unit under test;
/// the container engine is outside it): Endpoints and EndpointSlices follow the pods through scaling and
/// deletion, and a LoadBalancer Service's status lists the nodes' addresses.
/// </summary>
public sealed partial class EndpointsTests : IAsyncLifetime
{
    private readonly SiloProcess _silo = new(extraArgs: ["--simulated-nodes", "2"]);

    public Task InitializeAsync() => _silo.Start();

    public async Task DisposeAsync() => await _silo.DisposeAsync();

    private Kubectl Kubectl => new("1.32", _silo.KubeconfigPath);

    private const string App = """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: web
        spec:
          replicas: 3
          selector:
            matchLabels: {app: web}
          template:
            metadata:
              labels: {app: web}
            spec:
              containers:
              - name: web
                image: example/web:1
                ports:
                - {name: http, containerPort: 8080}
        ---
        apiVersion: v1
        kind: Service
        metadata:
          name: web
        spec:
          type: LoadBalancer
          selector: {app: web}
          ports:
          - {name: http, port: 80, targetPort: http}
        """;

    /// <summary>The addresses of the pods of the Deployment that are running and not being deleted.</summary>
    private async Task<List<string>> RunningPodIps()
    {
        var pods = JsonNode.Parse(await Kubectl.Ok("get pods -l app=web -o json"))!["items"]!.AsArray();
        return pods.Where(p => p!["status"]?["phase"]?.GetValue<string>() == "Running" && p["metadata"]!["deletionTimestamp"] is null && p["status"]?["podIP"] is not null)
            .Select(p => p!["status"]!["podIP"]!.GetValue<string>()).Order(StringComparer.Ordinal).ToList();
    }

    /// <summary>kubectl's ENDPOINTS column of the Endpoints, as a sorted list ("ip:port").</summary>
    private async Task<List<string>> EndpointsColumn()
    {
        var line = (await Kubectl.Ok("get endpoints web --no-headers")).Trim();
        var column = Whitespace().Split(line)[1];
        return column == "<none>" ? [] : column.Split(',').Order(StringComparer.Ordinal).ToList();
    }

    [Fact]
    public async Task EndpointsAndSlices_FollowThePods_AndLoadBalancerStatusListsTheNodes()
    {
        await Kubectl.Ok("apply -f -", App);
        var ips = await Eventually.Value(async () => await RunningPodIps() is { Count: 3 } running ? running : null, "three running pods");

        // kubectl get endpoints: every ready pod's address with the resolved target port.
        await Eventually.True(async () => (await EndpointsColumn()).SequenceEqual(ips.Select(ip => $"{ip}:8080")), "the three pods in the Endpoints");

        // kubectl get endpointslices: Kubernetes' columns, the address type, the port, the addresses.
        var slices = await Kubectl.Ok("get endpointslices -l kubernetes.io/service-name=web");
        Assert.Matches(@"^NAME\s+ADDRESSTYPE\s+PORTS\s+ENDPOINTS\s+AGE", slices);
        var row = Whitespace().Split(slices.Split('\n')[1].Trim());
        Assert.Matches("^web-[a-z0-9]{5}$", row[0]);
        Assert.Equal(("IPv4", "8080"), (row[1], row[2]));
        Assert.Equal(ips, row[3].Split(',').Order(StringComparer.Ordinal));
        var slice = JsonNode.Parse(await Kubectl.Ok("get endpointslices -l kubernetes.io/service-name=web -o json"))!["items"]![0]!;
        Assert.Equal("Service", slice["metadata"]!["ownerReferences"]![0]!["kind"]!.GetValue<string>());
        Assert.All(slice["endpoints"]!.AsArray(), e => Assert.True(e!["conditions"]!["ready"]!.GetValue<bool>()));

        // The LoadBalancer's external addresses: the two nodes' (no cloud: the nodes serve it themselves).
        var nodeIps = JsonNode.Parse(await Kubectl.Ok("get nodes -o json"))!["items"]!.AsArray()
            .Select(n => n!["status"]!["addresses"]!.AsArray().First(a => a!["type"]!.GetValue<string>() == "InternalIP")!["address"]!.GetValue<string>())
            .Order(StringComparer.Ordinal).ToList();
        Assert.Equal(2, nodeIps.Count);
        await Eventually.True(async () => Whitespace().Split((await Kubectl.Ok("get svc web --no-headers")).Trim())[3].Split(',').Order(StringComparer.Ordinal).SequenceEqual(nodeIps),
            "EXTERNAL-IP listing both nodes");

        // A deleted pod leaves the endpoints; scaled down to one, one address is left.
        var victim = JsonNode.Parse(await Kubectl.Ok("get pods -l app=web -o json"))!["items"]![0]!;
        var victimIp = victim["status"]!["podIP"]!.GetValue<string>();
        await Kubectl.Ok($"delete pod {victim["metadata"]!["name"]!.GetValue<string>()} --wait=false");
        await Eventually.True(async () => !(await EndpointsColumn()).Contains($"{victimIp}:8080"), "the deleted pod out of the Endpoints");
        await Kubectl.Ok("scale deployment web --replicas=1");
        var left = await Eventually.Value(async () => await RunningPodIps() is { Count: 1 } one ? one : null, "one pod left");
        await Eventually.True(async () => (await EndpointsColumn()).SequenceEqual([$"{left[0]}:8080"]), "one address in the Endpoints");
        await Eventually.True(async () => Whitespace().Split((await Kubectl.Ok("get endpointslices -l kubernetes.io/service-name=web --no-headers")).Trim())[3] == left[0],
            "one address in the slice");

        // The Service goes, and its Endpoints and slices with it.
        await Kubectl.Ok("delete svc web");
        await Eventually.True(async () => (await Kubectl.Run("get endpoints web")).Stderr.Contains("(NotFound)", StringComparison.Ordinal), "the Endpoints removed");
        await Eventually.True(async () => (await Kubectl.Ok("get endpointslices -l kubernetes.io/service-name=web -o name")).Trim().Length == 0, "the slices removed");
    }

    [Fact]
    public async Task Discovery_ListsTheDiscoveryGroup_AndExplainDescribesSlices()
    {
        var resources = await Kubectl.Ok("api-resources --api-group=discovery.k8s.io");
        Assert.Matches(@"endpointslices\s+discovery\.k8s\.io/v1\s+true\s+EndpointSlice", resources);
        var explained = await Kubectl.Ok("explain endpointslice.endpoints.conditions");
        Assert.Contains("terminating", explained, StringComparison.Ordinal);
        Assert.Contains("serving", explained, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
