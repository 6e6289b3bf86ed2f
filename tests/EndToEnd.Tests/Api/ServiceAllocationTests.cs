using System.Text.Json.Nodes;
using OrleansOrchestrator.Contracts.Networking;
using OrleansOrchestrator.EndToEnd.Tests.Infrastructure;

namespace OrleansOrchestrator.EndToEnd.Tests.Api;

/// <summary>
/// Cluster IPs and node ports as a user meets them with the real kubectl 1.32: allocated from the silo's own
/// ranges, honoured or refused with Kubernetes' messages when asked for, never handed out twice, given back on
/// delete, and kept across updates that leave them out.
/// </summary>
public sealed class ServiceAllocationTests(SiloFixture fixture) : IClassFixture<SiloFixture>
{
    private readonly Kubectl _kubectl = fixture.Kubectl("1.32");
    private SiloProcess Silo => fixture.Silo;
    private ServiceRange Range => ServiceRange.Parse(Silo.ServiceCidr);

    private async Task<string> Namespace(string name)
    {
        var ns = $"{name}-{Guid.NewGuid():N}"[..30];
        await _kubectl.Ok($"create namespace {ns}");
        return ns;
    }

    private async Task<JsonNode> Service(string ns, string name) =>
        JsonNode.Parse(await _kubectl.Ok($"-n {ns} get svc {name} -o json"))!;

    private async Task<string> ClusterIp(string ns, string name) => (string)(await Service(ns, name))["spec"]!["clusterIP"]!;

    private async Task<int> NodePort(string ns, string name) => (int)(await Service(ns, name))["spec"]!["ports"]![0]!["nodePort"]!;

    /// <summary>
    /// An address only this test asks for: the range is the silo's own /20, and its lowest 255 addresses are the
    /// band dynamic allocation leaves to requests (all but the kubernetes Service's first and the DNS tenth).
    /// </summary>
    private string AskedFor(int hostPart) => Range.Address(hostPart);

    /// <summary>A node port of the silo's slice no Service holds now (the tests of a class run one at a time).</summary>
    private async Task<int> FreeNodePort()
    {
        var held = (await _kubectl.Ok("get svc -A -o jsonpath='{.items[*].spec.ports[*].nodePort}'"))
            .Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse).ToHashSet();
        return Enumerable.Range(Silo.NodePortMin, Silo.NodePortMax - Silo.NodePortMin + 1).First(p => !held.Contains(p));
    }

    private void AssertAllocatable(string ip)
    {
        Assert.True(Range.UsableOffset(ip) is not null, $"{ip} is not a usable address of {Silo.ServiceCidr}");
        Assert.NotEqual(Range.KubernetesServiceIp, ip);
        Assert.NotEqual(Range.DnsIp, ip);
    }

    [Fact]
    public async Task KubectlCreateService_GetsAClusterIPOfTheRange_AndANodePortOfTheSilosSlice()
    {
        var ns = await Namespace("svc-create");
        await _kubectl.Ok($"-n {ns} create service clusterip web --tcp=80:8080");
        await _kubectl.Ok($"-n {ns} create service nodeport front --tcp=80:8080");

        var webIp = await ClusterIp(ns, "web");
        var frontIp = await ClusterIp(ns, "front");
        AssertAllocatable(webIp);
        AssertAllocatable(frontIp);
        Assert.NotEqual(webIp, frontIp);
        var nodePort = await NodePort(ns, "front");
        Assert.InRange(nodePort, Silo.NodePortMin, Silo.NodePortMax);

        var table = await _kubectl.Ok($"-n {ns} get svc");
        Assert.Matches($@"web\s+ClusterIP\s+{Regex(webIp)}\s+<none>\s+80/TCP", table);
        Assert.Matches($@"front\s+NodePort\s+{Regex(frontIp)}\s+<none>\s+80:{nodePort}/TCP", table);
    }

    [Fact]
    public async Task RequestedClusterIP_IsHonoured_ThenRefusedToAnother_AndNothingIsStored()
    {
        var ns = await Namespace("svc-taken");
        var ip = AskedFor(11);
        await _kubectl.Ok($"-n {ns} create service clusterip first --tcp=80 --clusterip={ip}");
        Assert.Equal(ip, await ClusterIp(ns, "first"));

        var refused = await _kubectl.Run($"-n {ns} create service clusterip second --tcp=80 --clusterip={ip}");
        Assert.NotEqual(0, refused.ExitCode);
        Assert.Contains($"error: failed to create ClusterIP service: Service \"second\" is invalid: spec.clusterIPs: Invalid value: []string{{\"{ip}\"}}: failed to allocate IP {ip}: provided IP is already allocated", refused.Stderr);
        Assert.Contains("NotFound", (await _kubectl.Run($"-n {ns} get svc second")).Stderr);

        var outside = await _kubectl.Run($"-n {ns} create service clusterip third --tcp=80 --clusterip=192.0.2.77");
        Assert.Contains($"failed to allocate IP 192.0.2.77: the provided IP (192.0.2.77) is not in the valid range. The range of valid IPs is {Silo.ServiceCidr}", outside.Stderr);
        Assert.Contains($"provided IP is already allocated", (await _kubectl.Run($"-n {ns} create service clusterip dns --tcp=53 --clusterip={Range.DnsIp}")).Stderr);
    }

    [Fact]
    public async Task RequestedNodePort_Taken_IsRefused_AndDeleteGivesBackBothAddressAndPort()
    {
        var ns = await Namespace("svc-nodeport");
        var ip = AskedFor(12);
        var port = await FreeNodePort();
        var manifest = $$"""
            apiVersion: v1
            kind: Service
            metadata: {name: NAME, namespace: {{ns}}}
            spec:
              type: NodePort
              clusterIP: {{ip}}
              ports: [{port: 80, nodePort: {{port}}}]
            """;
        await _kubectl.Ok("apply -f -", manifest.Replace("NAME", "first"));
        Assert.Equal(port, await NodePort(ns, "first"));

        var refused = await _kubectl.Run($"-n {ns} create service nodeport second --tcp=80 --node-port={port}");
        Assert.Contains($"error: failed to create NodePort service: Service \"second\" is invalid: spec.ports[0].nodePort: Invalid value: {port}: provided port is already allocated", refused.Stderr);
        Assert.Contains("NotFound", (await _kubectl.Run($"-n {ns} get svc second")).Stderr);

        await _kubectl.Ok($"-n {ns} delete svc first");
        await _kubectl.Ok("apply -f -", manifest.Replace("NAME", "again"));
        Assert.Equal(ip, await ClusterIp(ns, "again"));
        Assert.Equal(port, await NodePort(ns, "again"));
    }

    [Fact]
    public async Task ACreateRefusedByValidation_OrADryRun_KeepsNothingTaken()
    {
        var ns = await Namespace("svc-refused");
        var ip = AskedFor(13);
        var invalid = await _kubectl.Run("apply -f -", $$"""
            apiVersion: v1
            kind: Service
            metadata: {name: broken, namespace: {{ns}}}
            spec:
              clusterIP: {{ip}}
              ports: [{port: 70000}]
            """);
        Assert.Contains("spec.ports[0].port: Invalid value: 70000", invalid.Stderr);

        Assert.Contains("(server dry run)", await _kubectl.Ok($"-n {ns} create service clusterip dry --tcp=80 --clusterip={ip} --dry-run=server"));
        Assert.Contains("NotFound", (await _kubectl.Run($"-n {ns} get svc dry")).Stderr);

        await _kubectl.Ok($"-n {ns} create service clusterip real --tcp=80 --clusterip={ip}");
        Assert.Equal(ip, await ClusterIp(ns, "real"));
    }

    [Fact]
    public async Task TwentyConcurrentCreates_AllGetDistinctAddresses()
    {
        var ns = await Namespace("svc-race");
        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => _kubectl.Run($"-n {ns} create service clusterip s{i} --tcp=80")));
        Assert.All(results, r => Assert.True(r.ExitCode == 0, r.All));
        var ips = (await _kubectl.Ok($"-n {ns} get svc -o jsonpath='{{.items[*].spec.clusterIP}}'")).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(20, ips.Length);
        Assert.Equal(20, ips.Distinct().Count());
        Assert.All(ips, AssertAllocatable);
    }

    [Fact]
    public async Task KubectlApplyTwice_KeepsTheClusterIPAndNodePort_AndAChangedAddressIsRefused()
    {
        var ns = await Namespace("svc-apply");
        string Manifest(string label, string? clusterIp = null) => $$"""
            apiVersion: v1
            kind: Service
            metadata:
              name: web
              namespace: {{ns}}
              labels: {tier: {{label}} }
            spec:
              type: NodePort
              {{(clusterIp is null ? "" : "clusterIP: " + clusterIp)}}
              selector: {app: web}
              ports: [{port: 80, targetPort: 8080}]
            """;
        await _kubectl.Ok("apply -f -", Manifest("a"));
        var (ip, port) = (await ClusterIp(ns, "web"), await NodePort(ns, "web"));

        Assert.Contains("service/web configured", await _kubectl.Ok("apply -f -", Manifest("b")));
        Assert.Equal(ip, await ClusterIp(ns, "web"));
        Assert.Equal(port, await NodePort(ns, "web"));
        Assert.Contains("service/web unchanged", await _kubectl.Ok("apply -f -", Manifest("b")));

        var other = AskedFor(14);
        var refused = await _kubectl.Run("apply -f -", Manifest("b", other));
        Assert.Contains($"The Service \"web\" is invalid: spec.clusterIPs[0]: Invalid value: []string{{\"{other}\"}}: may not change once set", refused.Stderr);
        Assert.Equal(ip, await ClusterIp(ns, "web"));
    }

    [Fact]
    public async Task TypeChange_ToNodePortAllocatesAPort_AndBackToClusterIPGivesItBack()
    {
        var ns = await Namespace("svc-retype");
        await _kubectl.Ok($"-n {ns} create service clusterip web --tcp=80");
        var ip = await ClusterIp(ns, "web");
        await _kubectl.Ok($"-n {ns} patch svc web -p '{{\"spec\":{{\"type\":\"NodePort\"}}}}'");
        var port = await NodePort(ns, "web");
        Assert.InRange(port, Silo.NodePortMin, Silo.NodePortMax);

        await _kubectl.Ok($"-n {ns} patch svc web -p '{{\"spec\":{{\"type\":\"ClusterIP\"}}}}'");
        var back = await Service(ns, "web");
        Assert.Null(back["spec"]!["ports"]![0]!["nodePort"]);
        Assert.Equal(ip, (string)back["spec"]!["clusterIP"]!);
        await _kubectl.Ok($"-n {ns} create service nodeport other --tcp=80 --node-port={port}");
    }

    [Fact]
    public async Task Headless_StaysNone_AcrossApplies()
    {
        var ns = await Namespace("svc-headless");
        var manifest = $$"""
            apiVersion: v1
            kind: Service
            metadata: {name: db, namespace: {{ns}}}
            spec:
              clusterIP: None
              selector: {app: db}
              ports: [{port: 5432}]
            """;
        await _kubectl.Ok("apply -f -", manifest);
        await _kubectl.Ok("apply -f -", manifest.Replace("5432", "5433"));
        Assert.Equal("None", await ClusterIp(ns, "db"));
        Assert.Matches(@"db\s+ClusterIP\s+None\s+<none>\s+5433/TCP", await _kubectl.Ok($"-n {ns} get svc"));
    }

    [Fact]
    public async Task KubernetesService_InDefault_HasTheRangesFirstAddress_AndItsEndpointsNameTheApi()
    {
        var kubernetes = await Service("default", "kubernetes");
        Assert.Equal(Range.KubernetesServiceIp, (string)kubernetes["spec"]!["clusterIP"]!);
        var port = kubernetes["spec"]!["ports"]![0]!;
        Assert.Equal(("https", 443, Silo.ApiPort), ((string)port["name"]!, (int)port["port"]!, (int)port["targetPort"]!));
        Assert.Null(kubernetes["spec"]!["selector"]);
        Assert.Matches($@"kubernetes\s+127\.0\.0\.1:{Silo.ApiPort}", await _kubectl.Ok("-n default get endpoints kubernetes"));
        Assert.Matches($@"kubernetes\s+ClusterIP\s+{Regex(Range.KubernetesServiceIp)}\s+<none>\s+443/TCP", await _kubectl.Ok("-n default get svc"));
    }

    private static string Regex(string ip) => System.Text.RegularExpressions.Regex.Escape(ip);
}

/// <summary>Allocation across a silo crash: the allocator rebuilds itself from the stored Services.</summary>
public sealed class ServiceAllocationRestartTests : IAsyncLifetime
{
    /// <summary>A /25: 108 addresses dynamic allocation picks from, of which each run below takes 46.</summary>
    private readonly SiloProcess _silo = new(servicePrefixLength: 25);

    public Task InitializeAsync() => _silo.Start();

    public async Task DisposeAsync() => await _silo.DisposeAsync();

    [Fact]
    public async Task AfterAKill_NewServicesNeverGetAnAddressOrPortAnExistingServiceHolds()
    {
        var kubectl = new Kubectl("1.32", _silo.KubeconfigPath);
        await kubectl.Ok("create namespace before");
        // A quarter of the slice's node ports and over a third of the range's addresses held before the crash, so
        // that a forgetful allocator would almost surely hand one out again.
        var quarter = (_silo.NodePortMax - _silo.NodePortMin + 1) / 4;
        await Task.WhenAll(Enumerable.Range(0, quarter).Select(i => kubectl.Ok($"-n before create service nodeport np{i} --tcp=80")));
        await Task.WhenAll(Enumerable.Range(0, 30).Select(i => kubectl.Ok($"-n before create service clusterip c{i} --tcp=80")));
        var held = await Holdings(kubectl, "before");
        Assert.Equal(quarter, held.Ports.Count);

        await _silo.Kill();
        await _silo.Start();

        await kubectl.Ok("create namespace after");
        await Task.WhenAll(Enumerable.Range(0, quarter).Select(i => kubectl.Ok($"-n after create service nodeport np{i} --tcp=80")));
        await Task.WhenAll(Enumerable.Range(0, 30).Select(i => kubectl.Ok($"-n after create service clusterip c{i} --tcp=80")));
        var fresh = await Holdings(kubectl, "after");

        Assert.Empty(fresh.Ips.Intersect(held.Ips));
        Assert.Empty(fresh.Ports.Intersect(held.Ports));
        Assert.Equal(held, await Holdings(kubectl, "before")); // nothing changed hands

        // The kubernetes Service was kept, not doubled, by the second start.
        Assert.Single((await kubectl.Ok("-n default get svc -o name")).Split('\n', StringSplitOptions.RemoveEmptyEntries), "service/kubernetes");
    }

    private sealed record Held(HashSet<string> Ips, HashSet<int> Ports)
    {
        public bool Equals(Held? other) => other is not null && Ips.SetEquals(other.Ips) && Ports.SetEquals(other.Ports);
        public override int GetHashCode() => Ips.Count;
    }

    private static async Task<Held> Holdings(Kubectl kubectl, string ns)
    {
        var list = JsonNode.Parse(await kubectl.Ok($"-n {ns} get svc -o json"))!["items"]!.AsArray();
        var ips = list.Select(s => (string)s!["spec"]!["clusterIP"]!).ToHashSet();
        var ports = list.SelectMany(s => s!["spec"]!["ports"]!.AsArray()).Select(p => p!["nodePort"]).Where(p => p is not null).Select(p => (int)p!).ToHashSet();
        Assert.Equal(list.Count, ips.Count);
        return new Held(ips, ports);
    }
}
