using System.Globalization;
using OrleansOrchestrator.Contracts.Networking;

namespace OrleansOrchestrator.Agents.Pods;

/// <summary>
/// The Service variables the kubelet gives every container (<c>REDIS_PRIMARY_SERVICE_HOST</c>, the docker-link
/// style <c>REDIS_PRIMARY_PORT_6379_TCP…</c>), for the Services of the pod's namespace that exist when the
/// container is created, plus the <c>kubernetes</c> Service of <c>default</c>. Pure: a function of the routes.
/// </summary>
public static class ServiceEnvironment
{
    /// <summary>The Service every pod gets variables for, even with <c>enableServiceLinks: false</c>: the API's own.</summary>
    public const string ApiServiceNamespace = "default";

    public const string ApiServiceName = "kubernetes";

    /// <summary>
    /// The variables for a pod of <paramref name="tenant"/> in <paramref name="namespace"/>, ordered by Service name.
    /// Only Services with a cluster IP count: headless and ExternalName Services have no address to give.
    /// </summary>
    public static IReadOnlyDictionary<string, string> For(string tenant, string @namespace, bool enableServiceLinks, IEnumerable<ServiceRoute> routes)
    {
        // By Service name, as the kubelet's map: a Service called "kubernetes" in the pod's own namespace (with links
        // on) takes the place of default's, and default's is there however the pod's links are set.
        var chosen = new Dictionary<string, ServiceRoute>(StringComparer.Ordinal);
        foreach (var route in routes)
        {
            if (route.Tenant != tenant || !HasClusterIP(route) || route.Ports.Count == 0) continue;
            if (route.Namespace == @namespace && enableServiceLinks)
                chosen[route.Name] = route;
            else if (route.Namespace == ApiServiceNamespace && route.Name == ApiServiceName)
                chosen.TryAdd(route.Name, route);
        }

        var env = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var route in chosen.Values.OrderBy(r => r.Name, StringComparer.Ordinal))
            Add(env, route);
        return env;
    }

    private static bool HasClusterIP(ServiceRoute route) =>
        route.Type != "ExternalName" && route.ClusterIP is { Length: > 0 } ip && ip != "None";

    private static void Add(Dictionary<string, string> env, ServiceRoute route)
    {
        var prefix = VariableName(route.Name);
        var ip = route.ClusterIP!;
        env[prefix + "_SERVICE_HOST"] = ip;
        env[prefix + "_SERVICE_PORT"] = Number(route.Ports[0].Port);
        foreach (var port in route.Ports.Where(p => p.Name.Length > 0))
            env[$"{prefix}_SERVICE_PORT_{VariableName(port.Name)}"] = Number(port.Port);

        // Docker links' variables: the first port also as NAME_PORT.
        for (var i = 0; i < route.Ports.Count; i++)
        {
            var port = route.Ports[i];
            var protocol = string.IsNullOrEmpty(port.Protocol) ? "TCP" : port.Protocol;
            var url = $"{protocol.ToLowerInvariant()}://{HostPort(ip, port.Port)}";
            if (i == 0) env[prefix + "_PORT"] = url;
            var portPrefix = $"{prefix}_PORT_{Number(port.Port)}_{protocol.ToUpperInvariant()}";
            env[portPrefix] = url;
            env[portPrefix + "_PROTO"] = protocol.ToLowerInvariant();
            env[portPrefix + "_PORT"] = Number(port.Port);
            env[portPrefix + "_ADDR"] = ip;
        }
    }

    /// <summary><c>redis-primary</c> → <c>REDIS_PRIMARY</c>.</summary>
    public static string VariableName(string name) => name.Replace('-', '_').ToUpperInvariant();

    // An IPv6 address needs brackets before a port, as in a URL.
    private static string HostPort(string ip, int port) => ip.Contains(':') ? $"[{ip}]:{Number(port)}" : $"{ip}:{Number(port)}";

    private static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);
}
