using System.Text.Json;
using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Contracts.Networking;
using OrleansOrchestrator.Contracts.Serialization;
using OrleansOrchestrator.Contracts.Store;

namespace OrleansOrchestrator.Silo.Controllers.Endpoints;

/// <summary>
/// The endpoints controller of one namespace (Kubernetes' endpoints and EndpointSlice controllers, and the
/// status half of k3s' ServiceLB, in one loop): for each Service with a selector it keeps the Endpoints of the
/// same name and the EndpointSlices from the pods the selector picks; for each LoadBalancer Service the
/// status' ingress addresses; for every Service its route in the service directory. Woken by changes to the
/// namespace's Services, pods, Endpoints and slices, and by the load balancer nodes changing. Writes only
/// what differs from the store, and publishes only routes that differ from what it last published.
/// </summary>
public sealed partial class EndpointsControllerGrain(ILogger<EndpointsControllerGrain> logger) : ReconcilerGrain(logger), IEndpointsController
{
    private static readonly TimeSpan RetryAfterLostWrite = TimeSpan.FromSeconds(1);

    private string _tenant = "";
    private string _namespace = "";
    private StoreClient _endpointsWriter = null!;
    private StoreClient _slicesWriter = null!;
    private StoreClient _statusWriter = null!;

    /// <summary>What this loop published to the directory, by route key (as text, to compare); null until read from the directory.</summary>
    private Dictionary<string, string>? _published;

    private IServiceDirectoryGrain Directory => GrainFactory.GetGrain<IServiceDirectoryGrain>(IServiceDirectoryGrain.Key);

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        (_tenant, _namespace) = EndpointsWakes.ParseKey(this.GetPrimaryKeyString());
        _endpointsWriter = new StoreClient(GrainFactory, _tenant, SystemActors.Endpoints);
        _slicesWriter = new StoreClient(GrainFactory, _tenant, SystemActors.EndpointSlices);
        _statusWriter = new StoreClient(GrainFactory, _tenant, SystemActors.ServiceLoadBalancer);
        return base.OnActivateAsync(cancellationToken);
    }

    protected override Task<TimeSpan?> Reconcile() => Sync(republish: false);

    public async Task Republish() => await Sync(republish: true);

    private async Task<TimeSpan?> Sync(bool republish)
    {
        var services = await _endpointsWriter.List<Service>(_namespace);
        if (republish) _published = new Dictionary<string, string>(StringComparer.Ordinal);
        // A loop activated anew learns what the directory holds of its namespace, so that it can withdraw the
        // routes of Services deleted while it was not active.
        _published ??= (await Directory.Snapshot()).Routes
            .Where(r => r.Tenant == _tenant && r.Namespace == _namespace)
            .ToDictionary(r => r.Key, Fingerprint, StringComparer.Ordinal);

        var selecting = services.Where(HasSelectedEndpoints).ToList();
        var candidates = ServicePods.Candidates(selecting.Count > 0 ? await _endpointsWriter.List<Pod>(_namespace) : []);
        var endpointsObjects = services.Count > 0
            ? (await _endpointsWriter.List<Contracts.Model.Endpoints>(_namespace)).ToDictionary(e => e.Metadata.Name!, StringComparer.Ordinal)
            : [];
        var slices = selecting.Count > 0 ? await _slicesWriter.List<EndpointSlice>(_namespace) : [];
        var loadBalancerNodes = services.Any(s => s.Spec.Type == "LoadBalancer")
            ? await GrainFactory.GetGrain<ILoadBalancerNodes>(ILoadBalancerNodes.Key).Current()
            : [];

        var allWritten = true;
        foreach (var stored in services)
        {
            var service = stored;
            if (stored.Metadata.DeletionTimestamp is null)
            {
                var (written, updated) = await SyncLoadBalancerStatus(stored, loadBalancerNodes);
                allWritten &= written;
                service = updated ?? stored;
            }
            ServiceRoute route;
            if (HasSelectedEndpoints(service))
            {
                var endpoints = ServicePods.Endpoints(service, candidates(service));
                if (service.Metadata.DeletionTimestamp is null)
                {
                    allWritten &= await SyncEndpoints(service, endpoints, endpointsObjects.GetValueOrDefault(service.Metadata.Name!));
                    allWritten &= await SyncSlices(service, endpoints, slices);
                }
                route = RouteBuilder.FromPods(_tenant, service, endpoints, loadBalancerNodes.Select(n => n.Name).ToList());
            }
            else
            {
                route = RouteBuilder.FromEndpoints(_tenant, service, endpointsObjects.GetValueOrDefault(service.Metadata.Name!), loadBalancerNodes.Select(n => n.Name).ToList());
            }
            await Publish(route);
        }

        var current = services.Select(s => ServiceRoute.RouteKey(_tenant, _namespace, s.Metadata.Name!)).ToHashSet(StringComparer.Ordinal);
        foreach (var gone in _published.Keys.Where(k => !current.Contains(k)).ToList())
        {
            await Directory.Withdraw(gone);
            _published.Remove(gone);
        }
        return allWritten ? null : RetryAfterLostWrite;
    }

    /// <summary>Kubernetes' controllers keep endpoints for Services with a selector, except ExternalName ones (a DNS alias has no pods).</summary>
    private static bool HasSelectedEndpoints(Service service) => service.Spec.Selector is not null && service.Spec.Type != "ExternalName";

    private async Task Publish(ServiceRoute route)
    {
        var fingerprint = Fingerprint(route);
        if (_published!.TryGetValue(route.Key, out var last) && last == fingerprint) return;
        await Directory.Publish(route);
        _published[route.Key] = fingerprint;
    }

    private async Task<bool> SyncEndpoints(Service service, IReadOnlyList<PodEndpoint> endpoints, Contracts.Model.Endpoints? stored)
    {
        var desired = EndpointsBuilder.Desired(service, endpoints);
        if (stored is null) return await _endpointsWriter.Create(desired) is not null;
        if (Content(stored.Metadata, stored.Subsets) == Content(desired.Metadata, desired.Subsets)) return true;
        var update = stored with
        {
            Metadata = stored.Metadata with { Labels = desired.Metadata.Labels, OwnerReferences = desired.Metadata.OwnerReferences },
            Subsets = desired.Subsets,
        };
        return await _endpointsWriter.Update(update) is not null;
    }

    private async Task<bool> SyncSlices(Service service, IReadOnlyList<PodEndpoint> endpoints, IReadOnlyList<EndpointSlice> stored)
    {
        var desired = SliceBuilder.Desired(service, endpoints);
        var byName = stored.ToDictionary(s => s.Metadata.Name!, StringComparer.Ordinal);
        var allWritten = true;
        foreach (var slice in desired)
        {
            if (!byName.TryGetValue(slice.Metadata.Name!, out var existing))
            {
                allWritten &= await _slicesWriter.Create(slice) is not null;
                continue;
            }
            if (Content(existing.Metadata, new { existing.AddressType, existing.Endpoints, existing.Ports }) == Content(slice.Metadata, new { slice.AddressType, slice.Endpoints, slice.Ports }))
                continue;
            var update = existing with
            {
                Metadata = existing.Metadata with { Labels = slice.Metadata.Labels, OwnerReferences = slice.Metadata.OwnerReferences },
                AddressType = slice.AddressType,
                Endpoints = slice.Endpoints,
                Ports = slice.Ports,
            };
            allWritten &= await _slicesWriter.Update(update) is not null;
        }
        var wanted = desired.Select(s => s.Metadata.Name!).ToHashSet(StringComparer.Ordinal);
        foreach (var extra in stored.Where(s => SliceBuilder.IsManagedFor(s, service.Metadata.Name!) && !wanted.Contains(s.Metadata.Name!) && s.Metadata.DeletionTimestamp is null))
            allWritten &= await _slicesWriter.Delete(extra);
        return allWritten;
    }

    /// <summary>Writes the ingress addresses of a LoadBalancer Service (and clears those of a Service that stopped being one) through the status subresource.</summary>
    private async Task<(bool Written, Service? Updated)> SyncLoadBalancerStatus(Service service, IReadOnlyList<LoadBalancerNode> nodes)
    {
        var desired = LoadBalancerNodeSet.Status(service, nodes);
        if (LoadBalancerNodeSet.SameIngress(service.Status?.LoadBalancer, desired)) return (true, null);
        var updated = await _statusWriter.UpdateStatus(service with { Status = (service.Status ?? new ServiceStatus()) with { LoadBalancer = desired } });
        return (updated is not null, updated);
    }

    /// <summary>What the controller decides of an object, as text to compare: labels (in order), the controlling owner, and the content.</summary>
    private static string Content(ObjectMeta metadata, object? content) =>
        JsonSerializer.Serialize(new
        {
            Labels = metadata.Labels?.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => $"{l.Key}={l.Value}").ToList(),
            Owner = ChangeRouter.ControllerOf(new Contracts.Model.Endpoints { Metadata = metadata })?.Uid,
            OwnerCount = metadata.OwnerReferences?.Count ?? 0,
            Content = content,
        }, KubeJson.Options);

    private static string Fingerprint(ServiceRoute route) => JsonSerializer.Serialize(route, KubeJson.Options);
}
