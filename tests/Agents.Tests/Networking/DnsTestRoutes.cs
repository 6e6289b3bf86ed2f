using System.Net;
using OrleansOrchestrator.Agents.Networking;
using OrleansOrchestrator.Contracts.Networking;

namespace OrleansOrchestrator.Agents.Tests.Networking;

/// <summary>Service routes as the directory would push them, held in memory for the DNS tests.</summary>
internal sealed class FakeServiceRoutes(ClusterNetwork? network, params ServiceRoute[] routes) : IServiceRoutes
{
    private IReadOnlyDictionary<string, ServiceRoute> _routes = routes.ToDictionary(r => r.Key);

    public ClusterNetwork? Network { get; private set; } = network;

    public bool Complete { get; private set; } = true;

    public IReadOnlyDictionary<string, ServiceRoute> Routes => _routes;

    public event Action? Changed;

    public void Publish(ServiceRoute route)
    {
        _routes = new Dictionary<string, ServiceRoute>(_routes) { [route.Key] = route };
        Changed?.Invoke();
    }

    public void Withdraw(string key)
    {
        var next = new Dictionary<string, ServiceRoute>(_routes);
        next.Remove(key);
        _routes = next;
        Changed?.Invoke();
    }
}

/// <summary>Tenant networks whose gateways are loopback addresses, so that the server's sockets stay on this host.</summary>
internal sealed class FakeTenantNetworks(params TenantNetwork[] networks) : ITenantNetworks
{
    private IReadOnlyList<TenantNetwork> _known = networks;

    public IReadOnlyList<TenantNetwork> Known => _known;

    public event Action? Changed;

    public Task<TenantNetwork> Ensure(string tenant, CancellationToken cancellationToken) =>
        Task.FromResult(_known.First(n => n.Tenant == tenant));

    public void Add(TenantNetwork network)
    {
        _known = [.. _known, network];
        Changed?.Invoke();
    }

    public void Remove(string tenant)
    {
        _known = [.. _known.Where(n => n.Tenant != tenant)];
        Changed?.Invoke();
    }

    public static TenantNetwork Loopback(string tenant, string gateway = "127.0.0.1", string subnet = "127.0.0.0/8") =>
        new(tenant, $"test-{tenant}", "lo", subnet, gateway);
}

/// <summary>The Services the DNS tests ask about.</summary>
internal static class DnsTestRoutes
{
    public static ServiceRoute ClusterIP(string tenant, string ns, string name, string ip, params RoutePort[] ports) =>
        new() { Tenant = tenant, Namespace = ns, Name = name, ClusterIP = ip, Ports = ports };

    public static ServiceRoute Headless(string tenant, string ns, string name, RoutePort[] ports, params RouteEndpoint[] endpoints) =>
        new() { Tenant = tenant, Namespace = ns, Name = name, ClusterIP = null, Ports = ports, Endpoints = endpoints };

    public static ServiceRoute External(string tenant, string ns, string name, string target) =>
        new() { Tenant = tenant, Namespace = ns, Name = name, Type = "ExternalName", ExternalName = target };

    public static RoutePort Port(string name, int port, string protocol = "TCP") => new() { Name = name, Port = port, Protocol = protocol };

    public static RouteEndpoint Endpoint(string ip, bool ready = true, string? hostname = null, params (string Port, int Number)[] targets) =>
        new()
        {
            Ip = ip, Ready = ready, Serving = ready, Hostname = hostname, NodeName = "node-1", HostIP = "192.0.2.1", PodName = hostname ?? "pod-" + ip,
            Targets = [.. targets.Select(t => new EndpointTarget { PortName = t.Port, Port = t.Number })],
        };

    public static IPAddress Ip(string text) => IPAddress.Parse(text);
}
