using OrleansOrchestrator.Contracts.Model;

namespace OrleansOrchestrator.Dashboard.Model;

/// <summary>
/// Which pods a Service sends traffic to, by the rule the endpoints controller applies: same namespace, and every
/// label of the selector on the pod. A Service without a selector selects no pod (its Endpoints are written by hand).
/// </summary>
public static class ServiceSelection
{
    public static bool Selects(Service service, Pod pod)
    {
        if (service.Metadata.Namespace != pod.Metadata.Namespace) return false;
        if (service.Spec.Selector is not { Count: > 0 } selector) return false;
        var labels = pod.Metadata.Labels;
        return labels is not null && selector.All(s => labels.TryGetValue(s.Key, out var value) && value == s.Value);
    }

    /// <summary>The Services that select the pod, by name.</summary>
    public static IReadOnlyList<Service> SelectingServices(Pod pod, IEnumerable<Service> services) =>
        services.Where(s => Selects(s, pod)).OrderBy(s => s.Metadata.Name, StringComparer.Ordinal).ToList();

    /// <summary>The pods the Service selects, by name.</summary>
    public static IReadOnlyList<Pod> SelectedPods(Service service, IEnumerable<Pod> pods) =>
        pods.Where(p => Selects(service, p)).OrderBy(p => p.Metadata.Name, StringComparer.Ordinal).ToList();
}

/// <summary>
/// One address of a Service's Endpoints as the Service page lists it: where traffic goes, on which ports, on which
/// node, to which pod, and whether it takes traffic now.
/// </summary>
public sealed record EndpointRow(string Address, string Ports, string Node, string? PodNamespace, string? PodName, string? Hostname, bool Ready)
{
    /// <summary>Ready addresses first, then by address, as a reader scans for the ones that take traffic.</summary>
    public static IReadOnlyList<EndpointRow> Of(Endpoints? endpoints, string? ns) =>
        (endpoints?.Subsets ?? [])
        .SelectMany(subset =>
        {
            var ports = PortsText(subset.Ports);
            return (subset.Addresses ?? []).Select(a => From(a, ports, ns, ready: true))
                .Concat((subset.NotReadyAddresses ?? []).Select(a => From(a, ports, ns, ready: false)));
        })
        .OrderByDescending(r => r.Ready)
        .ThenBy(r => r.Address, StringComparer.Ordinal)
        .ThenBy(r => r.Ports, StringComparer.Ordinal)
        .ToList();

    private static EndpointRow From(EndpointAddress address, string ports, string? ns, bool ready)
    {
        var pod = address.TargetRef is { Kind: "Pod", Name: { Length: > 0 } name } target ? (Namespace: target.Namespace ?? ns, Name: name) : default;
        return new EndpointRow(address.Ip, ports, address.NodeName ?? "", pod.Namespace, pod.Name, address.Hostname, ready);
    }

    /// <summary><c>80/TCP</c>, or <c>http 80/TCP</c> for a named port.</summary>
    private static string PortsText(IReadOnlyList<EndpointPort>? ports) =>
        ports is not { Count: > 0 }
            ? ""
            : string.Join(", ", ports.Select(p => $"{(p.Name is { Length: > 0 } name ? name + " " : "")}{p.Port}/{p.Protocol ?? "TCP"}"));
}
