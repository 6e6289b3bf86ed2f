using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Contracts.Networking;
using OrleansOrchestrator.Contracts.Store;
using OrleansOrchestrator.Silo.Controllers;

namespace OrleansOrchestrator.Silo.Hosting;

/// <summary>Where pods reach the API: the address and port the <c>kubernetes</c> Service's endpoints name.</summary>
public sealed record ApiAdvertisement(string Address, int Port);

/// <summary>
/// The <c>kubernetes</c> Service in every tenant's <c>default</c> namespace, as Kubernetes' API server keeps it: the
/// service range's first address, port 443 (<c>https</c>) leading to the API's port, and its Endpoints naming the
/// API's advertised address. It has no selector, so the endpoints controller leaves its Endpoints to this bootstrap.
/// Kept at every start: created when missing, its port and endpoints corrected when the API moved.
/// </summary>
public static class KubernetesService
{
    public const string Name = "kubernetes";
    public const string Namespace = "default";

    public static Service Desired(ClusterNetwork network, ApiAdvertisement api) => new()
    {
        Metadata = new ObjectMeta
        {
            Name = Name,
            Namespace = Namespace,
            Labels = new Dictionary<string, string> { ["component"] = "apiserver", ["provider"] = "kubernetes" },
        },
        Spec = new ServiceSpec
        {
            Type = "ClusterIP",
            ClusterIP = network.KubernetesServiceIp,
            ClusterIPs = [network.KubernetesServiceIp],
            Ports = [Port(api)],
            SessionAffinity = "None",
        },
    };

    public static Endpoints DesiredEndpoints(ApiAdvertisement api) => new()
    {
        Metadata = new ObjectMeta
        {
            Name = Name,
            Namespace = Namespace,
            Labels = new Dictionary<string, string> { ["endpointslice.kubernetes.io/skip-mirror"] = "true" },
        },
        Subsets =
        [
            new EndpointSubset
            {
                Addresses = [new EndpointAddress { Ip = api.Address }],
                Ports = [new EndpointPort { Name = "https", Port = api.Port, Protocol = "TCP" }],
            },
        ],
    };

    private static ServicePort Port(ApiAdvertisement api) =>
        new() { Name = "https", Protocol = "TCP", Port = 443, TargetPort = IntOrString.FromInt(api.Port) };

    /// <summary>Creates or corrects the Service and its Endpoints in <paramref name="tenant"/>; returns the problems met (none normally).</summary>
    public static async Task<IReadOnlyList<string>> Ensure(IGrainFactory grains, string tenant, ClusterNetwork network, ApiAdvertisement api)
    {
        var problems = new List<string>();
        var store = new StoreClient(grains, tenant, SystemActors.Bootstrap);
        var serviceGrain = store.Object(ResourceKinds.Service, Namespace, Name);
        var desired = Desired(network, api);
        var result = await serviceGrain.Get() switch
        {
            null => await serviceGrain.Create(desired, SystemActors.Bootstrap),
            Service stored when !SamePorts(stored.Spec.Ports, desired.Spec.Ports) =>
                await serviceGrain.Update(stored with { Spec = stored.Spec with { Ports = desired.Spec.Ports } }, Subresource.Main, SystemActors.Bootstrap),
            var stored => WriteResult.Ok(stored),
        };
        if (result.Error is { Code: not 409 } serviceError) problems.Add($"the kubernetes Service of tenant {tenant}: {serviceError.Message}");

        var endpointsGrain = store.Object(ResourceKinds.Endpoints, Namespace, Name);
        var wanted = DesiredEndpoints(api);
        var written = await endpointsGrain.Get() switch
        {
            null => await endpointsGrain.Create(wanted, SystemActors.Bootstrap),
            Endpoints stored when !SameSubsets(stored, wanted) =>
                await endpointsGrain.Update(stored with { Subsets = wanted.Subsets }, Subresource.Main, SystemActors.Bootstrap),
            var stored => WriteResult.Ok(stored),
        };
        if (written.Error is { Code: not 409 } endpointsError) problems.Add($"the kubernetes Endpoints of tenant {tenant}: {endpointsError.Message}");
        return problems;
    }

    private static bool SamePorts(IReadOnlyList<ServicePort>? stored, IReadOnlyList<ServicePort>? desired) =>
        stored is [var s] && desired is [var d] && s.Name == d.Name && s.Port == d.Port && (s.Protocol ?? "TCP") == d.Protocol && s.TargetPort == d.TargetPort;

    private static bool SameSubsets(Endpoints stored, Endpoints wanted) =>
        stored.Subsets is [{ Addresses: [var address], Ports: [var port], NotReadyAddresses: null or [] }]
        && address.Ip == wanted.Subsets![0].Addresses![0].Ip
        && port == wanted.Subsets[0].Ports![0];

    /// <summary>
    /// Gives the Services of <paramref name="tenant"/> stored before allocation existed (no cluster IP, or a NodePort
    /// Service without node ports) what they lack, by writing each back unchanged: the admission chain allocates.
    /// Returns how many were written.
    /// </summary>
    public static async Task<int> AllocateMissing(IGrainFactory grains, string tenant)
    {
        var store = new StoreClient(grains, tenant, SystemActors.Bootstrap);
        var written = 0;
        foreach (var ns in (await store.List<Namespace>("")).Select(n => n.Metadata.Name!))
            foreach (var service in await store.List<Service>(ns))
            {
                var spec = service.Spec;
                var lacksIp = spec.Type != "ExternalName" && string.IsNullOrEmpty(spec.ClusterIP);
                var lacksNodePorts = spec.Type is "NodePort" or "LoadBalancer" && spec.AllocateLoadBalancerNodePorts != false
                                     && (spec.Ports ?? []).Any(p => p.NodePort is null or 0);
                if (lacksIp || lacksNodePorts) written += await store.Update(service) is null ? 0 : 1;
            }
        return written;
    }
}
