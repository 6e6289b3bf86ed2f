using OrleansOrchestrator.Contracts.Model;

namespace OrleansOrchestrator.Dashboard.Model;

/// <summary>How many addresses of a Service's Endpoints take traffic, and how many belong to pods that are not ready.</summary>
public sealed record EndpointCounts(int Ready, int NotReady)
{
    public static readonly EndpointCounts None = new(0, 0);

    public int Total => Ready + NotReady;

    /// <summary>As the READY column of <c>kubectl get pods</c>: ready of all.</summary>
    public string Text => $"{Ready}/{Total}";

    public static EndpointCounts Of(Endpoints? endpoints) =>
        endpoints is null
            ? None
            : new EndpointCounts(
                (endpoints.Subsets ?? []).Sum(s => s.Addresses?.Count ?? 0),
                (endpoints.Subsets ?? []).Sum(s => s.NotReadyAddresses?.Count ?? 0));
}

/// <summary>
/// A Service as the services grid shows it: the columns of <c>kubectl get services</c> (type, cluster IP, external
/// addresses, ports) with the target ports and how many of its endpoints are ready, from the Endpoints object of the
/// same name.
/// </summary>
public sealed record ServiceRow(
    string Namespace, string Name, string Type, string ClusterIP, IReadOnlyList<string> Ports, IReadOnlyList<string> External,
    EndpointCounts Endpoints, Tone EndpointsTone, string Selector, DateTimeOffset? Created, Service Service)
{
    public const string Headless = "None";
    public const string Pending = "<pending>";
    public const string Nothing = "<none>";

    public static ServiceRow From(Service service, Endpoints? endpoints)
    {
        var counts = EndpointCounts.Of(endpoints);
        return new ServiceRow(
            service.Metadata.Namespace ?? "", service.Metadata.Name ?? "", TypeOf(service), ClusterIPText(service),
            (service.Spec.Ports ?? []).Select(PortText).ToList(), ExternalAddresses(service), counts, ToneOf(service, counts),
            SelectorText(service.Spec.Selector), service.Metadata.CreationTimestamp, service);
    }

    public string PortsText => Ports.Count == 0 ? Nothing : string.Join(", ", Ports);

    public string ExternalText => External.Count == 0 ? Nothing : string.Join(", ", External);

    public static string TypeOf(Service service) => service.Spec.Type ?? "ClusterIP";

    /// <summary>The cluster IP, <c>None</c> for a headless Service, <c>&lt;none&gt;</c> while none is assigned (or for ExternalName).</summary>
    public static string ClusterIPText(Service service) => service.Spec.ClusterIP switch
    {
        null or "" => Nothing,
        var ip => ip, // "None" (headless) reads as kubectl shows it
    };

    /// <summary><c>port:nodePort/protocol → targetPort</c>; the node port only when the Service has one, the target port defaulting to the port.</summary>
    public static string PortText(ServicePort port) =>
        $"{port.Port}{(port.NodePort is > 0 ? $":{port.NodePort}" : "")}/{port.Protocol ?? "TCP"} → {TargetPortText(port)}";

    public static string TargetPortText(ServicePort port) => port.TargetPort is { } target ? target.ToString() : $"{port.Port}";

    /// <summary>
    /// Where the Service is reached from outside: its <c>spec.externalIPs</c> and its load balancer's addresses.
    /// A LoadBalancer without any address yet is <c>&lt;pending&gt;</c>, as kubectl shows it; an ExternalName Service
    /// is reached at its DNS name.
    /// </summary>
    public static IReadOnlyList<string> ExternalAddresses(Service service)
    {
        var addresses = (service.Spec.ExternalIPs ?? [])
            .Concat((service.Status?.LoadBalancer?.Ingress ?? []).Select(i => i.Ip ?? i.Hostname).OfType<string>())
            .Where(a => a.Length > 0)
            .Distinct(StringComparer.Ordinal)
            .ToList();
        if (addresses.Count > 0) return addresses;
        return TypeOf(service) switch
        {
            "LoadBalancer" => [Pending],
            "ExternalName" when service.Spec.ExternalName is { Length: > 0 } name => [name],
            _ => [],
        };
    }

    public static string SelectorText(IReadOnlyDictionary<string, string>? selector) =>
        selector is null ? "" : string.Join(",", selector.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => $"{l.Key}={l.Value}"));

    /// <summary>
    /// Good when every endpoint is ready and there is at least one; a warning when some are not ready or a Service
    /// that should have endpoints has none (its traffic goes nowhere). An ExternalName Service has no endpoints to speak of.
    /// </summary>
    private static Tone ToneOf(Service service, EndpointCounts counts) =>
        TypeOf(service) == "ExternalName" ? Tone.Neutral
        : counts.Ready == 0 ? Tone.Warning
        : counts.NotReady > 0 ? Tone.Working
        : Tone.Good;
}
