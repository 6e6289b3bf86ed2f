using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Contracts.Networking;
using RouteEndpoint = OrleansOrchestrator.Contracts.Networking.RouteEndpoint;

namespace OrleansOrchestrator.Silo.Controllers.Endpoints;

/// <summary>
/// A Service's route for the node proxies and the cluster DNS (<see cref="ServiceRoute"/>): its addresses and
/// ports, and every endpoint with where each port leads — from the pods the selector picks, or from the
/// user's Endpoints for a Service without a selector. Pure.
/// </summary>
public static class RouteBuilder
{
    /// <summary>The route of a Service with a selector, from its pods.</summary>
    public static ServiceRoute FromPods(string tenant, Service service, IReadOnlyList<PodEndpoint> endpoints, IReadOnlyList<string> loadBalancerNodes) =>
        Base(tenant, service, loadBalancerNodes) with
        {
            Endpoints = endpoints.Select(e => new RouteEndpoint
            {
                Ip = e.Ip,
                NodeName = e.Pod.Spec.NodeName ?? "",
                HostIP = e.Pod.Status?.HostIP ?? "",
                PodName = e.Pod.Metadata.Name ?? "",
                Hostname = e.Hostname,
                Ready = e.Ready,
                Serving = e.Serving,
                Terminating = e.Terminating,
                Targets = e.Ports.Select(p => new EndpointTarget { PortName = p.Name, Port = p.Port, HostPort = p.HostPort }).ToList(),
            }).ToList(),
        };

    /// <summary>
    /// The route of a Service without a selector, from the Endpoints its user keeps (none yet: no endpoints).
    /// Such addresses are reached directly: they have no node port (<see cref="EndpointTarget.HostPort"/> null).
    /// A subset's port belongs to the Service port of the same name.
    /// </summary>
    public static ServiceRoute FromEndpoints(string tenant, Service service, Contracts.Model.Endpoints? userEndpoints, IReadOnlyList<string> loadBalancerNodes)
    {
        var servicePorts = service.Spec.Ports ?? [];
        var endpoints = new List<RouteEndpoint>();
        foreach (var subset in userEndpoints?.Subsets ?? [])
        {
            var targets = (subset.Ports ?? [])
                .Where(p => servicePorts.Any(s => (s.Name ?? "") == (p.Name ?? "") && (s.Protocol ?? "TCP") == (p.Protocol ?? "TCP")))
                .Select(p => new EndpointTarget { PortName = p.Name ?? "", Port = p.Port })
                .ToList();
            foreach (var (address, ready) in (subset.Addresses ?? []).Select(a => (a, true)).Concat((subset.NotReadyAddresses ?? []).Select(a => (a, false))))
                endpoints.Add(new RouteEndpoint
                {
                    Ip = address.Ip,
                    NodeName = address.NodeName ?? "",
                    PodName = address.TargetRef is { Kind: "Pod", Name: { } pod } ? pod : "",
                    Hostname = address.Hostname,
                    Ready = ready,
                    Serving = ready,
                    Targets = targets,
                });
        }
        return Base(tenant, service, loadBalancerNodes) with { Endpoints = endpoints };
    }

    private static ServiceRoute Base(string tenant, Service service, IReadOnlyList<string> loadBalancerNodes)
    {
        var spec = service.Spec;
        var type = spec.Type ?? "ClusterIP";
        return new ServiceRoute
        {
            Tenant = tenant,
            Namespace = service.Metadata.Namespace ?? "",
            Name = service.Metadata.Name ?? "",
            Type = type,
            // "None" is headless; an empty address is not allocated yet: either way no virtual address to serve.
            ClusterIP = type == "ExternalName" || spec.ClusterIP is null or "" or "None" ? null : spec.ClusterIP,
            ExternalName = type == "ExternalName" ? spec.ExternalName : null,
            Ports = (spec.Ports ?? []).Select(p => new RoutePort
            {
                Name = p.Name ?? "",
                Protocol = p.Protocol ?? "TCP",
                Port = p.Port,
                NodePort = type is "NodePort" or "LoadBalancer" && p.NodePort is > 0 ? p.NodePort : null,
            }).ToList(),
            ClientIPAffinity = spec.SessionAffinity == "ClientIP",
            ExternalTrafficLocal = spec.ExternalTrafficPolicy == "Local",
            InternalTrafficLocal = spec.InternalTrafficPolicy == "Local",
            LoadBalancerNodes = type == "LoadBalancer" ? loadBalancerNodes : [],
            ExternalIPs = spec.ExternalIPs ?? [],
            ResourceVersion = service.Metadata.ResourceVersion ?? "",
            PublishNotReadyAddresses = spec.PublishNotReadyAddresses == true,
        };
    }
}
