using OrleansOrchestrator.Agents.Pods;
using OrleansOrchestrator.Contracts.Networking;

namespace OrleansOrchestrator.Agents.Tests.Pods;

/// <summary>The kubelet's Service variables (SERVICES.md, "Environment variables"), from the agent's routes.</summary>
public sealed class ServiceEnvironmentTests
{
    private static ServiceRoute Route(string name, string? clusterIP, string ns = "shop", string tenant = "acme", string type = "ClusterIP", params RoutePort[] ports) =>
        new() { Tenant = tenant, Namespace = ns, Name = name, ClusterIP = clusterIP, Type = type, Ports = ports.Length > 0 ? ports : [new RoutePort { Port = 80 }] };

    private static readonly ServiceRoute Api = Route("kubernetes", "10.96.0.1", ns: "default", ports: new RoutePort { Name = "https", Port = 443 });

    [Fact]
    public void A_service_gives_the_kubelets_host_port_and_docker_link_variables()
    {
        var env = ServiceEnvironment.For("acme", "shop", true, [Route("redis-primary", "10.0.0.11", ports: new RoutePort { Port = 6379 })]);

        Assert.Equal(new Dictionary<string, string>
        {
            ["REDIS_PRIMARY_SERVICE_HOST"] = "10.0.0.11",
            ["REDIS_PRIMARY_SERVICE_PORT"] = "6379",
            ["REDIS_PRIMARY_PORT"] = "tcp://10.0.0.11:6379",
            ["REDIS_PRIMARY_PORT_6379_TCP"] = "tcp://10.0.0.11:6379",
            ["REDIS_PRIMARY_PORT_6379_TCP_PROTO"] = "tcp",
            ["REDIS_PRIMARY_PORT_6379_TCP_PORT"] = "6379",
            ["REDIS_PRIMARY_PORT_6379_TCP_ADDR"] = "10.0.0.11",
        }, env);
    }

    [Fact]
    public void Named_ports_add_a_service_port_variable_each_and_the_first_port_is_the_default()
    {
        var env = ServiceEnvironment.For("acme", "shop", true,
        [
            Route("web", "10.0.0.12", ports: [new RoutePort { Name = "http", Port = 80 }, new RoutePort { Name = "dns-udp", Protocol = "UDP", Port = 53 }]),
        ]);

        Assert.Equal("80", env["WEB_SERVICE_PORT"]);
        Assert.Equal("80", env["WEB_SERVICE_PORT_HTTP"]);
        Assert.Equal("53", env["WEB_SERVICE_PORT_DNS_UDP"]);
        Assert.Equal("tcp://10.0.0.12:80", env["WEB_PORT"]);
        Assert.Equal("udp://10.0.0.12:53", env["WEB_PORT_53_UDP"]);
        Assert.Equal("udp", env["WEB_PORT_53_UDP_PROTO"]);
        Assert.Equal("10.0.0.12", env["WEB_PORT_53_UDP_ADDR"]);
    }

    [Fact]
    public void Headless_and_external_name_services_get_none()
    {
        var env = ServiceEnvironment.For("acme", "shop", true,
        [
            Route("headless", null),
            Route("none", "None"),
            Route("alias", null, type: "ExternalName") with { ExternalName = "example.com" },
        ]);

        Assert.Empty(env);
    }

    [Fact]
    public void Only_the_pods_tenant_and_namespace_count_plus_the_kubernetes_service_of_default()
    {
        var env = ServiceEnvironment.For("acme", "shop", true,
        [
            Route("mine", "10.0.0.1"),
            Route("other-ns", "10.0.0.2", ns: "billing"),
            Route("other-tenant", "10.0.0.3", tenant: "globex"),
            Route("kubernetes", "10.96.0.99", ns: "default", tenant: "globex"),
            Route("not-api", "10.0.0.4", ns: "default"),
            Api,
        ]);

        Assert.Equal(["KUBERNETES", "MINE"], env.Keys.Where(k => k.EndsWith("_SERVICE_HOST", StringComparison.Ordinal)).Select(k => k[..^"_SERVICE_HOST".Length]).Order());
        Assert.Equal("10.96.0.1", env["KUBERNETES_SERVICE_HOST"]);
        Assert.Equal("443", env["KUBERNETES_SERVICE_PORT_HTTPS"]);
    }

    [Fact]
    public void Without_service_links_only_the_kubernetes_service_remains()
    {
        var env = ServiceEnvironment.For("acme", "shop", enableServiceLinks: false, [Route("mine", "10.0.0.1"), Api]);

        Assert.Equal("10.96.0.1", env["KUBERNETES_SERVICE_HOST"]);
        Assert.DoesNotContain("MINE_SERVICE_HOST", env.Keys);
    }

    [Fact]
    public void A_kubernetes_service_of_the_pods_own_namespace_takes_the_place_of_defaults()
    {
        var own = Route("kubernetes", "10.0.0.50", ports: new RoutePort { Port = 8080 });

        Assert.Equal("10.0.0.50", ServiceEnvironment.For("acme", "shop", true, [Api, own])["KUBERNETES_SERVICE_HOST"]);
        Assert.Equal("10.0.0.50", ServiceEnvironment.For("acme", "shop", true, [own, Api])["KUBERNETES_SERVICE_HOST"]);
        Assert.Equal("10.96.0.1", ServiceEnvironment.For("acme", "shop", false, [own, Api])["KUBERNETES_SERVICE_HOST"]);
    }

    [Fact]
    public void An_ipv6_cluster_ip_is_bracketed_in_urls()
    {
        var env = ServiceEnvironment.For("acme", "shop", true, [Route("v6", "fd00::10", ports: new RoutePort { Port = 80 })]);

        Assert.Equal("tcp://[fd00::10]:80", env["V6_PORT"]);
        Assert.Equal("fd00::10", env["V6_PORT_80_TCP_ADDR"]);
    }
}
