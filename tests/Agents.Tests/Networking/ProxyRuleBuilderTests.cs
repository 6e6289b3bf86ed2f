using OrleansOrchestrator.Agents.Networking;
using OrleansOrchestrator.Agents.Networking.Proxy;
using OrleansOrchestrator.Contracts.Networking;

namespace OrleansOrchestrator.Agents.Tests.Networking;

public sealed class ProxyRuleBuilderTests
{
    private const string Node = "node-a";
    private const string NodeAddress = "192.0.2.2";
    private static readonly ProxyChainNames Names = ProxyChainNames.For("cluster", Node);
    private static readonly ClusterNetwork Network = new() { ServiceCidr = "10.96.0.0/12", DnsIp = "10.96.0.10" };

    private static RouteEndpoint Local(string ip, int port = 8080, string portName = "", bool ready = true) => new()
    {
        Ip = ip, NodeName = Node, HostIP = NodeAddress, Ready = ready,
        Targets = [new EndpointTarget { PortName = portName, Port = port, HostPort = 40000 + port % 1000 }],
    };

    private static RouteEndpoint Remote(string ip, string hostIp, int? hostPort, int port = 8080, bool ready = true) => new()
    {
        Ip = ip, NodeName = "node-b", HostIP = hostIp, Ready = ready,
        Targets = [new EndpointTarget { PortName = "", Port = port, HostPort = hostPort }],
    };

    private static ServiceRoute Web(params RouteEndpoint[] endpoints) => new()
    {
        Tenant = "acme", Namespace = "default", Name = "web", ClusterIP = "10.96.0.20",
        Ports = [new RoutePort { Port = 80, Protocol = "TCP" }], Endpoints = endpoints,
    };

    private static ProxyRules Build(IReadOnlyList<TenantNetwork>? networks = null, int? dnsPort = null, params ServiceRoute[] routes) =>
        ProxyRuleBuilder.Build(new ProxyInputs
        {
            Routes = routes, NodeName = Node, NodeAddresses = [NodeAddress], Network = Network,
            TenantNetworks = networks ?? [], DnsPort = dnsPort, Chains = Names,
        });

    private static ProxyRules Build(params ServiceRoute[] routes) => Build(null, null, routes);

    /// <summary>The rules of one chain, without the "-A CHAIN " in front.</summary>
    private static List<string> Chain(ProxyTable table, string chain) =>
        table.Rules.Where(r => r.StartsWith($"-A {chain} ", StringComparison.Ordinal)).Select(r => r[(chain.Length + 4)..]).ToList();

    private static string Svc(ServiceRoute route, string port = "", string protocol = "tcp") => Names.ServicePort(route.Key, port, protocol);

    private static string Sep(ServiceRoute route, string destination, string port = "") => Names.Endpoint(route.Key, port, "tcp", destination);

    [Fact]
    public void A_cluster_IP_picks_each_endpoint_with_equal_chance_and_DNATs_to_the_local_pod()
    {
        var route = Web(Local("172.17.0.3"), Local("172.17.0.2"), Local("172.17.0.4"));
        var rules = Build(route);

        Assert.Contains($"-d 10.96.0.0/12 -j {Names.Tenant("acme")}", Chain(rules.Nat, Names.Services));
        Assert.Equal([$"-d 10.96.0.20/32 -p tcp -m tcp --dport 80 -m comment --comment \"acme/default/web cluster IP\" -j {Svc(route)}"],
            Chain(rules.Nat, Names.Tenant("acme")));
        // 1/3, then 1/2 of the rest, then the last one for sure: each gets a third.
        Assert.Equal(
        [
            $"-m statistic --mode random --probability 0.3333333333 -j {Sep(route, "172.17.0.2:8080")}",
            $"-m statistic --mode random --probability 0.5000000000 -j {Sep(route, "172.17.0.3:8080")}",
            $"-j {Sep(route, "172.17.0.4:8080")}",
        ], Chain(rules.Nat, Svc(route)));
        Assert.Equal(
        [
            $"-s 172.17.0.2/32 -j {Names.MarkMasquerade}",
            "-p tcp -m tcp -j DNAT --to-destination 172.17.0.2:8080",
        ], Chain(rules.Nat, Sep(route, "172.17.0.2:8080")));
        Assert.DoesNotContain(rules.Filter.Rules, r => r.Contains("10.96.0.20/32"));
    }

    [Fact]
    public void An_endpoint_on_another_node_is_reached_at_its_host_port_and_masqueraded_so_the_reply_comes_back_here()
    {
        var route = Web(Remote("172.18.0.9", "192.0.2.3", 41234), Remote("172.18.0.10", "192.0.2.3", hostPort: null));
        var rules = Build(route);

        var sep = Sep(route, "192.0.2.3:41234");
        Assert.Equal([$"-j {sep}"], Chain(rules.Nat, Svc(route)));
        Assert.Equal([$"-j {Names.MarkMasquerade}", "-p tcp -m tcp -j DNAT --to-destination 192.0.2.3:41234"], Chain(rules.Nat, sep));
        Assert.DoesNotContain(rules.Nat.Rules, r => r.Contains("172.18.0.10"));
    }

    [Fact]
    public void An_address_of_a_selectorless_Service_is_reached_as_it_is_from_every_node()
    {
        // The kubernetes Service: its Endpoints name the API's advertised address, which no node's pod has.
        var api = new RouteEndpoint
        {
            Ip = "192.0.2.2", NodeName = "", Ready = true, Serving = true,
            Targets = [new EndpointTarget { PortName = "https", Port = 6443 }],
        };
        var route = new ServiceRoute
        {
            Tenant = "acme", Namespace = "default", Name = "kubernetes", ClusterIP = "10.96.0.1",
            Ports = [new RoutePort { Name = "https", Port = 443, Protocol = "TCP" }], Endpoints = [api],
        };
        var rules = Build(route);

        var sep = Sep(route, "192.0.2.2:6443", "https");
        Assert.Equal([$"-j {sep}"], Chain(rules.Nat, Svc(route, "https")));
        Assert.Contains("-p tcp -m tcp -j DNAT --to-destination 192.0.2.2:6443", Chain(rules.Nat, sep));
    }

    [Fact]
    public void Only_ready_endpoints_that_serve_the_port_get_traffic_unless_not_ready_ones_are_published()
    {
        var lacksPort = Local("172.17.0.5") with { Targets = [new EndpointTarget { PortName = "metrics", Port = 9090 }] };
        var route = Web(Local("172.17.0.2"), Local("172.17.0.3", ready: false), lacksPort);

        Assert.Equal([$"-j {Sep(route, "172.17.0.2:8080")}"], Chain(Build(route).Nat, Svc(route)));
        var published = Build(route with { PublishNotReadyAddresses = true });
        Assert.Equal(2, Chain(published.Nat, Svc(route)).Count);
    }

    [Fact]
    public void Terminating_endpoints_that_still_serve_take_the_traffic_only_when_none_is_ready()
    {
        var terminating = Local("172.17.0.3", ready: false) with { Serving = true, Terminating = true };
        var gone = Local("172.17.0.4", ready: false) with { Serving = false, Terminating = true };
        var route = Web(terminating, gone);

        Assert.Equal([$"-j {Sep(route, "172.17.0.3:8080")}"], Chain(Build(route).Nat, Svc(route)));
        var withReady = route with { Endpoints = [terminating, Local("172.17.0.2")] };
        Assert.Equal([$"-j {Sep(route, "172.17.0.2:8080")}"], Chain(Build(withReady).Nat, Svc(route)));
    }

    [Fact]
    public void No_ready_endpoint_means_no_DNAT_and_a_reject_for_the_cluster_IP_and_the_node_port()
    {
        var route = Web(Local("172.17.0.2", ready: false)) with
        {
            Type = "NodePort", Ports = [new RoutePort { Port = 80, NodePort = 30080 }],
        };
        var rules = Build(route);

        Assert.Empty(Chain(rules.Nat, Names.Tenant("acme")));
        Assert.DoesNotContain(rules.Nat.Chains, c => c.Contains("-SVC-") || c.Contains("-EXT-") || c.Contains("-SEP-"));
        Assert.Contains("-d 10.96.0.20/32 -p tcp -m tcp --dport 80 -m comment --comment \"acme/default/web has no endpoints\" -j REJECT --reject-with icmp-port-unreachable",
            Chain(rules.Filter, Names.Filter));
        Assert.Contains("-m addrtype --dst-type LOCAL -p tcp -m tcp --dport 30080 -m comment --comment \"acme/default/web node port has no endpoints\" -j REJECT --reject-with icmp-port-unreachable",
            Chain(rules.Filter, Names.Filter));
    }

    [Fact]
    public void Client_IP_affinity_sends_a_known_client_back_to_its_endpoint_and_remembers_new_ones()
    {
        var route = Web(Local("172.17.0.2"), Local("172.17.0.3")) with { ClientIPAffinity = true, AffinityTimeoutSeconds = 600 };
        var rules = Build(route);
        var first = Sep(route, "172.17.0.2:8080");
        var second = Sep(route, "172.17.0.3:8080");

        Assert.Equal(
        [
            $"-m recent --name {first} --mask 255.255.255.255 --rsource --rcheck --seconds 600 --reap -j {first}",
            $"-m recent --name {second} --mask 255.255.255.255 --rsource --rcheck --seconds 600 --reap -j {second}",
            $"-m statistic --mode random --probability 0.5000000000 -j {first}",
            $"-j {second}",
        ], Chain(rules.Nat, Svc(route)));
        Assert.Contains($"-p tcp -m recent --name {first} --mask 255.255.255.255 --rsource --set -m tcp -j DNAT --to-destination 172.17.0.2:8080",
            Chain(rules.Nat, first));
    }

    [Fact]
    public void A_node_port_on_any_local_address_enters_through_the_external_chain_which_masquerades_under_policy_Cluster()
    {
        var route = Web(Local("172.17.0.2"), Remote("172.18.0.9", "192.0.2.3", 41234)) with
        {
            Type = "NodePort", Ports = [new RoutePort { Port = 80, NodePort = 30080 }],
        };
        var rules = Build(route);
        var ext = Names.ExternalServicePort(route.Key, "", "tcp");

        Assert.Equal($"-m addrtype --dst-type LOCAL -j {Names.NodePorts}", Chain(rules.Nat, Names.Services)[^1]);
        Assert.Equal([$"-p tcp -m tcp --dport 30080 -m comment --comment \"acme/default/web node port\" -j {ext}"], Chain(rules.Nat, Names.NodePorts));
        Assert.Equal([$"-j {Names.MarkMasquerade}", $"-j {Svc(route)}"], Chain(rules.Nat, ext));
    }

    [Fact]
    public void External_policy_Local_keeps_outside_clients_on_this_nodes_endpoints_and_the_hosts_own_traffic_anywhere()
    {
        var route = Web(Local("172.17.0.2"), Remote("172.18.0.9", "192.0.2.3", 41234)) with
        {
            Type = "NodePort", Ports = [new RoutePort { Port = 80, NodePort = 30080 }], ExternalTrafficLocal = true,
        };
        var rules = Build(route);
        var ext = Names.ExternalServicePort(route.Key, "", "tcp");
        var lcl = Names.LocalServicePort(route.Key, "", "tcp");

        Assert.Equal(
        [
            $"-m addrtype --src-type LOCAL -j {Names.MarkMasquerade}",
            $"-m addrtype --src-type LOCAL -j {Svc(route)}",
            $"-j {lcl}",
        ], Chain(rules.Nat, ext));
        Assert.Equal([$"-j {Sep(route, "172.17.0.2:8080")}"], Chain(rules.Nat, lcl));
        // The cluster IP still reaches both.
        Assert.Equal(2, Chain(rules.Nat, Svc(route)).Count);

        // No endpoint here: outside clients are refused, the host's own traffic still goes to the other node.
        var remoteOnly = Build(route with { Endpoints = [Remote("172.18.0.9", "192.0.2.3", 41234)] });
        Assert.Equal(2, Chain(remoteOnly.Nat, ext).Count);
        Assert.DoesNotContain(remoteOnly.Nat.Chains, c => c == lcl);
        Assert.Contains(Chain(remoteOnly.Filter, Names.Filter),
            r => r.StartsWith("-m addrtype ! --src-type LOCAL --dst-type LOCAL -p tcp -m tcp --dport 30080 ", StringComparison.Ordinal) && r.EndsWith("-j REJECT --reject-with icmp-port-unreachable", StringComparison.Ordinal));
    }

    [Fact]
    public void Internal_policy_Local_sends_the_cluster_IP_only_to_this_nodes_endpoints()
    {
        var route = Web(Local("172.17.0.2"), Remote("172.18.0.9", "192.0.2.3", 41234)) with { InternalTrafficLocal = true };
        var rules = Build(route);
        var lcl = Names.LocalServicePort(route.Key, "", "tcp");

        Assert.EndsWith($"-j {lcl}", Assert.Single(Chain(rules.Nat, Names.Tenant("acme"))));
        Assert.Equal([$"-j {Sep(route, "172.17.0.2:8080")}"], Chain(rules.Nat, lcl));

        var noLocal = Build(route with { Endpoints = [Remote("172.18.0.9", "192.0.2.3", 41234)] });
        Assert.Empty(Chain(noLocal.Nat, Names.Tenant("acme")));
        Assert.Contains(Chain(noLocal.Filter, Names.Filter), r => r.StartsWith("-d 10.96.0.20/32 -p tcp -m tcp --dport 80 ", StringComparison.Ordinal));
    }

    [Fact]
    public void A_load_balancer_is_served_on_this_nodes_address_only_when_this_node_is_one_of_its_nodes()
    {
        var route = Web(Local("172.17.0.2")) with
        {
            Type = "LoadBalancer", Ports = [new RoutePort { Port = 8081, NodePort = 30081 }], LoadBalancerNodes = [Node, "node-b"],
        };
        var ext = Names.ExternalServicePort(route.Key, "", "tcp");

        Assert.Contains($"-d 192.0.2.2/32 -p tcp -m tcp --dport 8081 -m comment --comment \"acme/default/web external address\" -j {ext}",
            Chain(Build(route).Nat, Names.Services));
        var elsewhere = Build(route with { LoadBalancerNodes = ["node-b"] });
        Assert.DoesNotContain(Chain(elsewhere.Nat, Names.Services), r => r.Contains("192.0.2.2/32"));
        Assert.Single(Chain(elsewhere.Nat, Names.NodePorts));
    }

    [Fact]
    public void External_IPs_are_served_and_refused_without_endpoints()
    {
        var route = Web(Local("172.17.0.2")) with { ExternalIPs = ["198.51.100.7", "not-an-address"] };
        var ext = Names.ExternalServicePort(route.Key, "", "tcp");

        Assert.Contains($"-d 198.51.100.7/32 -p tcp -m tcp --dport 80 -m comment --comment \"acme/default/web external address\" -j {ext}",
            Chain(Build(route).Nat, Names.Services));
        Assert.Contains(Chain(Build(route with { Endpoints = [] }).Filter, Names.Filter),
            r => r.StartsWith("-d 198.51.100.7/32 -p tcp -m tcp --dport 80 ", StringComparison.Ordinal));
    }

    [Fact]
    public void Named_ports_each_get_their_own_chain_and_target_port_per_pod()
    {
        var endpoint = Local("172.17.0.2") with
        {
            Targets = [new EndpointTarget { PortName = "http", Port = 8080 }, new EndpointTarget { PortName = "dns", Port = 5353 }],
        };
        var route = Web(endpoint) with
        {
            Ports = [new RoutePort { Name = "http", Port = 80 }, new RoutePort { Name = "dns", Port = 53, Protocol = "UDP" }],
        };
        var rules = Build(route);

        var tenantRules = Chain(rules.Nat, Names.Tenant("acme"));
        Assert.Equal(2, tenantRules.Count);
        Assert.Contains($"-d 10.96.0.20/32 -p udp -m udp --dport 53 -m comment --comment \"acme/default/web:dns cluster IP\" -j {Svc(route, "dns", "udp")}", tenantRules);
        Assert.Contains("-p udp -m udp -j DNAT --to-destination 172.17.0.2:5353", Chain(rules.Nat, Names.Endpoint(route.Key, "dns", "udp", "172.17.0.2:5353")));
        Assert.Contains("-p tcp -m tcp -j DNAT --to-destination 172.17.0.2:8080", Chain(rules.Nat, Sep(route, "172.17.0.2:8080", "http")));
    }

    [Fact]
    public void A_tenants_bridge_reaches_its_own_cluster_IPs_and_DNS_and_no_other_tenants()
    {
        var acme = Web(Local("172.17.0.2"));
        var globex = Web(Local("172.17.0.9")) with { Tenant = "globex", ClusterIP = "10.96.0.30" };
        TenantNetwork[] networks =
        [
            new("globex", "oo-globex", "br-globex", "172.21.0.0/16", "172.21.0.1"),
            new("acme", "oo-acme", "br-acme", "172.20.0.0/16", "172.20.0.1"),
            new("initech", "oo-initech", "br-initech", "172.22.0.0/16", "172.22.0.1"),
        ];
        var rules = Build(networks, 10053, globex, acme);
        var services = Chain(rules.Nat, Names.Services);

        Assert.Equal(
        [
            $"-i br-acme -d 10.96.0.10/32 -p udp -m udp --dport 53 -m comment --comment \"acme cluster DNS\" -j DNAT --to-destination 172.20.0.1:10053",
            $"-i br-acme -d 10.96.0.10/32 -p tcp -m tcp --dport 53 -m comment --comment \"acme cluster DNS\" -j DNAT --to-destination 172.20.0.1:10053",
            $"-i br-acme -d 10.96.0.0/12 -j {Names.Tenant("acme")}",
            "-i br-acme -d 10.96.0.0/12 -j RETURN",
        ], services.Take(4));
        // A tenant without Services still gets its DNS and is kept out of the others'.
        Assert.Contains("-i br-initech -d 10.96.0.0/12 -j RETURN", services);
        Assert.DoesNotContain(services, r => r.StartsWith("-i br-initech -d 10.96.0.0/12 -j OO-", StringComparison.Ordinal));
        // The host (no bridge) reaches every tenant's.
        Assert.Contains($"-d 10.96.0.0/12 -j {Names.Tenant("acme")}", services);
        Assert.Contains($"-d 10.96.0.0/12 -j {Names.Tenant("globex")}", services);
        Assert.True(services.IndexOf($"-d 10.96.0.0/12 -j {Names.Tenant("acme")}") > services.IndexOf("-i br-initech -d 10.96.0.0/12 -j RETURN"));
        // What is still addressed to the service range after nat (another tenant's) is refused.
        var filter = Chain(rules.Filter, Names.Filter);
        Assert.Contains("-i br-initech -d 10.96.0.0/12 -m comment --comment \"not initech's cluster IPs\" -j REJECT --reject-with icmp-port-unreachable", filter);
        Assert.Equal("-d 10.96.0.0/12 -m comment --comment \"nothing else in the service range\" -j REJECT --reject-with icmp-port-unreachable", filter[^1]);
    }

    [Fact]
    public void Headless_and_ExternalName_Services_get_no_rules()
    {
        var headless = Web(Local("172.17.0.2")) with { ClusterIP = null };
        var external = Web() with { Name = "ext", Type = "ExternalName", ClusterIP = null, ExternalName = "example.com" };
        var rules = Build(headless, external);
        Assert.DoesNotContain(rules.Nat.Chains, c => c.Contains("-TEN-") || c.Contains("-SVC-"));
    }

    [Fact]
    public void Masquerade_marks_the_hosts_own_service_traffic_and_POSTROUTING_masquerades_marked_packets_once()
    {
        var rules = Build();
        Assert.Equal([$"-d 10.96.0.0/12 -j {Names.MarkMasquerade}", $"-j {Names.Services}"], Chain(rules.Nat, Names.Output));
        Assert.Equal(["-j MARK --or-mark 0x40000"], Chain(rules.Nat, Names.MarkMasquerade));
        Assert.Equal(["-m mark ! --mark 0x40000/0x40000 -j RETURN", "-j MARK --xor-mark 0x40000", "-j MASQUERADE --random-fully"],
            Chain(rules.Nat, Names.Postrouting));
        Assert.Equal("-m conntrack ! --ctstate NEW -j RETURN", Chain(rules.Filter, Names.Filter)[0]);
        Assert.Equal([$"-j {Names.Filter}", "-m mark --mark 0x40000/0x40000 -j ACCEPT", "-m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT"],
            Chain(rules.Filter, Names.Forward));
    }

    [Fact]
    public void The_same_routes_in_any_order_give_the_same_text_and_every_chain_name_fits_iptables()
    {
        var routes = Enumerable.Range(0, 20).Select(i => Web(Local($"172.17.1.{i + 2}"), Local($"172.17.2.{i + 2}"), Remote($"172.18.0.{i + 2}", "192.0.2.3", 41000 + i)) with
        {
            Name = $"svc-{i}", ClusterIP = $"10.96.1.{i + 1}", Type = "NodePort", ClientIPAffinity = i % 2 == 0,
            Ports = [new RoutePort { Port = 80, NodePort = 30000 + i }],
        }).ToArray();
        var forward = Build(routes).RestoreScript();
        var backward = Build(routes.Reverse().Select(r => r with { Endpoints = r.Endpoints.Reverse().ToList() }).ToArray()).RestoreScript();
        Assert.Equal(forward, backward);

        var rules = Build(routes);
        Assert.All(rules.Nat.Chains.Concat(rules.Filter.Chains), c => Assert.True(c.Length <= ProxyChainNames.MaxChainNameLength, c));
        Assert.All(rules.Nat.Chains.Concat(rules.Filter.Chains), c => Assert.StartsWith(Names.Prefix, c));
        Assert.Equal(rules.Nat.Chains.Order(StringComparer.Ordinal), rules.Nat.Chains);
    }

    [Fact]
    public void Each_cluster_and_node_has_its_own_chains()
    {
        Assert.NotEqual(ProxyChainNames.For("cluster", "node-a").Prefix, ProxyChainNames.For("cluster", "node-b").Prefix);
        Assert.NotEqual(ProxyChainNames.For("cluster", "node-a").Prefix, ProxyChainNames.For("other", "node-a").Prefix);
        Assert.Matches("^OO-[0-9A-F]{6}-$", Names.Prefix);
    }

    [Fact]
    public void The_restore_script_declares_every_chain_and_deletes_only_stale_chains_of_ours()
    {
        var route = Web(Local("172.17.0.2"));
        var rules = Build(route);
        var stale = Names.Prefix + "SVC-0123456789AB";
        var script = rules.RestoreScript(new Dictionary<string, IReadOnlyCollection<string>>
        {
            ["nat"] = [stale, Svc(route)],
        });

        var lines = script.Split('\n');
        Assert.Equal("*nat", lines[0]);
        Assert.Contains($":{Svc(route)} - [0:0]", lines);
        Assert.Contains($":{stale} - [0:0]", lines);
        Assert.Contains($"-X {stale}", lines);
        Assert.DoesNotContain($"-X {Svc(route)}", lines);
        Assert.True(Array.IndexOf(lines, $"-X {stale}") < Array.IndexOf(lines, "COMMIT"));
        Assert.Equal(2, lines.Count(l => l == "COMMIT"));
        Assert.Contains("*filter", lines);
    }

    [Fact]
    public void A_host_port_is_reached_from_its_own_tenants_bridge_and_refused_from_every_other_tenants()
    {
        TenantNetwork[] networks =
        [
            new("globex", "oo-globex", "br-globex", "172.21.0.0/16", "172.21.0.1"),
            new("acme", "oo-acme", "br-acme", "172.20.0.0/16", "172.20.0.1"),
        ];
        var rules = ProxyRuleBuilder.Build(new ProxyInputs
        {
            Routes = [], NodeName = Node, NodeAddresses = [NodeAddress], Network = Network, TenantNetworks = networks, Chains = Names,
            HostPorts =
            [
                new HostPortOwner("globex", "UDP", "", 40001),
                new HostPortOwner("acme", "TCP", NodeAddress, 40000),
                new HostPortOwner("acme", "TCP", "::", 40002),
            ],
        });

        // Only what a tenant bridge sends to this host's own addresses is looked at: the host, other hosts and
        // traffic the proxy forwards elsewhere are not.
        var filter = Chain(rules.Filter, Names.Filter);
        Assert.Equal("-m conntrack ! --ctstate NEW -j RETURN", filter[0]);
        Assert.Equal(
        [
            $"-i br-acme -m addrtype --dst-type LOCAL -j {Names.HostPorts}",
            $"-i br-globex -m addrtype --dst-type LOCAL -j {Names.HostPorts}",
        ], filter.Where(r => r.Contains(Names.HostPorts)));
        // Published on the node's address: that address only; on every address: any local address. IPv6 is not iptables'.
        Assert.Equal(
        [
            $"-d {NodeAddress}/32 -p tcp -m tcp --dport 40000 -m comment --comment \"acme host port\" -j {Names.HostPortOwner("acme")}",
            $"-p udp -m udp --dport 40001 -m comment --comment \"globex host port\" -j {Names.HostPortOwner("globex")}",
        ], Chain(rules.Filter, Names.HostPorts));
        Assert.Equal(
        [
            "-i br-acme -j RETURN",
            "-m comment --comment \"only acme's pods reach its host ports\" -j REJECT --reject-with icmp-port-unreachable",
        ], Chain(rules.Filter, Names.HostPortOwner("acme")));
        Assert.Equal("-i br-globex -j RETURN", Chain(rules.Filter, Names.HostPortOwner("globex"))[0]);
        Assert.True(Names.HostPortOwner("globex").Length <= ProxyChainNames.MaxChainNameLength);
        // What the proxy reports guarded (pods wait for it) is exactly what has a rule.
        Assert.Equal([40000, 40001], rules.GuardedHostPorts.Select(p => p.HostPort));
    }

    [Fact]
    public void Without_host_ports_or_tenant_bridges_there_is_no_host_port_chain()
    {
        TenantNetwork[] networks = [new("acme", "oo-acme", "br-acme", "172.20.0.0/16", "172.20.0.1")];
        Assert.DoesNotContain(Names.HostPorts, Build(networks).Filter.Chains);
        var noBridges = ProxyRuleBuilder.Build(new ProxyInputs
        {
            Routes = [], NodeName = Node, NodeAddresses = [NodeAddress], Network = Network, Chains = Names,
            HostPorts = [new HostPortOwner("acme", "TCP", NodeAddress, 40000)],
        });
        Assert.DoesNotContain(Names.HostPorts, noBridges.Filter.Chains);
        Assert.Empty(noBridges.GuardedHostPorts);
    }
}

public sealed class ProxyRulesDiffTests
{
    private static readonly ProxyChainNames Names = ProxyChainNames.For("cluster", "node-a");

    private static ServiceRoute Route(string name, string ip, params string[] endpoints) => new()
    {
        Tenant = "acme", Namespace = "default", Name = name, ClusterIP = ip, Ports = [new RoutePort { Port = 80 }],
        Endpoints = endpoints.Select(e => new RouteEndpoint { Ip = e, NodeName = "node-a", Ready = true, Targets = [new EndpointTarget { Port = 8080 }] }).ToList(),
    };

    private static ProxyRules Build(params ServiceRoute[] routes) => ProxyRuleBuilder.Build(new ProxyInputs
    {
        Routes = routes, NodeName = "node-a", NodeAddresses = ["192.0.2.2"], Network = new ClusterNetwork(), Chains = Names,
    });

    [Fact]
    public void A_change_rewrites_only_the_chains_it_touches_and_deletes_the_ones_it_no_longer_uses()
    {
        var web = Route("web", "10.96.0.20", "172.17.0.2", "172.17.0.3");
        var db = Route("db", "10.96.0.21", "172.17.0.4");
        var before = Build(web, db);
        var after = Build(web with { Endpoints = web.Endpoints.Take(1).ToList() }, db);

        var lines = ProxyRulesDiff.Script(before, after)!.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var gone = Names.Endpoint(web.Key, "", "tcp", "172.17.0.3:8080");
        var svc = Names.ServicePort(web.Key, "", "tcp");
        Assert.Equal(
        [
            "*nat",
            $":{svc} - [0:0]",
            $":{gone} - [0:0]",
            $"-A {svc} -j {Names.Endpoint(web.Key, "", "tcp", "172.17.0.2:8080")}",
            $"-X {gone}",
            "COMMIT",
        ], lines);
        Assert.Null(ProxyRulesDiff.Script(after, Build(db, web with { Endpoints = web.Endpoints.Take(1).ToList() })));
    }

    [Fact]
    public void A_Service_losing_its_last_endpoint_gets_its_reject_in_the_same_write()
    {
        var web = Route("web", "10.96.0.20", "172.17.0.2");
        var script = ProxyRulesDiff.Script(Build(web), Build(web with { Endpoints = [] }))!;
        Assert.Contains("*filter", script);
        Assert.Contains("-d 10.96.0.20/32 -p tcp -m tcp --dport 80", script);
        Assert.Contains($"-X {Names.ServicePort(web.Key, "", "tcp")}", script);
    }
}
