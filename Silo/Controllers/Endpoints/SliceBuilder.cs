using System.Security.Cryptography;
using System.Text;
using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Silo.Kinds.EndpointSlices;

namespace OrleansOrchestrator.Silo.Controllers.Endpoints;

/// <summary>
/// The discovery/v1 EndpointSlices of a Service with a selector, as Kubernetes' EndpointSlice controller
/// writes them: one slice per set of resolved ports (pods whose named target port resolves to another number
/// are in another slice), at most <see cref="MaxEndpointsPerSlice"/> endpoints each, terminating pods included
/// with their conditions, and one empty slice when no pod qualifies. Names are derived from the Service and
/// the slice's ports, so that a pass computes the same names again and never leaks slices. Pure.
/// </summary>
public static class SliceBuilder
{
    public const int MaxEndpointsPerSlice = 100;

    /// <summary>The value of the managed-by label on the slices this controller keeps.</summary>
    public const string ManagedBy = "endpointslice-controller.k8s.io";

    public static IReadOnlyList<EndpointSlice> Desired(Service service, IReadOnlyList<PodEndpoint> endpoints)
    {
        var byPorts = new SortedDictionary<string, (List<EndpointSlicePort> Ports, List<SliceEndpoint> Endpoints)>(StringComparer.Ordinal);
        foreach (var endpoint in endpoints)
        {
            // A Service with ports reaches a pod only on the ports it resolves; a pod resolving none serves nothing.
            if (endpoint.Ports.Count == 0 && (service.Spec.Ports?.Count ?? 0) > 0) continue;
            var ports = endpoint.Ports
                .Select(p => new EndpointSlicePort { Name = p.Name, Protocol = p.Protocol, Port = p.Port, AppProtocol = p.AppProtocol })
                .ToList();
            var key = string.Join(",", ports.Select(p => $"{p.Name}:{p.Port}/{p.Protocol}/{p.AppProtocol}"));
            if (!byPorts.TryGetValue(key, out var group)) byPorts[key] = group = (ports, []);
            group.Endpoints.Add(new SliceEndpoint
            {
                Addresses = [endpoint.Ip],
                Conditions = new EndpointConditions { Ready = endpoint.Ready, Serving = endpoint.Serving, Terminating = endpoint.Terminating },
                Hostname = endpoint.Hostname,
                TargetRef = ServicePods.TargetRef(endpoint.Pod),
                NodeName = string.IsNullOrEmpty(endpoint.Pod.Spec.NodeName) ? null : endpoint.Pod.Spec.NodeName,
            });
        }

        var slices = new List<EndpointSlice>();
        foreach (var (key, group) in byPorts)
            for (var chunk = 0; chunk * MaxEndpointsPerSlice < group.Endpoints.Count; chunk++)
                slices.Add(Slice(service, $"{key}#{chunk}", group.Ports, group.Endpoints.Skip(chunk * MaxEndpointsPerSlice).Take(MaxEndpointsPerSlice).ToList()));
        // Kubernetes keeps one placeholder slice for a Service no pod serves, so that its consumers see it exists.
        if (slices.Count == 0) slices.Add(Slice(service, "placeholder", [], []));
        return slices;
    }

    /// <summary>The labels of a Service's slices: its own (but for the two the controller sets), the Service's name, the manager, and the headless mark.</summary>
    public static IReadOnlyDictionary<string, string> Labels(Service service)
    {
        var labels = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in service.Metadata.Labels ?? new Dictionary<string, string>())
            if (key is not (EndpointSliceStrategy.ServiceNameLabel or EndpointSliceStrategy.ManagedByLabel)) labels[key] = value;
        labels[EndpointSliceStrategy.ServiceNameLabel] = service.Metadata.Name!;
        labels[EndpointSliceStrategy.ManagedByLabel] = ManagedBy;
        if (ServicePods.IsHeadless(service)) labels[EndpointsBuilder.HeadlessLabel] = "";
        return labels;
    }

    /// <summary>Whether a stored slice is one this controller keeps for the Service named <paramref name="serviceName"/>.</summary>
    public static bool IsManagedFor(EndpointSlice slice, string serviceName) =>
        slice.Metadata.Labels is { } labels
        && labels.TryGetValue(EndpointSliceStrategy.ManagedByLabel, out var manager) && manager == ManagedBy
        && labels.TryGetValue(EndpointSliceStrategy.ServiceNameLabel, out var name) && name == serviceName;

    /// <summary>A slice name from the Service's name and what distinguishes the slice: five characters, as Kubernetes' generated names have.</summary>
    public static string SliceName(string serviceName, string discriminator)
    {
        const string alphabet = "bcdfghjklmnpqrstvwxz2456789";
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{serviceName}\n{discriminator}"));
        var suffix = new StringBuilder(5);
        for (var i = 0; i < 5; i++) suffix.Append(alphabet[hash[i] % alphabet.Length]);
        var prefix = serviceName.Length > 57 ? serviceName[..57] : serviceName;
        return $"{prefix}-{suffix}";
    }

    private static EndpointSlice Slice(Service service, string discriminator, List<EndpointSlicePort> ports, List<SliceEndpoint> endpoints) => new()
    {
        ApiVersion = ResourceKinds.EndpointSlice.ApiVersion,
        Kind = ResourceKinds.EndpointSlice.Kind,
        Metadata = new ObjectMeta
        {
            Name = SliceName(service.Metadata.Name!, discriminator),
            Namespace = service.Metadata.Namespace,
            Labels = Labels(service),
            OwnerReferences = [OwnerReferences.ControllerRef(service)],
        },
        AddressType = "IPv4",
        Endpoints = endpoints,
        Ports = ports,
    };
}
