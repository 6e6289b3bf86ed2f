using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Contracts.Networking;
using OrleansOrchestrator.Silo.Networking;

namespace OrleansOrchestrator.Silo.Tests.Networking;

public sealed class ServiceAllocatorTests
{
    private static readonly ClusterNetwork Network = ClusterNetworks.Create(ServiceRange.Parse("10.200.7.0/24"), 30000, 30015);
    private static readonly ServiceRange Range = ServiceRange.Parse(Network.ServiceCidr);

    /// <summary>30000 is this silo's own gateway port (Orleans' default): node-port rules would capture its traffic.</summary>
    private readonly ServiceAllocator _allocator = new(Network, [30000], new Random(3));

    private static Service Svc(string name, string? type = null, string? clusterIP = null, params ServicePort[] ports) =>
        Samples.Service(name, ports) with { Spec = Samples.Service(name, ports).Spec with { Type = type ?? "ClusterIP", ClusterIP = clusterIP } };

    private static ServicePort Port(int port, int? nodePort = null, string protocol = "TCP", string? name = null) =>
        new() { Port = port, NodePort = nodePort, Protocol = protocol, Name = name };

    private static string Owner(string name) => ServiceAllocator.Owner("t1", "default", name);

    private Service Create(Service service)
    {
        var result = _allocator.Allocate(Owner(service.Metadata.Name!), null, service, dryRun: false);
        Assert.True(result.Succeeded, result.Error?.Message);
        return (Service)result.Object!;
    }

    private string Refusal(Service? old, Service service, bool dryRun = false)
    {
        var result = _allocator.Allocate(Owner(service.Metadata.Name!), old, service, dryRun);
        Assert.False(result.Succeeded, "allocated " + ((Service?)result.Object)?.Spec.ClusterIP);
        Assert.Equal(422, result.Error!.Code);
        return result.Error.Message;
    }

    [Fact]
    public void EmptyClusterIP_GetsAnAddressOfTheRange_NeverTheKubernetesOrDnsOne_AndNeverTwice()
    {
        var ips = Enumerable.Range(0, 252).Select(i => Create(Svc($"s{i}")).Spec.ClusterIP!).ToList();
        Assert.Equal(252, ips.Distinct().Count());
        Assert.All(ips, ip => Assert.NotNull(Range.UsableOffset(ip)));
        Assert.DoesNotContain("10.200.7.1", ips);
        Assert.DoesNotContain("10.200.7.10", ips);
        var full = _allocator.Allocate(Owner("one-more"), null, Svc("one-more"), false);
        Assert.Equal(500, full.Error!.Code);
        Assert.Equal("Internal error occurred: failed to allocate a serviceIP: range is full", full.Error.Message);
    }

    [Fact]
    public void AllocatedClusterIP_IsAlsoTheOnlyEntryOfClusterIPs()
    {
        var spec = Create(Svc("web")).Spec;
        Assert.Equal([spec.ClusterIP!], spec.ClusterIPs!);
    }

    [Fact]
    public void RequestedClusterIP_IsHonoured_ThenRefusedToAnother_WithKubernetesMessage()
    {
        Assert.Equal("10.200.7.50", Create(Svc("first", clusterIP: "10.200.7.50")).Spec.ClusterIP);
        Assert.Equal(
            "Service \"second\" is invalid: spec.clusterIPs: Invalid value: []string{\"10.200.7.50\"}: failed to allocate IP 10.200.7.50: provided IP is already allocated",
            Refusal(null, Svc("second", clusterIP: "10.200.7.50")));
    }

    [Theory]
    [InlineData("10.96.0.5")]
    [InlineData("10.200.7.0")]
    [InlineData("10.200.7.255")]
    public void RequestedClusterIP_OutsideTheRange_IsRefused(string ip) =>
        Assert.Equal(
            $"Service \"web\" is invalid: spec.clusterIPs: Invalid value: []string{{\"{ip}\"}}: failed to allocate IP {ip}: the provided IP ({ip}) is not in the valid range. The range of valid IPs is 10.200.7.0/24",
            Refusal(null, Svc("web", clusterIP: ip)));

    [Fact]
    public void RequestedClusterIP_ThatIsNoAddress_IsRefused() =>
        Assert.Equal(
            "Service \"web\" is invalid: spec.clusterIPs[0]: Invalid value: \"ten.0.0.1\": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)",
            Refusal(null, Svc("web", clusterIP: "ten.0.0.1")));

    [Fact]
    public void KubernetesAndDnsAddresses_AreRefusedToOtherServices_ButEveryTenantsKubernetesServiceHasTheFirst()
    {
        Assert.Contains("provided IP is already allocated", Refusal(null, Svc("web", clusterIP: "10.200.7.1")));
        Assert.Contains("provided IP is already allocated", Refusal(null, Svc("web", clusterIP: "10.200.7.10")));
        foreach (var tenant in new[] { "t1", "t2" })
        {
            var kubernetes = Svc("kubernetes", clusterIP: "10.200.7.1") with { Metadata = new ObjectMeta { Name = "kubernetes", Namespace = "default" } };
            var result = _allocator.Allocate(ServiceAllocator.Owner(tenant, "default", "kubernetes"), null, kubernetes, false);
            Assert.True(result.Succeeded, result.Error?.Message);
        }
        Assert.Contains("provided IP is already allocated",
            _allocator.Allocate(ServiceAllocator.Owner("t1", "other", "kubernetes"), null, Svc("kubernetes", clusterIP: "10.200.7.1"), false).Error!.Message);
    }

    [Fact]
    public void Headless_StaysNone_AndTakesNothing()
    {
        var headless = Create(Svc("db", clusterIP: "None"));
        Assert.Equal("None", headless.Spec.ClusterIP);
        Assert.Equal(["None"], headless.Spec.ClusterIPs!);
        Assert.Equal(0, _allocator.ClusterIps.HeldCount);
        var updated = _allocator.Allocate(Owner("db"), headless, Svc("db"), false);
        Assert.Equal("None", ((Service)updated.Object!).Spec.ClusterIP);
    }

    [Fact]
    public void ExternalName_HasNoClusterIP_AndDropsOneCarriedFromItsPreviousType()
    {
        var external = Create(Svc("alias", "ExternalName") with { Spec = Svc("alias", "ExternalName").Spec with { ExternalName = "example.com", Ports = null } });
        Assert.Null(external.Spec.ClusterIP);

        var web = Create(Svc("web"));
        var retyped = _allocator.Allocate(Owner("web"), web, web with { Spec = web.Spec with { Type = "ExternalName", ExternalName = "example.com" } }, false);
        Assert.Null(((Service)retyped.Object!).Spec.ClusterIP);
        _allocator.Committed(Owner("web"), web, (Service)retyped.Object!);
        Assert.Equal(0, _allocator.ClusterIps.HeldCount);
    }

    [Fact]
    public void Update_WithoutClusterIP_KeepsTheAllocatedOne_AndAChangedOneIsRefused()
    {
        var stored = Create(Svc("web"));
        var kept = _allocator.Allocate(Owner("web"), stored, Svc("web"), false);
        Assert.Equal(stored.Spec.ClusterIP, ((Service)kept.Object!).Spec.ClusterIP);
        Assert.Equal(
            "Service \"web\" is invalid: spec.clusterIPs[0]: Invalid value: []string{\"10.200.7.99\"}: may not change once set",
            Refusal(stored, Svc("web", clusterIP: "10.200.7.99")));
    }

    [Fact]
    public void NodePorts_AreAllocatedPerPort_InTheRange_NeverTheSilosOwn()
    {
        var services = Enumerable.Range(0, 5).Select(i => Create(Svc($"np{i}", "NodePort", null, Port(80, name: "http"), Port(443, name: "https")))).ToList();
        var nodePorts = services.SelectMany(s => s.Spec.Ports!.Select(p => p.NodePort!.Value)).ToList();
        Assert.Equal(10, nodePorts.Distinct().Count());
        Assert.All(nodePorts, p => Assert.InRange(p, 30001, 30015));
        Assert.DoesNotContain(30000, nodePorts);
    }

    [Fact]
    public void OnePortNumberOverTwoProtocols_SharesOneNodePort()
    {
        var dns = Create(Svc("dns", "NodePort", null, Port(53, protocol: "UDP", name: "dns"), Port(53, protocol: "TCP", name: "dns-tcp")));
        Assert.Equal(dns.Spec.Ports![0].NodePort, dns.Spec.Ports[1].NodePort);
    }

    [Fact]
    public void RequestedNodePort_TakenOrOutOfRangeOrTheSilos_IsRefused_AndTheRefusedCreateKeepsNothing()
    {
        Create(Svc("first", "NodePort", null, Port(80, 30007)));
        var ipsBefore = _allocator.ClusterIps.HeldCount;
        Assert.Equal(
            "Service \"second\" is invalid: spec.ports[1].nodePort: Invalid value: 30007: provided port is already allocated",
            Refusal(null, Svc("second", "NodePort", null, Port(81, 30008, name: "a"), Port(80, 30007, name: "b"))));
        Assert.Equal(ipsBefore, _allocator.ClusterIps.HeldCount);
        Assert.Null(_allocator.NodePorts.Holder(30008));
        Assert.Contains("spec.ports[0].nodePort: Invalid value: 30000: provided port is already allocated",
            Refusal(null, Svc("third", "NodePort", null, Port(80, 30000))));
        Assert.Contains("spec.ports[0].nodePort: Invalid value: 31000: provided port is not in the valid range. The range of valid ports is 30000-30015",
            Refusal(null, Svc("third", "NodePort", null, Port(80, 31000))));
    }

    [Fact]
    public void LoadBalancer_GetsNodePorts_UnlessAllocateLoadBalancerNodePortsIsFalse()
    {
        Assert.NotNull(Create(Svc("lb", "LoadBalancer")).Spec.Ports![0].NodePort);
        var without = Svc("lb2", "LoadBalancer") with { Spec = Svc("lb2", "LoadBalancer").Spec with { AllocateLoadBalancerNodePorts = false } };
        Assert.Null(Create(without).Spec.Ports![0].NodePort);
    }

    [Fact]
    public void TypeChange_ClusterIPToNodePort_Allocates_AndNodePortToClusterIP_ReleasesOnceCommitted()
    {
        var clusterIp = Create(Svc("web"));
        var asNodePort = (Service)_allocator.Allocate(Owner("web"), clusterIp, clusterIp with { Spec = clusterIp.Spec with { Type = "NodePort" } }, false).Object!;
        var nodePort = asNodePort.Spec.Ports![0].NodePort!.Value;
        Assert.Equal(Owner("web"), _allocator.NodePorts.Holder(nodePort));
        _allocator.Committed(Owner("web"), clusterIp, asNodePort);

        // kubectl apply keeps the node port in the merged object; with the type it goes.
        var back = (Service)_allocator.Allocate(Owner("web"), asNodePort, asNodePort with { Spec = asNodePort.Spec with { Type = "ClusterIP" } }, false).Object!;
        Assert.Null(back.Spec.Ports![0].NodePort);
        Assert.Equal(Owner("web"), _allocator.NodePorts.Holder(nodePort)); // not before the write is durable
        _allocator.Committed(Owner("web"), asNodePort, back);
        Assert.Null(_allocator.NodePorts.Holder(nodePort));
        Assert.Equal(asNodePort.Spec.ClusterIP, back.Spec.ClusterIP);
    }

    [Fact]
    public void Update_WithoutNodePorts_KeepsThem()
    {
        var stored = Create(Svc("web", "NodePort", null, Port(80)));
        var replaced = (Service)_allocator.Allocate(Owner("web"), stored, Svc("web", "NodePort", null, Port(80)), false).Object!;
        Assert.Equal(stored.Spec.Ports![0].NodePort, replaced.Spec.Ports![0].NodePort);
        Assert.Equal(1, _allocator.NodePorts.HeldCount);
    }

    [Fact]
    public void Abandon_GivesBackWhatTheWriteTook_ButNotWhatTheStoredVersionHolds()
    {
        var stored = Create(Svc("web", "NodePort", null, Port(80, name: "http")));
        var twoPorts = (Service)_allocator.Allocate(Owner("web"), stored,
            Svc("web", "NodePort", null, Port(80, name: "http"), Port(81, name: "extra")), false).Object!;
        Assert.Equal(2, _allocator.NodePorts.HeldCount);
        _allocator.Abandon(Owner("web"), stored, twoPorts);
        Assert.Equal(1, _allocator.NodePorts.HeldCount);
        Assert.Equal(Owner("web"), _allocator.NodePorts.Holder(stored.Spec.Ports![0].NodePort!.Value));
        Assert.Equal(Owner("web"), _allocator.ClusterIps.Holder(Range.UsableOffset(stored.Spec.ClusterIP!)!.Value));
    }

    [Fact]
    public void DryRun_DecidesTheSame_ButTakesNothing()
    {
        var dry = _allocator.Allocate(Owner("web"), null, Svc("web", "NodePort", "10.200.7.77", Port(80, 30009)), dryRun: true);
        Assert.True(dry.Succeeded);
        Assert.Equal(0, _allocator.ClusterIps.HeldCount);
        Assert.Equal(0, _allocator.NodePorts.HeldCount);
        Create(Svc("other", clusterIP: "10.200.7.77"));
        Refusal(null, Svc("web", clusterIP: "10.200.7.77"), dryRun: true);
    }

    [Fact]
    public void Delete_ReleasesClusterIPAndNodePorts_SoTheSameCanBeAskedForAgain()
    {
        var stored = Create(Svc("web", "NodePort", "10.200.7.80", Port(80, 30011)));
        _allocator.Committed(Owner("web"), stored, null);
        Assert.Equal("10.200.7.80", Create(Svc("again", "NodePort", "10.200.7.80", Port(80, 30011))).Spec.ClusterIP);
    }

    [Fact]
    public void Repair_FromTheStore_HoldsWhatStoredServicesHold_SoARebuiltAllocatorNeverHandsThemOut()
    {
        var stored = Enumerable.Range(0, 200).Select(i => Create(Svc($"s{i}", i % 20 == 0 ? "NodePort" : "ClusterIP"))).ToList();
        var kubernetes = Svc("kubernetes", clusterIP: "10.200.7.1") with { Metadata = new ObjectMeta { Name = "kubernetes", Namespace = "default" } };
        var rebuilt = new ServiceAllocator(Network, [30000], new Random(99));
        var problems = rebuilt.Repair([.. stored.Select(s => (Owner(s.Metadata.Name!), s)), (Owner("kubernetes"), kubernetes)]);
        Assert.Empty(problems);

        var taken = stored.Select(s => s.Spec.ClusterIP).ToHashSet();
        var takenPorts = stored.SelectMany(s => s.Spec.Ports!).Select(p => p.NodePort).Where(p => p is not null).ToHashSet();
        for (var i = 0; i < 52; i++)
        {
            var fresh = (Service)rebuilt.Allocate(Owner($"new{i}"), null, Svc($"new{i}", i < 5 ? "NodePort" : "ClusterIP"), false).Object!;
            Assert.DoesNotContain(fresh.Spec.ClusterIP, taken);
            Assert.DoesNotContain(fresh.Spec.Ports![0].NodePort, takenPorts.Where(p => fresh.Spec.Ports[0].NodePort is not null));
        }
    }
}
