using System.Diagnostics;
using System.Net.Sockets;
using Microsoft.Extensions.Logging.Abstractions;
using OrleansOrchestrator.Agents.Networking;
using OrleansOrchestrator.Agents.Networking.Proxy;
using OrleansOrchestrator.Agents.Tests.Runtime.Docker;
using OrleansOrchestrator.Contracts.Networking;
using Xunit.Abstractions;

namespace OrleansOrchestrator.Agents.Tests.Networking;

/// <summary>
/// The Service proxy against the real kernel (iptables, nf_tables) and real containers (busybox httpd on docker0).
/// Every test has its own service range (10.250.X.0/24, routed to this host before anything is sent to it), its
/// own node name and so its own chains, and removes its chains, route and containers however it ends. Traffic
/// goes only to the test's cluster IPs (which never leave the host), loopback and the containers' addresses.
/// </summary>
public sealed class ServiceProxyTests(DockerEngineFixture engine, ITestOutputHelper output) : IClassFixture<DockerEngineFixture>, IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    private readonly string _node = $"proxy-test-{Guid.NewGuid():N}"[..22];
    private readonly string _subnet = $"10.250.{Random.Shared.Next(1, 255)}";
    private readonly TestRoutes _routes = new();
    private CancellationTokenSource _stop = new();
    private readonly List<(ServiceProxy Proxy, Task Running)> _proxies = [];
    private readonly HttpClient _http = new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.Zero, ConnectTimeout = TimeSpan.FromSeconds(2) })
    {
        Timeout = TimeSpan.FromSeconds(3),
    };

    private ProxyChainNames Chains => ProxyChainNames.For("agents-tests", _node);

    private string ServiceCidr => $"{_subnet}.0/24";

    private string ClusterIp => $"{_subnet}.10";

    public Task InitializeAsync()
    {
        _routes.Network = new ClusterNetwork { ServiceCidr = ServiceCidr, DnsIp = $"{_subnet}.253" };
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _stop.CancelAsync();
        foreach (var (_, running) in _proxies) await running;
        await ServiceProxy.Cleanup(Chains);
        await HostCommand.Run("ip", ["route", "del", "local", ServiceCidr, "dev", "lo"]);
        var containers = await HostCommand.RunChecked("docker", ["ps", "-aq", "--filter", $"label=io.orleans-orchestrator.test={_node}"]);
        foreach (var id in containers.Split('\n', StringSplitOptions.RemoveEmptyEntries)) await HostCommand.Run("docker", ["rm", "-f", id]);
        var networks = await HostCommand.RunChecked("docker", ["network", "ls", "-q", "--filter", $"label=io.orleans-orchestrator.test={_node}"]);
        foreach (var id in networks.Split('\n', StringSplitOptions.RemoveEmptyEntries)) await HostCommand.Run("docker", ["network", "rm", id]);
        _http.Dispose();
        _stop.Dispose();
    }

    [Fact]
    public async Task A_cluster_IP_balances_the_hosts_requests_over_both_pods_and_stops_sending_to_a_removed_one()
    {
        var a = await StartPod("pod-a");
        var b = await StartPod("pod-b");
        _routes.Set(complete: true, Web(LocalEndpoint(a), LocalEndpoint(b)));
        var proxy = StartProxy();
        await AssertServiceRangeRoutesLocally();

        var seen = new HashSet<string>();
        await Eventually.True(async () =>
        {
            if (await Get($"http://{ClusterIp}/") is { } answer) seen.Add(answer);
            return seen.SetEquals(["pod-a", "pod-b"]);
        }, "both pods answering through the cluster IP", Timeout);

        _routes.Set(complete: true, Web(LocalEndpoint(a)));
        await Eventually.True(async () =>
        {
            for (var i = 0; i < 20; i++)
            {
                if (await Get($"http://{ClusterIp}/") != "pod-a") return false;
            }
            return true;
        }, "only pod-a answering after pod-b left the endpoints", Timeout);
        // The kernel has the rules a moment before the proxy counts the write.
        await Eventually.True(() => proxy.Applies >= 2, "the second write counted", Timeout);
    }

    [Fact]
    public async Task A_Service_without_a_ready_endpoint_refuses_connections_at_once()
    {
        var a = await StartPod("pod-a");
        _routes.Set(complete: true, Web(LocalEndpoint(a) with { Ready = false }));
        var proxy = StartProxy();
        await Eventually.True(() => proxy.Applies >= 1, "rules applied", Timeout);
        await AssertServiceRangeRoutesLocally();

        var clock = Stopwatch.StartNew();
        var refused = await Assert.ThrowsAsync<HttpRequestException>(() => _http.GetStringAsync($"http://{ClusterIp}/"));
        Assert.Equal(SocketError.ConnectionRefused, (refused.InnerException as SocketException)?.SocketErrorCode);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1), $"refused after {clock.Elapsed}");

        // A port the Service does not have is refused too, never answered by something on the host.
        await Assert.ThrowsAsync<HttpRequestException>(() => _http.GetStringAsync($"http://{ClusterIp}:22/"));
    }

    [Fact]
    public async Task A_pod_reaches_a_Service_by_its_cluster_IP_and_a_pod_reaches_itself_through_its_own_Service()
    {
        var a = await StartPod("pod-a");
        var client = await StartPod("client");
        _routes.Set(complete: true, Web(LocalEndpoint(a)), Web(LocalEndpoint(a)) with { Name = "self", ClusterIP = $"{_subnet}.11" });
        StartProxy();
        await AssertServiceRangeRoutesLocally();

        await Eventually.True(async () => await Exec(client, "wget", "-q", "-O", "-", $"http://{ClusterIp}/") == "pod-a", "the client pod reaching pod-a by the cluster IP", Timeout);
        // Hairpin: the reply must come from the Service's address, so the request is masqueraded; and the bridge
        // must send a frame back out of the port it came in on, which the pod network turns on per pod (as the
        // kubelet's --hairpin-mode=hairpin-veth does; Docker does it only without its userland proxy).
        await EnableHairpin(a);
        await Eventually.True(async () => await Exec(a, "wget", "-q", "-O", "-", $"http://{_subnet}.11/") == "pod-a", "pod-a reaching itself by its Service", Timeout);
    }

    [Fact]
    public async Task A_tenants_pods_reach_its_cluster_IPs_and_DNS_and_another_tenants_pods_are_refused()
    {
        var alpha = await CreateTenantNetwork("alpha");
        var beta = await CreateTenantNetwork("beta");
        var a = await StartPod("pod-a", network: alpha.DockerNetwork);
        var sameTenant = await StartPod("alpha-client", network: alpha.DockerNetwork);
        var otherTenant = await StartPod("beta-client", network: beta.DockerNetwork);
        var networks = new TestTenantNetworks([alpha, beta]);

        // The node's DNS server stands in as a TCP listener on alpha's gateway that names itself.
        using var dns = new TcpListener(System.Net.IPAddress.Parse(alpha.Gateway), 0);
        dns.Start();
        var dnsPort = ((System.Net.IPEndPoint)dns.LocalEndpoint).Port;
        _ = Task.Run(async () =>
        {
            while (!_stop.IsCancellationRequested)
            {
                using var connection = await dns.AcceptTcpClientAsync(_stop.Token);
                await connection.GetStream().WriteAsync("dns-of-alpha\n"u8.ToArray(), _stop.Token);
            }
        });

        _routes.Set(complete: true, Web(LocalEndpoint(a)) with { Tenant = "alpha" });
        StartProxy(networks: networks, dnsPort: dnsPort);
        await AssertServiceRangeRoutesLocally();

        await Eventually.True(async () => await Exec(sameTenant, "wget", "-q", "-O", "-", $"http://{ClusterIp}/") == "pod-a", "alpha's pod reaching alpha's Service", Timeout);
        await Eventually.True(async () => await Exec(sameTenant, "nc", $"{_subnet}.253", "53") == "dns-of-alpha", "alpha's pod reaching its DNS address", Timeout);
        Assert.Null(await Exec(otherTenant, "wget", "-q", "-O", "-", $"http://{ClusterIp}/"));
        Assert.Null(await Exec(otherTenant, "nc", $"{_subnet}.253", "53"));
    }

    [Fact]
    public async Task A_pods_host_port_answers_its_own_tenants_pods_and_the_host_and_refuses_another_tenants_pods()
    {
        var alpha = await CreateTenantNetwork("alpha");
        var beta = await CreateTenantNetwork("beta");
        // Published on one of this host's own addresses (alpha's gateway stands in for the node's address): the
        // engine's userland proxy listens there, and a pod of any bridge reaches it through the host.
        var a = await StartPod("pod-a", publish: true, network: alpha.DockerNetwork, publishOn: alpha.Gateway);
        var hostPort = int.Parse((await HostCommand.RunChecked("docker", ["port", a.Name, "8080/tcp"])).Trim().Split('\n')[0].Split(':')[^1]);
        var sameTenant = await StartPod("alpha-client", network: alpha.DockerNetwork);
        var otherTenant = await StartPod("beta-client", network: beta.DockerNetwork);
        var url = $"http://{alpha.Gateway}:{hostPort}/";
        string[] fetch = ["wget", "-q", "-O", "-", url];

        // Without the guard the other tenant's pod gets through: the gap this closes.
        await Eventually.True(async () => await Exec(otherTenant, fetch) == "pod-a", "beta's pod reaching alpha's host port before any guard", Timeout);

        // Alpha's Service has pod-a as an endpoint "on another node" (this host's address, its host port): the
        // proxy's own DNAT to hostIP:hostPort, for the owning tenant's traffic, keeps working.
        var viaHostPort = new RouteEndpoint
        {
            Ip = a.Ip, NodeName = "another-node", HostIP = alpha.Gateway, Ready = true,
            Targets = [new EndpointTarget { Port = 8080, HostPort = hostPort }],
        };
        _routes.Set(complete: true, Web(viaHostPort) with { Tenant = "alpha" });
        StartProxy(networks: new TestTenantNetworks([alpha, beta]), hostPorts: new TestHostPorts([new HostPortOwner("alpha", "TCP", alpha.Gateway, hostPort)]));
        await AssertServiceRangeRoutesLocally();
        await Eventually.True(async () => await Exec(otherTenant, fetch) is null, "beta's pod refused at alpha's host port", Timeout);
        Assert.Equal("pod-a", await Exec(sameTenant, fetch));
        Assert.Equal("pod-a", await Get(url));
        Assert.Equal("pod-a", await Exec(sameTenant, "wget", "-q", "-O", "-", $"http://{ClusterIp}/"));
        // Its own gateway with the same port leads nowhere either: the port is published on one address only.
        Assert.Null(await Exec(otherTenant, "wget", "-q", "-O", "-", $"http://{beta.Gateway}:{hostPort}/"));

        // The guard is in the kernel, not in the agent: it stays while no proxy runs.
        await StopProxies();
        Assert.Null(await Exec(otherTenant, fetch));
        Assert.Equal("pod-a", await Exec(sameTenant, fetch));
    }

    [Fact]
    public async Task A_node_port_answers_on_loopback()
    {
        var a = await StartPod("pod-a");
        var nodePort = FreeNodePort();
        _routes.Set(complete: true, Web(LocalEndpoint(a)) with { Type = "NodePort", Ports = [new RoutePort { Port = 80, NodePort = nodePort }] });
        StartProxy();

        await Eventually.True(async () => await Get($"http://127.0.0.1:{nodePort}/") == "pod-a", "the node port answering on 127.0.0.1", Timeout);
    }

    [Fact]
    public async Task A_load_balancer_answers_on_the_node_address_of_its_nodes_only()
    {
        var a = await StartPod("pod-a");
        var port = FreeNodePort();
        var balancer = Web(LocalEndpoint(a)) with { Type = "LoadBalancer", Ports = [new RoutePort { Port = port }], LoadBalancerNodes = [_node] };
        _routes.Set(complete: true, balancer);
        StartProxy();

        await Eventually.True(async () => await Get($"http://127.0.0.1:{port}/") == "pod-a", "the load balancer port answering on the node's address", Timeout);

        // This node no longer serves it: the port is free again.
        _routes.Set(complete: true, balancer with { LoadBalancerNodes = ["another-node"] });
        await Eventually.True(async () => await Get($"http://127.0.0.1:{port}/") is null, "the load balancer port gone from this node", Timeout);
    }

    [Fact]
    public async Task An_endpoint_on_another_node_is_reached_at_its_host_port()
    {
        var a = await StartPod("pod-a", publish: true);
        var hostPort = int.Parse((await HostCommand.RunChecked("docker", ["port", a.Name, "8080/tcp"])).Trim().Split('\n')[0].Split(':')[^1]);
        var remote = new RouteEndpoint
        {
            Ip = "172.31.255.1", NodeName = "another-node", HostIP = "127.0.0.1", Ready = true,
            Targets = [new EndpointTarget { Port = 8080, HostPort = hostPort }],
        };
        _routes.Set(complete: true, Web(remote));
        StartProxy();
        await AssertServiceRangeRoutesLocally();

        await Eventually.True(async () => await Get($"http://{ClusterIp}/") == "pod-a", "the cluster IP reaching the other node's host port", Timeout);
    }

    [Fact]
    public async Task A_rule_deleted_by_hand_is_put_back_within_seconds()
    {
        var a = await StartPod("pod-a");
        var route = Web(LocalEndpoint(a));
        _routes.Set(complete: true, route);
        var proxy = StartProxy(repairInterval: TimeSpan.FromSeconds(1));
        await AssertServiceRangeRoutesLocally();
        await Eventually.True(async () => await Get($"http://{ClusterIp}/") == "pod-a", "the cluster IP answering", Timeout);

        var chain = Chains.ServicePort(route.Key, "", "tcp");
        await HostCommand.RunChecked("iptables", ["-w", "-t", "nat", "-F", chain]);
        await HostCommand.RunChecked("iptables", ["-w", "-t", "nat", "-D", "OUTPUT", "-m", "comment", "--comment", "orleans-orchestrator service proxy", "-j", Chains.Output]);
        Assert.Null(await Get($"http://{ClusterIp}/"));

        var clock = Stopwatch.StartNew();
        await Eventually.True(async () => await Get($"http://{ClusterIp}/") == "pod-a", "the cluster IP answering again after the repair", Timeout);
        output.WriteLine($"repaired after {clock.ElapsedMilliseconds} ms");
        Assert.True(proxy.Repairs >= 1);
    }

    [Fact]
    public async Task A_restarted_proxy_keeps_the_old_rules_until_its_view_is_complete_then_removes_what_is_stale()
    {
        var a = await StartPod("pod-a");
        var old = Web(LocalEndpoint(a)) with { Name = "old", ClusterIP = $"{_subnet}.11" };
        _routes.Set(complete: true, Web(LocalEndpoint(a)), old);
        StartProxy();
        await Eventually.True(async () => await Get($"http://{_subnet}.11/") == "pod-a", "the first proxy's rules answering", Timeout);

        // The agent stops: traffic keeps flowing.
        await StopProxies();
        Assert.Equal("pod-a", await Get($"http://{_subnet}.11/"));

        // The next one starts with an incomplete view (old missing from it): nothing is removed.
        _routes.Set(complete: false, Web(LocalEndpoint(a)));
        var second = StartProxy();
        await Eventually.True(async () => !(await HostCommand.RunChecked("ip", ["route", "get", ClusterIp])).Contains(" via "), "the route", Timeout);
        await second.SyncNow(force: false, CancellationToken.None);
        Assert.Equal(0, second.Applies);
        Assert.Equal("pod-a", await Get($"http://{_subnet}.11/"));

        // Complete: the deleted Service's chains go.
        _routes.Set(complete: true, Web(LocalEndpoint(a)));
        var oldChain = Chains.ServicePort(old.Key, "", "tcp");
        await Eventually.True(async () => !(await HostCommand.RunChecked("iptables-save", ["-t", "nat"])).Contains(oldChain), "the old Service's chain removed", Timeout);
        Assert.Null(await Get($"http://{_subnet}.11/"));
        Assert.Equal("pod-a", await Get($"http://{ClusterIp}/"));
    }

    [Fact]
    public async Task Cleanup_removes_every_chain_and_jump_of_the_agent_and_nothing_else()
    {
        var a = await StartPod("pod-a");
        _routes.Set(complete: true, Web(LocalEndpoint(a)) with { Type = "NodePort", Ports = [new RoutePort { Port = 80, NodePort = FreeNodePort() }] });
        var proxy = StartProxy();
        await Eventually.True(() => proxy.Applies >= 1, "rules applied", Timeout);
        await StopProxies();
        var before = await SaveAll();
        Assert.Contains(Chains.Prefix, before);

        await ServiceProxy.Cleanup(Chains);

        var after = await SaveAll();
        Assert.DoesNotContain(Chains.Prefix, after);
        // Docker's rules are untouched: those of its default bridge and of this test's container (other tests on
        // the shared engine add and remove their own meanwhile).
        var docker = before.Split('\n').Where(l => l.StartsWith("-A ", StringComparison.Ordinal) && l.Contains("DOCKER")
            && (l.Contains("docker0") || l.Contains(a.Ip))).ToList();
        Assert.NotEmpty(docker);
        Assert.All(docker, rule => Assert.Contains(rule, after));
    }

    [Fact]
    public async Task The_rules_of_an_agent_whose_lease_ran_out_are_removed_and_a_live_agents_stay()
    {
        var gone = new ProxyChainNames($"OO-{Guid.NewGuid():N}"[..9].ToUpperInvariant() + "-");
        var alive = new ProxyChainNames($"OO-{Guid.NewGuid():N}"[..9].ToUpperInvariant() + "-");
        try
        {
            // Two other agents of this host, as their proxies leave them: a chain, and a jump to it from INPUT.
            foreach (var other in new[] { gone, alive })
            {
                await HostCommand.RunChecked("iptables-restore", ["--noflush", "-w"],
                    $"*filter\n:{other.Filter} - [0:0]\n-A {other.Filter} -j RETURN\n-I INPUT 1 -m comment --comment \"orleans-orchestrator service proxy\" -j {other.Filter}\nCOMMIT\n");
            }
            new ProxyLeases(ProxyLeases.DefaultDirectory, new PastTime(ProxyLeases.AbandonedAfter + TimeSpan.FromMinutes(1))).Renew(gone);
            ProxyLeases.Host.Renew(alive);

            _routes.Set(complete: true);
            var started = DateTime.UtcNow;
            var proxy = StartProxy();
            await Eventually.True(() => proxy.Applies >= 1, "rules applied", Timeout);

            var saved = await SaveAll();
            Assert.DoesNotContain(gone.Prefix, saved);
            Assert.True(IptablesState.HasJump(saved, "INPUT", alive.Filter), "the live agent's jump kept");
            Assert.True(IptablesState.HasJump(saved, "INPUT", Chains.Filter), "our own jump written");
            // Our own lease, renewed before the first rule, for the other agents of the host to see.
            Assert.True(ProxyLeases.Host.RenewedAt(Chains.Prefix) >= started.AddSeconds(-1), "this proxy's lease renewed at its start");
        }
        finally
        {
            foreach (var other in new[] { gone, alive }) await ServiceProxy.Cleanup(other);
        }
    }

    /// <summary>The clock of an agent that renewed its lease <paramref name="ago"/> and then died.</summary>
    private sealed class PastTime(TimeSpan ago) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => System.GetUtcNow() - ago;
    }

    private ServiceRoute Web(params RouteEndpoint[] endpoints) => new()
    {
        Tenant = "tests", Namespace = "default", Name = "web", ClusterIP = ClusterIp, Type = "ClusterIP",
        Ports = [new RoutePort { Port = 80 }], Endpoints = endpoints,
    };

    private RouteEndpoint LocalEndpoint(Pod pod) => new()
    {
        Ip = pod.Ip, NodeName = _node, HostIP = "127.0.0.1", PodName = pod.Name, Ready = true,
        Targets = [new EndpointTarget { Port = 8080 }],
    };

    private ServiceProxyOptions Options(TimeSpan repairInterval) => new()
    {
        NodeName = _node, NodeAddresses = ["127.0.0.1"], Chains = Chains, RepairInterval = repairInterval,
    };

    private ServiceProxy StartProxy(TimeSpan? repairInterval = null, ITenantNetworks? networks = null, int? dnsPort = null, IHostPortOwners? hostPorts = null)
    {
        var options = Options(repairInterval ?? TimeSpan.FromSeconds(3)) with { DnsPort = dnsPort };
        var proxy = new ServiceProxy(_routes, networks ?? new NoTenantNetworks(), options, NullLogger<ServiceProxy>.Instance, hostPorts);
        _proxies.Add((proxy, Task.Run(() => proxy.Run(_stop.Token))));
        return proxy;
    }

    private async Task StopProxies()
    {
        await _stop.CancelAsync();
        foreach (var (_, running) in _proxies) await running;
        _proxies.Clear();
        _stop.Dispose();
        _stop = new CancellationTokenSource();
    }

    private async Task AssertServiceRangeRoutesLocally()
    {
        await Eventually.True(async () => (await HostCommand.Run("ip", ["route", "get", ClusterIp])).Output.StartsWith("local ", StringComparison.Ordinal),
            "the service range routed to this host", Timeout);
        Assert.DoesNotContain(" via ", await HostCommand.RunChecked("ip", ["route", "get", ClusterIp]));
    }

    /// <summary>One request on a new connection: the body, or null when nothing answered.</summary>
    private async Task<string?> Get(string url)
    {
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, url);
            request.Headers.ConnectionClose = true;
            using var response = await _http.SendAsync(request);
            return (await response.Content.ReadAsStringAsync()).Trim();
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return null;
        }
    }

    private sealed record Pod(string Name, string Ip);

    private async Task<Pod> StartPod(string text, bool publish = false, string? network = null, string publishOn = "127.0.0.1")
    {
        var name = $"{_node}-{text}";
        List<string> args = ["run", "-d", "--name", name, "--label", $"io.orleans-orchestrator.test={_node}"];
        if (publish) args.AddRange(["-p", $"{publishOn}::8080"]);
        if (network is not null) args.AddRange(["--network", network]);
        args.AddRange([DockerEngineFixture.TestImage, "sh", "-c", $"mkdir -p /www && echo {text} > /www/index.html && exec httpd -f -p 8080 -h /www"]);
        await HostCommand.RunChecked("docker", args);
        var networks = (await engine.Docker.Containers.InspectContainerAsync(name)).NetworkSettings.Networks;
        var ip = networks[network ?? "bridge"].IPAddress;
        await Eventually.True(async () => await Get($"http://{ip}:8080/") == text, $"{name} answering on its own address", Timeout);
        return new Pod(name, ip);
    }

    /// <summary>Runs a command in a pod with a deadline: its output, or null when it failed or did not finish in time.</summary>
    private static async Task<string?> Exec(Pod pod, params string[] command)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(4));
        try
        {
            var result = await HostCommand.Run("docker", ["exec", pod.Name, .. command], cancellationToken: deadline.Token);
            return result.Succeeded ? result.Output.Trim() : null;
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    private static async Task EnableHairpin(Pod pod)
    {
        var index = (await HostCommand.RunChecked("docker", ["exec", pod.Name, "cat", "/sys/class/net/eth0/iflink"])).Trim();
        var links = await HostCommand.RunChecked("ip", ["-o", "link"]);
        var veth = links.Split('\n').Single(l => l.StartsWith(index + ": ", StringComparison.Ordinal)).Split(' ')[1].Split('@')[0].TrimEnd(':');
        await File.WriteAllTextAsync($"/sys/class/net/{veth}/brport/hairpin_mode", "1");
    }

    /// <summary>A bridge network of the test's own, as a tenant's network would be (bridge name ≤ 15 characters).</summary>
    private async Task<TenantNetwork> CreateTenantNetwork(string tenant)
    {
        var name = $"{_node}-{tenant}";
        var bridge = $"oopx{Guid.NewGuid():N}"[..12];
        await HostCommand.RunChecked("docker", ["network", "create", "-o", $"com.docker.network.bridge.name={bridge}", "--label", $"io.orleans-orchestrator.test={_node}", name]);
        var config = (await HostCommand.RunChecked("docker", ["network", "inspect", "-f", "{{(index .IPAM.Config 0).Subnet}} {{(index .IPAM.Config 0).Gateway}}", name])).Trim().Split(' ');
        return new TenantNetwork(tenant, name, bridge, config[0], config[1]);
    }

    private static int FreeNodePort()
    {
        while (true)
        {
            var port = Random.Shared.Next(30000, 32768);
            try
            {
                using var listener = new TcpListener(System.Net.IPAddress.Any, port);
                listener.Start();
                return port;
            }
            catch (SocketException)
            {
            }
        }
    }

    private static async Task<string> SaveAll() =>
        await HostCommand.RunChecked("iptables-save", ["-t", "nat"]) + await HostCommand.RunChecked("iptables-save", ["-t", "filter"]);

    private sealed class TestHostPorts(IReadOnlyList<HostPortOwner> known) : IHostPortOwners
    {
        public IReadOnlyList<HostPortOwner> Known => known;

        public bool Complete => true;

        public event Action? Changed { add { } remove { } }

        public void Guarded(IReadOnlyCollection<HostPortOwner> ports)
        {
        }
    }

    private sealed class TestTenantNetworks(IReadOnlyList<TenantNetwork> known) : ITenantNetworks
    {
        public IReadOnlyList<TenantNetwork> Known => known;

        public Task<TenantNetwork> Ensure(string tenant, CancellationToken cancellationToken) => Task.FromResult(known.Single(n => n.Tenant == tenant));

        public event Action? Changed { add { } remove { } }
    }

    /// <summary>Routes set by the test, as the directory client would hold them.</summary>
    private sealed class TestRoutes : IServiceRoutes
    {
        public ClusterNetwork? Network { get; set; }

        public bool Complete { get; private set; }

        public IReadOnlyDictionary<string, ServiceRoute> Routes { get; private set; } = new Dictionary<string, ServiceRoute>();

        public event Action? Changed;

        public void Set(bool complete, params ServiceRoute[] routes)
        {
            Routes = routes.ToDictionary(r => r.Key);
            Complete = complete;
            Changed?.Invoke();
        }
    }
}
