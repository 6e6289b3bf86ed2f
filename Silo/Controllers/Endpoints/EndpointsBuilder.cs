using OrleansOrchestrator.Contracts.Model;

namespace OrleansOrchestrator.Silo.Controllers.Endpoints;

/// <summary>
/// The core/v1 Endpoints of a Service with a selector, as Kubernetes' endpoints controller writes them: ready
/// pods in <c>addresses</c>, the others in <c>notReadyAddresses</c> (all in <c>addresses</c> with
/// <c>publishNotReadyAddresses</c>), terminating pods left out unless the Service publishes not-ready ones,
/// and pods grouped into subsets by the port numbers they resolve to. Pure.
/// </summary>
public static class EndpointsBuilder
{
    /// <summary>Marks the Endpoints and slices of a headless Service, as Kubernetes does.</summary>
    public const string HeadlessLabel = "service.kubernetes.io/headless";

    /// <summary>The subsets; empty when no pod qualifies (kubectl prints <c>&lt;none&gt;</c>).</summary>
    public static IReadOnlyList<EndpointSubset> Subsets(Service service, IReadOnlyList<PodEndpoint> endpoints)
    {
        var publishNotReady = service.Spec.PublishNotReadyAddresses == true;
        var servicePorts = service.Spec.Ports ?? [];
        // A headless Service without ports still lists its pods, with no ports.
        var portless = servicePorts.Count == 0 && ServicePods.IsHeadless(service);
        var groups = new Dictionary<string, (List<EndpointPort> Ports, List<EndpointAddress> Ready, List<EndpointAddress> NotReady)>(StringComparer.Ordinal);
        foreach (var endpoint in endpoints)
        {
            if (endpoint.Terminating && !publishNotReady) continue;
            if (endpoint.Ports.Count == 0 && !portless) continue;
            var ports = endpoint.Ports
                .Select(p => new EndpointPort { Name = p.Name.Length == 0 ? null : p.Name, Port = p.Port, Protocol = p.Protocol, AppProtocol = p.AppProtocol })
                .OrderBy(p => p.Name ?? "", StringComparer.Ordinal).ThenBy(p => p.Port).ThenBy(p => p.Protocol, StringComparer.Ordinal)
                .ToList();
            var key = string.Join(",", ports.Select(p => $"{p.Name}:{p.Port}/{p.Protocol}/{p.AppProtocol}"));
            if (!groups.TryGetValue(key, out var group)) groups[key] = group = (ports, [], []);
            var address = new EndpointAddress
            {
                Ip = endpoint.Ip,
                Hostname = endpoint.Hostname,
                NodeName = string.IsNullOrEmpty(endpoint.Pod.Spec.NodeName) ? null : endpoint.Pod.Spec.NodeName,
                TargetRef = ServicePods.TargetRef(endpoint.Pod),
            };
            (publishNotReady || endpoint.Serving ? group.Ready : group.NotReady).Add(address);
        }
        return groups.OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new EndpointSubset
            {
                Addresses = g.Value.Ready.Count == 0 ? null : g.Value.Ready,
                NotReadyAddresses = g.Value.NotReady.Count == 0 ? null : g.Value.NotReady,
                Ports = portless ? null : g.Value.Ports,
            })
            .ToList();
    }

    /// <summary>The labels of a Service's Endpoints: the Service's own, and the headless mark.</summary>
    public static IReadOnlyDictionary<string, string>? Labels(Service service)
    {
        var labels = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in service.Metadata.Labels ?? new Dictionary<string, string>()) labels[key] = value;
        if (ServicePods.IsHeadless(service)) labels[HeadlessLabel] = "";
        return labels.Count == 0 ? null : labels;
    }

    /// <summary>The Endpoints the Service should have, to create or to compare with the stored one.</summary>
    public static Contracts.Model.Endpoints Desired(Service service, IReadOnlyList<PodEndpoint> endpoints) => new()
    {
        ApiVersion = ResourceKinds.Endpoints.ApiVersion,
        Kind = ResourceKinds.Endpoints.Kind,
        Metadata = new ObjectMeta
        {
            Name = service.Metadata.Name,
            Namespace = service.Metadata.Namespace,
            Labels = Labels(service),
            OwnerReferences = [OwnerReferences.ControllerRef(service)],
        },
        Subsets = Subsets(service, endpoints) is { Count: > 0 } subsets ? subsets : null,
    };
}
