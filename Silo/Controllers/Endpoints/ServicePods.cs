using OrleansOrchestrator.Contracts.Model;

namespace OrleansOrchestrator.Silo.Controllers.Endpoints;

/// <summary>One of a Service's ports as one pod serves it: the target port resolved against the pod.</summary>
/// <param name="HostPort">The node port the pod's port is published on (<c>status.hostPorts</c>), if it is.</param>
public sealed record ResolvedPort(string Name, string Protocol, int Port, string? AppProtocol, int? HostPort);

/// <summary>One pod behind a Service, as both the Endpoints and the EndpointSlices see it.</summary>
/// <param name="Serving">The pod's Ready condition is True (whether or not it is terminating).</param>
/// <param name="Ready">It takes new traffic: serving and not terminating, or the Service publishes addresses that are not ready.</param>
/// <param name="Ports">The Service's ports this pod serves, in the Service's order; a named target port the pod lacks is absent.</param>
public sealed record PodEndpoint(Pod Pod, string Ip, bool Ready, bool Serving, bool Terminating, string? Hostname, IReadOnlyList<ResolvedPort> Ports);

/// <summary>
/// Which pods a Service reaches and how, as Kubernetes' endpoints controllers decide it. Pure: the endpoints
/// controller feeds it what it read from the store.
/// </summary>
public static class ServicePods
{
    /// <summary>Whether the Service's selector picks the pod (a Service without a selector picks none: its endpoints are the user's).</summary>
    public static bool Selects(Service service, Pod pod) =>
        service.Spec.Selector is { } selector
        && pod.Metadata.Namespace == service.Metadata.Namespace
        && selector.All(l => pod.Metadata.Labels?.TryGetValue(l.Key, out var value) == true && value == l.Value);

    /// <summary>
    /// Whether a pod appears among endpoints at all: not finished, with an address, and (unless terminating
    /// pods are wanted) not being deleted. Kubernetes' <c>ShouldPodBeInEndpoints</c>.
    /// </summary>
    public static bool ShouldBeInEndpoints(Pod pod, bool includeTerminating) =>
        pod.Status?.Phase is not ("Succeeded" or "Failed")
        && !string.IsNullOrEmpty(PodIp(pod))
        && (includeTerminating || pod.Metadata.DeletionTimestamp is null);

    /// <summary>The pod's DNS host name under the Service: set when the pod names a host name and the Service as its subdomain.</summary>
    public static string? Hostname(Service service, Pod pod) =>
        !string.IsNullOrEmpty(pod.Spec.Hostname) && pod.Spec.Subdomain == service.Metadata.Name && pod.Metadata.Namespace == service.Metadata.Namespace
            ? pod.Spec.Hostname
            : null;

    /// <summary>
    /// The pod's port for one Service port: a number as it is (0 or unset: the Service's own port), a name
    /// looked up among the pod's containers' ports of the same protocol (regular containers, then sidecars), or
    /// null when the pod has no such port.
    /// </summary>
    public static int? TargetPort(ServicePort servicePort, Pod pod)
    {
        var target = servicePort.TargetPort;
        if (target is not { } t || t.IsInt) return target?.IntValue is int number && number > 0 ? number : servicePort.Port;
        var protocol = servicePort.Protocol ?? "TCP";
        var containers = pod.Spec.Containers.Concat((pod.Spec.InitContainers ?? []).Where(c => c.RestartPolicy == "Always"));
        return containers.SelectMany(c => c.Ports ?? [])
            .FirstOrDefault(p => p.Name == t.StringValue && (p.Protocol ?? "TCP") == protocol)?.Number;
    }

    /// <summary>The Service's ports the pod serves, resolved, with the node ports they are published on.</summary>
    public static IReadOnlyList<ResolvedPort> Resolve(Service service, Pod pod)
    {
        var resolved = new List<ResolvedPort>();
        foreach (var port in service.Spec.Ports ?? [])
        {
            if (TargetPort(port, pod) is not { } number) continue;
            var protocol = port.Protocol ?? "TCP";
            var hostPort = pod.Status?.HostPorts?.FirstOrDefault(h => h.ContainerPort == number && h.Protocol == protocol)?.HostPort;
            resolved.Add(new ResolvedPort(port.Name ?? "", protocol, number, port.AppProtocol, hostPort));
        }
        return resolved;
    }

    /// <summary>
    /// The pods behind the Service, ordered by address, terminating ones included (each consumer decides
    /// whether it wants them): Kubernetes' EndpointSlice conditions, where a terminating pod is never ready
    /// unless the Service publishes addresses that are not ready.
    /// </summary>
    public static IReadOnlyList<PodEndpoint> Endpoints(Service service, IEnumerable<Pod> pods)
    {
        var publishNotReady = service.Spec.PublishNotReadyAddresses == true;
        return pods
            .Where(p => Selects(service, p) && ShouldBeInEndpoints(p, includeTerminating: true))
            .Select(p =>
            {
                var serving = PodConditions.IsReady(p);
                var terminating = p.Metadata.DeletionTimestamp is not null;
                return new PodEndpoint(p, PodIp(p)!, publishNotReady || (serving && !terminating), serving, terminating, Hostname(service, p), Resolve(service, p));
            })
            .OrderBy(e => e.Ip, AddressOrder.Instance)
            .ThenBy(e => e.Pod.Metadata.Name, StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>
    /// The pods of a namespace indexed by label, so that each Service of a large namespace looks only at the
    /// pods carrying its selector's first label rather than at every pod.
    /// </summary>
    public static Func<Service, IEnumerable<Pod>> Candidates(IReadOnlyList<Pod> pods)
    {
        var byLabel = new Dictionary<(string, string), List<Pod>>();
        foreach (var pod in pods)
            foreach (var label in pod.Metadata.Labels ?? new Dictionary<string, string>())
            {
                if (!byLabel.TryGetValue((label.Key, label.Value), out var list)) byLabel[(label.Key, label.Value)] = list = [];
                list.Add(pod);
            }
        return service => service.Spec.Selector is { Count: > 0 } selector
            ? byLabel.GetValueOrDefault((selector.First().Key, selector.First().Value)) ?? []
            : pods;
    }

    public static string? PodIp(Pod pod) =>
        pod.Status?.PodIP is { Length: > 0 } ip ? ip : pod.Status?.PodIPs?.FirstOrDefault()?.Ip;

    /// <summary>The reference an endpoint makes to its pod.</summary>
    public static ObjectReference TargetRef(Pod pod) => new()
    {
        Kind = "Pod",
        Namespace = pod.Metadata.Namespace,
        Name = pod.Metadata.Name,
        Uid = pod.Metadata.Uid,
    };

    /// <summary>A Service whose cluster IP is <c>None</c>: no virtual address, DNS names the pods.</summary>
    public static bool IsHeadless(Service service) => service.Spec.ClusterIP == "None";
}

/// <summary>Addresses in numeric order where they parse (10.0.0.9 before 10.0.0.10), else as text.</summary>
public sealed class AddressOrder : IComparer<string>
{
    public static readonly AddressOrder Instance = new();

    public int Compare(string? x, string? y)
    {
        if (System.Net.IPAddress.TryParse(x, out var a) && System.Net.IPAddress.TryParse(y, out var b))
        {
            var (ab, bb) = (a.GetAddressBytes(), b.GetAddressBytes());
            if (ab.Length != bb.Length) return ab.Length.CompareTo(bb.Length);
            for (var i = 0; i < ab.Length; i++)
                if (ab[i] != bb[i]) return ab[i].CompareTo(bb[i]);
            return 0;
        }
        return string.CompareOrdinal(x, y);
    }
}
