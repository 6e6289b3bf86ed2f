using OrleansOrchestrator.EndToEnd.Tests.Infrastructure;

namespace OrleansOrchestrator.EndToEnd.Tests.Networking;

/// <summary>
/// Applications find each other as they do on Kubernetes: by Service name through the cluster DNS, by the
/// environment variables the kubelet injects, through cluster IPs, node ports and load balancer ports made real
/// by the node's kernel rules — real Docker containers, the real kubectl, traffic only on this host.
/// </summary>
public sealed class ServiceTrafficTests(NetworkingFixture net) : IClassFixture<NetworkingFixture>
{
    private Kubectl Kubectl => net.Kubectl;

    private static async Task<string?> Fetch(string url)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(3) };
        try { return (await http.GetStringAsync(url)).Trim(); }
        catch (HttpRequestException) { return null; }
        catch (TaskCanceledException) { return null; }
    }

    /// <summary>The set of pod names that answered <paramref name="requests"/> requests sent from the host.</summary>
    private static async Task<HashSet<string>> Responders(string url, int requests)
    {
        var seen = new HashSet<string>();
        for (var i = 0; i < requests; i++)
            if (await Fetch(url) is { } name) seen.Add(name);
        return seen;
    }

    [Fact]
    public async Task Guestbook_FollowersReachTheLeadersByDnsNameAndByEnvironment_BothLeadersServe()
    {
        await Kubectl.Ok("apply -f -", net.WebPod("kv-leader-a", "kv-leader", port: 6379, portName: "redis"));
        await Kubectl.Ok("apply -f -", net.WebPod("kv-leader-b", "kv-leader", port: 6379, portName: "redis"));
        await Kubectl.Ok("apply -f -", """
            apiVersion: v1
            kind: Service
            metadata: {name: kv-leader}
            spec:
              selector: {app: kv-leader}
              ports: [{port: 6379, targetPort: redis}]
            """);
        await net.WaitForReadyEndpoints(Kubectl, "kv-leader", 2);
        var clusterIp = await net.ClusterIp(Kubectl, "kv-leader");
        // Created after the Service, so the kubelet-style variables name it.
        await Kubectl.Ok("apply -f -", net.ClientPod("kv-follower"));
        await net.WaitForPodReady(Kubectl, "kv-follower");

        var env = await net.InPod("kv-follower", "env");
        Assert.Contains($"KV_LEADER_SERVICE_HOST={clusterIp}", env.Output);
        Assert.Contains("KV_LEADER_SERVICE_PORT=6379", env.Output);
        Assert.Contains($"KV_LEADER_PORT_6379_TCP=tcp://{clusterIp}:6379", env.Output);
        var resolv = await net.InPod("kv-follower", "cat /etc/resolv.conf");
        Assert.Contains("search default.svc.cluster.local svc.cluster.local cluster.local", resolv.Output);
        Assert.Contains("ndots:5", resolv.Output);

        var leaders = new HashSet<string> { "kv-leader-a", "kv-leader-b" };
        var byName = await net.InPod("kv-follower", "wget -q -O - http://kv-leader:6379/");
        Assert.True(byName.ExitCode == 0, byName.Output);
        Assert.Contains(byName.Output.Trim(), leaders);
        var byFqdn = await net.InPod("kv-follower", "wget -q -O - http://kv-leader.default.svc.cluster.local:6379/");
        Assert.Contains(byFqdn.Output.Trim(), leaders);
        var byEnv = await net.InPod("kv-follower", "wget -q -O - http://$KV_LEADER_SERVICE_HOST:$KV_LEADER_SERVICE_PORT/");
        Assert.Contains(byEnv.Output.Trim(), leaders);

        // Spread over both leaders.
        var spread = await net.InPod("kv-follower", "for i in $(seq 1 40); do wget -q -O - http://kv-leader:6379/; done | sort | uniq");
        Assert.Equal(leaders, spread.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).ToHashSet());

        // A leader reaching its own Service may land on itself (hairpin): it answers too.
        var fromLeader = await net.InPod("kv-leader-a", "for i in $(seq 1 40); do wget -q -O - http://kv-leader:6379/; done | sort | uniq");
        Assert.Equal(leaders, fromLeader.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).ToHashSet());

        await Kubectl.Ok("delete pod kv-follower kv-leader-a kv-leader-b --wait=false");
        await Kubectl.Ok("delete svc kv-leader");
    }

    [Fact]
    public async Task PodFailingReadiness_LeavesTheEndpointsAndGetsNoTraffic_ReturnsWhenReady()
    {
        await Kubectl.Ok("apply -f -", net.WebPod("ready-a", "ready"));
        await Kubectl.Ok("apply -f -", net.WebPod("ready-b", "ready"));
        await Kubectl.Ok("apply -f -", """
            apiVersion: v1
            kind: Service
            metadata: {name: ready}
            spec:
              selector: {app: ready}
              ports: [{port: 80, targetPort: http}]
            """);
        var ready = await net.WaitForReadyEndpoints(Kubectl, "ready", 2);
        var ipA = await net.PodIp(Kubectl, "ready-a");
        Assert.Contains(ipA, ready);
        var clusterIp = await net.ClusterIp(Kubectl, "ready");
        await Eventually.True(async () => (await Responders($"http://{clusterIp}/", 20)).SetEquals(["ready-a", "ready-b"]),
            "both pods answering through the cluster IP");

        await net.InPod("ready-a", "rm /tmp/ready");
        var started = DateTime.UtcNow;
        await Eventually.True(async () => (await net.Endpoints(Kubectl, "ready")).NotReady.Contains(ipA),
            "ready-a in notReadyAddresses", TimeSpan.FromSeconds(10));
        Console.WriteLine($"readiness lost → endpoints: {(DateTime.UtcNow - started).TotalMilliseconds:F0} ms");
        await Eventually.True(async () => (await Responders($"http://{clusterIp}/", 20)).SetEquals(["ready-b"]),
            "only ready-b answering");

        await net.InPod("ready-a", "touch /tmp/ready");
        await Eventually.True(async () => (await Responders($"http://{clusterIp}/", 20)).Contains("ready-a"),
            "ready-a answering again");

        await Kubectl.Ok("delete pod ready-a ready-b --wait=false");
        await Kubectl.Ok("delete svc ready");
    }

    [Fact]
    public async Task NodePortAndLoadBalancer_AnswerOnTheNodeAddress()
    {
        await Kubectl.Ok("apply -f -", net.WebPod("np-a", "np"));
        var lbPort = FreePort.Next();
        await Kubectl.Ok("apply -f -", $$"""
            apiVersion: v1
            kind: Service
            metadata: {name: np}
            spec:
              type: NodePort
              selector: {app: np}
              ports: [{port: 80, targetPort: 8080}]
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: lb}
            spec:
              type: LoadBalancer
              selector: {app: np}
              ports: [{port: {{lbPort}}, targetPort: 8080}]
            """);
        await net.WaitForReadyEndpoints(Kubectl, "np", 1);
        var nodePort = int.Parse(await Kubectl.Ok("get svc np -o jsonpath={.spec.ports[0].nodePort}"));
        Assert.InRange(nodePort, net.Silo.NodePortMin, net.Silo.NodePortMax);
        await Eventually.True(async () => await Fetch($"http://127.0.0.1:{nodePort}/") == "np-a", "the node port answering");

        var ingress = await Eventually.Value(async () =>
        {
            var ip = (await Kubectl.Ok("get svc lb -o jsonpath={.status.loadBalancer.ingress[0].ip}")).Trim();
            return ip.Length > 0 ? ip : null;
        }, "the load balancer's address");
        Assert.Equal("127.0.0.1", ingress);
        var table = await Kubectl.Ok("get svc lb");
        Assert.Contains("127.0.0.1", table);
        await Eventually.True(async () => await Fetch($"http://{ingress}:{lbPort}/") == "np-a", "the load balancer port answering");

        await Kubectl.Ok("delete pod np-a --wait=false");
        await Kubectl.Ok("delete svc np lb");
    }

    [Fact]
    public async Task HeadlessService_ResolvesToEveryReadyPod_SrvListsNamedPorts()
    {
        await Kubectl.Ok("apply -f -", net.WebPod("hl-a", "hl"));
        await Kubectl.Ok("apply -f -", net.WebPod("hl-b", "hl"));
        await Kubectl.Ok("apply -f -", net.ClientPod("hl-client"));
        await Kubectl.Ok("apply -f -", """
            apiVersion: v1
            kind: Service
            metadata: {name: hl}
            spec:
              clusterIP: None
              selector: {app: hl}
              ports: [{name: http, port: 8080}]
            """);
        var addresses = await net.WaitForReadyEndpoints(Kubectl, "hl", 2);
        Assert.Equal("None", (await Kubectl.Ok("get svc hl -o jsonpath={.spec.clusterIP}")).Trim());
        await net.WaitForPodReady(Kubectl, "hl-client");

        await Eventually.Value(async () =>
        {
            var (code, output) = await net.InPod("hl-client", "nslookup hl.default.svc.cluster.local");
            return code == 0 && addresses.All(output.Contains) ? output : null;
        }, "both pod addresses in the headless name's answer");

        var srv = await net.InPod("hl-client", "nslookup -type=SRV _http._tcp.hl.default.svc.cluster.local");
        Assert.True(srv.ExitCode == 0, srv.Output);
        Assert.Contains("8080", srv.Output);

        var missing = await net.InPod("hl-client", "nslookup nothing-here.default.svc.cluster.local");
        Assert.Contains("NXDOMAIN", missing.Output);

        await Kubectl.Ok("delete pod hl-a hl-b hl-client --wait=false");
        await Kubectl.Ok("delete svc hl");
    }

    [Fact]
    public async Task OtherTenantsPod_CannotReachThisTenantsPodAddressClusterIpOrName()
    {
        await Kubectl.Ok("apply -f -", net.WebPod("private-web", "private"));
        await Kubectl.Ok("apply -f -", net.ClientPod("friend"));
        await Kubectl.Ok("apply -f -", """
            apiVersion: v1
            kind: Service
            metadata: {name: private}
            spec:
              selector: {app: private}
              ports: [{port: 80, targetPort: 8080}]
            """);
        await net.OtherTenant.Ok("apply -f -", net.ClientPod("intruder"));
        await net.WaitForReadyEndpoints(Kubectl, "private", 1);
        await net.WaitForPodReady(net.OtherTenant, "intruder");
        await net.WaitForPodReady(Kubectl, "friend");
        var podIp = await net.PodIp(Kubectl, "private-web");
        var clusterIp = await net.ClusterIp(Kubectl, "private");

        // The tenant's own pods reach it every way.
        Assert.Equal("private-web", (await net.InPod("friend", $"wget -q -O - http://{podIp}:8080/")).Output.Trim());
        Assert.Equal("private-web", (await net.InPod("friend", $"wget -q -O - http://{clusterIp}/")).Output.Trim());
        Assert.Equal("private-web", (await net.InPod("friend", "wget -q -O - http://private/")).Output.Trim());

        // The other tenant's pod on the same host reaches none of them.
        var byPodIp = await net.InPod("intruder", $"timeout 3 wget -q -O - http://{podIp}:8080/");
        Assert.NotEqual(0, byPodIp.ExitCode);
        var byClusterIp = await net.InPod("intruder", $"timeout 3 wget -q -O - http://{clusterIp}/");
        Assert.NotEqual(0, byClusterIp.ExitCode);
        var byName = await net.InPod("intruder", "nslookup private.default.svc.cluster.local");
        Assert.Contains("NXDOMAIN", byName.Output);

        await Kubectl.Ok("delete pod private-web friend --wait=false");
        await net.OtherTenant.Ok("delete pod intruder --wait=false");
        await Kubectl.Ok("delete svc private");
    }
}
