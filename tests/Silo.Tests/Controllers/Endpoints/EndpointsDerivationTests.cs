using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Silo.Controllers.Endpoints;
using OrleansOrchestrator.Silo.Kinds.EndpointSlices;

namespace OrleansOrchestrator.Silo.Tests.Controllers.Endpoints;

/// <summary>
/// The pure derivation of a Service's Endpoints, EndpointSlices and route from its pods, against the
/// behaviour of Kubernetes' endpoints and EndpointSlice controllers.
/// </summary>
public sealed class EndpointsDerivationTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 2, 10, 0, 0, TimeSpan.Zero);

    private static Service Service(string name = "web", bool publishNotReady = false, string? clusterIP = "10.96.0.20", string type = "ClusterIP", params ServicePort[] ports) => new()
    {
        ApiVersion = "v1",
        Kind = "Service",
        Metadata = new ObjectMeta { Name = name, Namespace = "default", Uid = "svc-uid", ResourceVersion = "7" },
        Spec = new ServiceSpec
        {
            Type = type,
            ClusterIP = clusterIP,
            Selector = Samples.Labels(("app", "web")),
            PublishNotReadyAddresses = publishNotReady,
            Ports = ports.Length == 0 ? [new ServicePort { Port = 80, Protocol = "TCP", TargetPort = 8080 }] : ports,
        },
    };

    private static Pod Pod(string name, string? ip, bool ready = true, string node = "node-1", bool terminating = false, string phase = "Running",
        IReadOnlyList<ContainerPort>? containerPorts = null, string app = "web") => new()
    {
        ApiVersion = "v1",
        Kind = "Pod",
        Metadata = new ObjectMeta
        {
            Name = name,
            Namespace = "default",
            Uid = name + "-uid",
            Labels = Samples.Labels(("app", app)),
            DeletionTimestamp = terminating ? Now : null,
        },
        Spec = new PodSpec { NodeName = node, Containers = [new Container { Name = "app", Image = "nginx", Ports = containerPorts }] },
        Status = new PodStatus
        {
            Phase = phase,
            PodIP = ip,
            HostIP = "192.168.1." + node[^1],
            Conditions = [new Condition { Type = "Ready", Status = ready ? "True" : "False" }],
        },
    };

    private static IReadOnlyList<string> Ips(IEnumerable<EndpointAddress>? addresses) => (addresses ?? []).Select(a => a.Ip).ToList();

    [Fact]
    public void ReadyPodsAreAddresses_OthersNotReadyAddresses_PodsWithoutAnAddressOrFinishedOrUnselectedLeftOut()
    {
        var service = Service();
        var pods = new[]
        {
            Pod("a", "10.244.0.10"),
            Pod("b", "10.244.0.9", ready: false),
            Pod("c", null),
            Pod("d", "10.244.0.11", phase: "Succeeded"),
            Pod("e", "10.244.0.12", app: "other"),
            Pod("f", "10.244.0.2"),
        };

        var subset = Assert.Single(EndpointsBuilder.Subsets(service, ServicePods.Endpoints(service, pods)));

        Assert.Equal(["10.244.0.2", "10.244.0.10"], Ips(subset.Addresses));   // numeric address order
        Assert.Equal(["10.244.0.9"], Ips(subset.NotReadyAddresses));
        var port = Assert.Single(subset.Ports!);
        Assert.Equal((null, 8080, "TCP"), (port.Name, port.Port, port.Protocol));
        var first = subset.Addresses![1];
        Assert.Equal("node-1", first.NodeName);
        Assert.Equal(("Pod", "default", "a", "a-uid"), (first.TargetRef!.Kind, first.TargetRef.Namespace, first.TargetRef.Name, first.TargetRef.Uid));
    }

    [Fact]
    public void TerminatingPod_LeavesTheEndpoints_AndIsNotReadyButServingInItsSlice()
    {
        var service = Service();
        var endpoints = ServicePods.Endpoints(service, [Pod("a", "10.244.0.10"), Pod("b", "10.244.0.11", terminating: true)]);

        var subset = Assert.Single(EndpointsBuilder.Subsets(service, endpoints));
        Assert.Equal(["10.244.0.10"], Ips(subset.Addresses));
        Assert.Null(subset.NotReadyAddresses);

        var slice = Assert.Single(SliceBuilder.Desired(service, endpoints));
        var going = slice.Endpoints!.Single(e => e.Addresses[0] == "10.244.0.11").Conditions!;
        Assert.Equal((false, true, true), (going.Ready, going.Serving, going.Terminating));
        var staying = slice.Endpoints!.Single(e => e.Addresses[0] == "10.244.0.10").Conditions!;
        Assert.Equal((true, true, false), (staying.Ready, staying.Serving, staying.Terminating));

        var route = RouteBuilder.FromPods("t", service, endpoints, []);
        Assert.False(route.Endpoints.Single(e => e.PodName == "b").Ready);
        Assert.True(route.Endpoints.Single(e => e.PodName == "b").Terminating);
    }

    [Fact]
    public void PublishNotReadyAddresses_PutsEveryPodInAddresses_AndMarksThemReady()
    {
        var service = Service(publishNotReady: true);
        var endpoints = ServicePods.Endpoints(service, [Pod("a", "10.244.0.10", ready: false), Pod("b", "10.244.0.11", terminating: true)]);

        var subset = Assert.Single(EndpointsBuilder.Subsets(service, endpoints));
        Assert.Equal(["10.244.0.10", "10.244.0.11"], Ips(subset.Addresses));
        Assert.Null(subset.NotReadyAddresses);
        Assert.All(Assert.Single(SliceBuilder.Desired(service, endpoints)).Endpoints!, e => Assert.True(e.Conditions!.Ready));
        var notServing = Assert.Single(SliceBuilder.Desired(service, endpoints)).Endpoints!.Single(e => e.Addresses[0] == "10.244.0.10");
        Assert.False(notServing.Conditions!.Serving);
    }

    [Fact]
    public void NamedTargetPort_ResolvedPerPod_PodsListeningOnDifferentNumbersAreInDifferentSubsetsAndSlices()
    {
        var service = Service(ports: new ServicePort { Name = "http", Port = 80, Protocol = "TCP", TargetPort = "web" });
        var pods = new[]
        {
            Pod("old", "10.244.0.10", containerPorts: [new ContainerPort { Name = "web", Number = 8080 }]),
            Pod("new", "10.244.0.11", containerPorts: [new ContainerPort { Name = "web", Number = 9090 }]),
            Pod("twin", "10.244.0.12", containerPorts: [new ContainerPort { Name = "web", Number = 9090 }]),
            // Same name, other protocol: no match, so this pod serves nothing of the Service.
            Pod("udp", "10.244.0.13", containerPorts: [new ContainerPort { Name = "web", Number = 7070, Protocol = "UDP" }]),
        };
        var endpoints = ServicePods.Endpoints(service, pods);

        var subsets = EndpointsBuilder.Subsets(service, endpoints);
        Assert.Equal(2, subsets.Count);
        Assert.Equal(["10.244.0.10"], Ips(subsets.Single(s => s.Ports![0].Port == 8080).Addresses));
        Assert.Equal(["10.244.0.11", "10.244.0.12"], Ips(subsets.Single(s => s.Ports![0].Port == 9090).Addresses));
        Assert.All(subsets, s => Assert.Equal("http", s.Ports![0].Name));

        var slices = SliceBuilder.Desired(service, endpoints);
        Assert.Equal(2, slices.Count);
        Assert.Equal(["10.244.0.10"], slices.Single(s => s.Ports![0].Port == 8080).Endpoints!.Select(e => e.Addresses[0]));
        Assert.Equal(2, slices.Single(s => s.Ports![0].Port == 9090).Endpoints!.Count);
        Assert.NotEqual(slices[0].Metadata.Name, slices[1].Metadata.Name);

        var route = RouteBuilder.FromPods("t", service, endpoints, []);
        Assert.Equal(8080, Assert.Single(route.Endpoints.Single(e => e.PodName == "old").Targets).Port);
        Assert.Empty(route.Endpoints.Single(e => e.PodName == "udp").Targets);
    }

    [Fact]
    public void PodResolvingOnlySomePorts_IsListedWithThosePortsOnly()
    {
        var service = Service(ports:
        [
            new ServicePort { Name = "http", Port = 80, Protocol = "TCP", TargetPort = "web" },
            new ServicePort { Name = "metrics", Port = 9100, Protocol = "TCP", TargetPort = 9100 },
        ]);
        var endpoints = ServicePods.Endpoints(service,
        [
            Pod("full", "10.244.0.10", containerPorts: [new ContainerPort { Name = "web", Number = 8080 }]),
            Pod("bare", "10.244.0.11"),
        ]);

        var subsets = EndpointsBuilder.Subsets(service, endpoints);
        Assert.Equal(2, subsets.Count);
        Assert.Equal(["metrics"], subsets.Single(s => Ips(s.Addresses).Contains("10.244.0.11")).Ports!.Select(p => p.Name));
        Assert.Equal(["http", "metrics"], subsets.Single(s => Ips(s.Addresses).Contains("10.244.0.10")).Ports!.Select(p => p.Name));
    }

    [Fact]
    public void Hostname_IsSetOnlyWhenThePodsSubdomainNamesTheService()
    {
        var service = Service(name: "db");
        var named = Pod("db-0", "10.244.0.10") with { Spec = Pod("db-0", null).Spec with { Hostname = "db-0", Subdomain = "db" } };
        var elsewhere = Pod("db-1", "10.244.0.11") with { Spec = Pod("db-1", null).Spec with { Hostname = "db-1", Subdomain = "other" } };
        var endpoints = ServicePods.Endpoints(service, [named, elsewhere]);

        var addresses = Assert.Single(EndpointsBuilder.Subsets(service, endpoints)).Addresses!;
        Assert.Equal("db-0", addresses.Single(a => a.Ip == "10.244.0.10").Hostname);
        Assert.Null(addresses.Single(a => a.Ip == "10.244.0.11").Hostname);
        Assert.Equal("db-0", Assert.Single(SliceBuilder.Desired(service, endpoints)).Endpoints!.Single(e => e.Addresses[0] == "10.244.0.10").Hostname);
        Assert.Equal("db-0", RouteBuilder.FromPods("t", service, endpoints, []).Endpoints.Single(e => e.PodName == "db-0").Hostname);
    }

    [Fact]
    public void Route_CarriesEachEndpointsHostAddressAndThePublishedNodePortOfEachTargetPort()
    {
        var service = Service(type: "NodePort", ports:
        [
            new ServicePort { Name = "http", Port = 80, Protocol = "TCP", TargetPort = 8080, NodePort = 30080 },
            new ServicePort { Name = "dns", Port = 53, Protocol = "UDP", TargetPort = 5353 },
        ]);
        var pod = Pod("a", "172.18.0.5", node: "node-2") with
        {
            Status = Pod("a", "172.18.0.5", node: "node-2").Status! with
            {
                HostPorts =
                [
                    new HostPortBinding { ContainerPort = 8080, Protocol = "TCP", HostIP = "192.168.1.2", HostPort = 31001 },
                    new HostPortBinding { ContainerPort = 5353, Protocol = "TCP", HostIP = "192.168.1.2", HostPort = 31002 },
                ],
            },
        };

        var route = RouteBuilder.FromPods("tenant-a", service, ServicePods.Endpoints(service, [pod]), []);

        Assert.Equal(("tenant-a/default/web", "NodePort", "10.96.0.20", "7"), (route.Key, route.Type, route.ClusterIP, route.ResourceVersion));
        Assert.Equal([("http", 80, 30080), ("dns", 53, (int?)null)], route.Ports.Select(p => (p.Name, p.Port, p.NodePort)));
        var endpoint = Assert.Single(route.Endpoints);
        Assert.Equal(("172.18.0.5", "node-2", "192.168.1.2", true), (endpoint.Ip, endpoint.NodeName, endpoint.HostIP, endpoint.Ready));
        Assert.Equal(31001, endpoint.Targets.Single(t => t.PortName == "http").HostPort);
        // The UDP port's published binding is TCP: not the same port.
        Assert.Null(endpoint.Targets.Single(t => t.PortName == "dns").HostPort);
    }

    [Theory]
    [InlineData("None", null, true)]
    [InlineData("", null, true)]
    [InlineData(null, null, true)]
    [InlineData("10.96.0.20", "10.96.0.20", false)]
    public void Route_ClusterIP_NoneAndUnallocatedHaveNoVirtualAddress(string? clusterIP, string? routed, bool headless)
    {
        var route = RouteBuilder.FromPods("t", Service(clusterIP: clusterIP), [], []);
        Assert.Equal(routed, route.ClusterIP);
        Assert.Equal(headless, route.Headless);
    }

    [Fact]
    public void HeadlessServiceWithoutPorts_ListsItsPodsWithoutPorts()
    {
        var service = Service(clusterIP: "None") with { Spec = Service(clusterIP: "None").Spec with { Ports = null } };
        var endpoints = ServicePods.Endpoints(service, [Pod("a", "10.244.0.10")]);

        var subset = Assert.Single(EndpointsBuilder.Subsets(service, endpoints));
        Assert.Equal(["10.244.0.10"], Ips(subset.Addresses));
        Assert.Null(subset.Ports);
        Assert.Equal("", EndpointsBuilder.Labels(service)![EndpointsBuilder.HeadlessLabel]);
        var slice = Assert.Single(SliceBuilder.Desired(service, endpoints));
        Assert.Single(slice.Endpoints!);
        Assert.Empty(slice.Ports!);
    }

    [Fact]
    public void ExternalNameService_RoutesAsADnsAlias()
    {
        var service = Service(type: "ExternalName", clusterIP: null) with
        {
            Spec = new ServiceSpec { Type = "ExternalName", ExternalName = "db.example.com" },
        };
        var route = RouteBuilder.FromEndpoints("t", service, null, []);
        Assert.Equal(("ExternalName", "db.example.com", (string?)null, false), (route.Type, route.ExternalName, route.ClusterIP, route.Headless));
        Assert.Empty(route.Endpoints);
    }

    [Fact]
    public void ServiceWithoutSelector_SelectsNoPod_AndRoutesToItsUsersEndpoints()
    {
        var service = Service() with { Spec = Service().Spec with { Selector = null, Ports = [new ServicePort { Name = "https", Port = 443, Protocol = "TCP", TargetPort = 6443 }] } };
        Assert.Empty(ServicePods.Endpoints(service, [Pod("a", "10.244.0.10")]));

        var user = new Contracts.Model.Endpoints
        {
            Metadata = new ObjectMeta { Name = "web", Namespace = "default" },
            Subsets =
            [
                new EndpointSubset
                {
                    Addresses = [new EndpointAddress { Ip = "192.168.1.1" }],
                    NotReadyAddresses = [new EndpointAddress { Ip = "192.168.1.2" }],
                    Ports = [new EndpointPort { Name = "https", Port = 6443, Protocol = "TCP" }],
                },
            ],
        };
        var route = RouteBuilder.FromEndpoints("t", service, user, []);
        Assert.Equal([("192.168.1.1", true), ("192.168.1.2", false)], route.Endpoints.Select(e => (e.Ip, e.Ready)));
        Assert.All(route.Endpoints, e => Assert.Equal(("https", 6443, (int?)null), (e.Targets[0].PortName, e.Targets[0].Port, e.Targets[0].HostPort)));
    }

    [Fact]
    public void Slices_AreLabelledAndOwnedByTheirService_SplitAtAHundred_AndNamedTheSameEveryPass()
    {
        var service = Service() with { Metadata = Service().Metadata with { Labels = Samples.Labels(("tier", "front")) } };
        var pods = Enumerable.Range(0, 150).Select(i => Pod($"p{i}", $"10.244.{i / 200}.{i % 200 + 1}")).ToList();
        var endpoints = ServicePods.Endpoints(service, pods);

        var slices = SliceBuilder.Desired(service, endpoints);
        Assert.Equal([100, 50], slices.Select(s => s.Endpoints!.Count));
        Assert.All(slices, s =>
        {
            Assert.Equal("web", s.Metadata.Labels![EndpointSliceStrategy.ServiceNameLabel]);
            Assert.Equal(SliceBuilder.ManagedBy, s.Metadata.Labels[EndpointSliceStrategy.ManagedByLabel]);
            Assert.Equal("front", s.Metadata.Labels["tier"]);
            Assert.Equal(("Service", "svc-uid", true), (s.Metadata.OwnerReferences![0].Kind, s.Metadata.OwnerReferences[0].Uid, s.Metadata.OwnerReferences[0].Controller));
            Assert.True(SliceBuilder.IsManagedFor(s, "web"));
            Assert.Matches("^web-[a-z0-9]{5}$", s.Metadata.Name);
        });
        Assert.Equal(slices.Select(s => s.Metadata.Name), SliceBuilder.Desired(service, endpoints).Select(s => s.Metadata.Name));
        Assert.Equal(150, slices.SelectMany(s => s.Endpoints!).Select(e => e.Addresses[0]).Distinct().Count());
    }

    [Fact]
    public void ServiceNoPodServes_HasOneEmptySlice_AndEndpointsWithoutSubsets()
    {
        var service = Service();
        var slice = Assert.Single(SliceBuilder.Desired(service, []));
        Assert.Empty(slice.Endpoints!);
        Assert.Empty(slice.Ports!);
        Assert.Null(EndpointsBuilder.Desired(service, []).Subsets);
    }

    [Fact]
    public void Candidates_ByTheSelectorsFirstLabel_FindTheSamePodsAsAFullScan()
    {
        var service = Service() with { Spec = Service().Spec with { Selector = Samples.Labels(("app", "web"), ("tier", "front")) } };
        var front = Pod("front", "10.244.0.10") with { Metadata = Pod("front", null).Metadata with { Labels = Samples.Labels(("app", "web"), ("tier", "front")) } };
        var back = Pod("back", "10.244.0.11") with { Metadata = Pod("back", null).Metadata with { Labels = Samples.Labels(("app", "web"), ("tier", "back")) } };
        var pods = new[] { front, back, Pod("other", "10.244.0.12", app: "other") };

        Assert.Equal(["front"], ServicePods.Endpoints(service, ServicePods.Candidates(pods)(service)).Select(e => e.Pod.Metadata.Name));
        Assert.Equal(["front"], ServicePods.Endpoints(service, pods).Select(e => e.Pod.Metadata.Name));
        // An empty selector selects every pod of the namespace, as in Kubernetes.
        var everything = service with { Spec = service.Spec with { Selector = new Dictionary<string, string>() } };
        Assert.Equal(3, ServicePods.Endpoints(everything, ServicePods.Candidates(pods)(everything)).Count);
    }

    [Fact]
    public void ServicePortName_MustBeADnsLabel_AsTheSlicesCarryIt()
    {
        var strategy = Silo.Kinds.KindRegistry.For(ResourceKinds.Service);
        var errors = new List<Contracts.Store.FieldCause>();
        strategy.Validate(strategy.Default(Service(ports: new ServicePort { Name = "HTTP_1", Port = 80 })), errors);
        var error = Assert.Single(errors);
        Assert.Equal("spec.ports[0].name", error.Field);
        Assert.StartsWith("Invalid value: \"HTTP_1\": a lowercase RFC 1123 label", error.Message);
    }

    [Fact]
    public void LoadBalancerNodes_AreReadySchedulableNodesWithAnAddress_StatusListsEachAddressOnce()
    {
        static Node Node(string name, string? ip, string ready = "True", bool unschedulable = false, bool excluded = false) => new()
        {
            Metadata = new ObjectMeta { Name = name, Labels = excluded ? Samples.Labels((LoadBalancerNodeSet.ExcludeLabel, "")) : null },
            Spec = new NodeSpec { Unschedulable = unschedulable },
            Status = new NodeStatus
            {
                Conditions = [new Condition { Type = "Ready", Status = ready }],
                Addresses = ip is null ? [new NodeAddress { Type = "Hostname", Address = name }] : [new NodeAddress { Type = "InternalIP", Address = ip }],
            },
        };
        var nodes = new[]
        {
            Node("b", "192.168.1.10"),
            Node("a", "192.168.1.9"),
            Node("shared", "192.168.1.9"),
            Node("down", "192.168.1.11", ready: "Unknown"),
            Node("cordoned", "192.168.1.12", unschedulable: true),
            Node("excluded", "192.168.1.13", excluded: true),
            Node("addressless", null),
        };

        var eligible = LoadBalancerNodeSet.Eligible(nodes);
        Assert.Equal(["a", "b", "shared"], eligible.Select(n => n.Name));

        var status = LoadBalancerNodeSet.Status(Service(type: "LoadBalancer"), eligible);
        Assert.Equal(["192.168.1.9", "192.168.1.10"], status.Ingress!.Select(i => i.Ip));
        Assert.True(LoadBalancerNodeSet.SameIngress(status, LoadBalancerNodeSet.Status(Service(type: "LoadBalancer"), eligible)));

        // Not a LoadBalancer (any more): no ingress, and a stored one differs.
        var none = LoadBalancerNodeSet.Status(Service(type: "ClusterIP"), eligible);
        Assert.Null(none.Ingress);
        Assert.False(LoadBalancerNodeSet.SameIngress(status, none));
        Assert.True(LoadBalancerNodeSet.SameIngress(null, none));

        var route = RouteBuilder.FromPods("t", Service(type: "LoadBalancer"), [], eligible.Select(n => n.Name).ToList());
        Assert.Equal(["a", "b", "shared"], route.LoadBalancerNodes);
        Assert.Empty(RouteBuilder.FromPods("t", Service(type: "NodePort"), [], eligible.Select(n => n.Name).ToList()).LoadBalancerNodes);
    }
}
