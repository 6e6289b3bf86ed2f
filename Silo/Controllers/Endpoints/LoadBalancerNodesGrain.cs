using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Contracts.Store;
using OrleansOrchestrator.Silo.Api.Auth;

namespace OrleansOrchestrator.Silo.Controllers.Endpoints;

/// <summary>
/// Which nodes serve LoadBalancer Services (<see cref="LoadBalancerNodeSet"/>), recomputed when a node changes.
/// Most node writes are heartbeats that change nothing here, so wakes wait a little longer to coalesce, and
/// only a change of the set wakes the endpoints controllers, which then rewrite status and routes.
/// </summary>
public sealed partial class LoadBalancerNodesGrain(Tenancy.KnownTenants tenants, ILogger<LoadBalancerNodesGrain> logger) : ReconcilerGrain(logger), ILoadBalancerNodes
{
    private IReadOnlyList<LoadBalancerNode>? _current;

    /// <summary>The set the endpoints controllers were last woken for in this activation.</summary>
    private IReadOnlyList<LoadBalancerNode>? _announced;

    protected override TimeSpan CoalesceDelay => TimeSpan.FromMilliseconds(200);

    public async Task<IReadOnlyList<LoadBalancerNode>> Current() => _current ??= await Read();

    protected override async Task<TimeSpan?> Reconcile()
    {
        var now = await Read();
        _current = now;
        // Nothing announced yet in this activation: what the controllers last saw is unknown, so every namespace looks again.
        if (_announced is not null && now.SequenceEqual(_announced)) return null;
        _announced = now;
        foreach (var tenant in await tenants.All())
        {
            var store = new StoreClient(GrainFactory, tenant, SystemActors.ServiceLoadBalancer);
            foreach (var ns in await store.List<Namespace>(""))
                GrainFactory.GetGrain<IEndpointsController>(EndpointsWakes.Key(tenant, ns.Metadata.Name!)).Wake().Ignore();
        }
        return null;
    }

    private async Task<IReadOnlyList<LoadBalancerNode>> Read() =>
        LoadBalancerNodeSet.Eligible(await new StoreClient(GrainFactory, StoreKeys.SystemTenant, SystemActors.ServiceLoadBalancer).List<Node>(""));
}
