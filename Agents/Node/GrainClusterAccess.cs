using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Contracts.Store;

namespace OrleansOrchestrator.Agents.Node;

/// <summary>The store, through its grains: agents are Orleans clients, never database clients.</summary>
public sealed class GrainClusterAccess(IGrainFactory grains, string nodeName) : IClusterAccess
{
    /// <summary>Events from agents carry Kubernetes' component name for the node's agent.</summary>
    public const string Component = "kubelet";

    /// <summary>Every write of this agent is made as its node, as a kubelet's are.</summary>
    private readonly Actor _actor = Actor.Node(nodeName);

    private readonly EventBudget _events = new(EventBudget.KubernetesQueueLength);

    public void RecordEvent(string podKey, Pod pod, string type, string reason, string message) =>
        _events.TrySend(() => grains.GetGrain<Contracts.Events.IEventRecorderGrain>(0)
            .Record(StoreKeys.ParseObject(podKey).Tenant, pod, type, reason, message, Component, nodeName));

    public async Task<ConfigMap?> ConfigMap(string tenant, string ns, string name) =>
        await grains.GetGrain<IObjectGrain>(StoreKeys.Object(tenant, ResourceKinds.ConfigMap, ns, name)).Get() as ConfigMap;

    public async Task<Secret?> Secret(string tenant, string ns, string name) =>
        await grains.GetGrain<IObjectGrain>(StoreKeys.Object(tenant, ResourceKinds.Secret, ns, name)).Get() as Secret;

    public async Task<PersistentVolumeClaim?> PersistentVolumeClaim(string tenant, string ns, string name) =>
        await grains.GetGrain<IObjectGrain>(StoreKeys.Object(tenant, ResourceKinds.PersistentVolumeClaim, ns, name)).Get() as PersistentVolumeClaim;

    public async Task<PersistentVolume?> PersistentVolume(string tenant, string name) =>
        await grains.GetGrain<IObjectGrain>(StoreKeys.Object(tenant, ResourceKinds.PersistentVolume, null, name)).Get() as PersistentVolume;

    public async Task<Contracts.Model.Node?> ThisNode() =>
        await grains.GetGrain<IObjectGrain>(StoreKeys.Object(StoreKeys.SystemTenant, ResourceKinds.Node, null, nodeName)).Get() as Contracts.Model.Node;

    public async Task WriteStatus(string podKey, Pod pod, PodStatus status)
    {
        // No resourceVersion: the agent is the one writer of a bound pod's status, and its newest view wins.
        var result = await grains.GetGrain<IObjectGrain>(podKey)
            .Update(pod with { Status = status, Metadata = pod.Metadata with { ResourceVersion = null } }, Subresource.Status, _actor);
        if (result.Error is { Code: not 404 } error) throw new InvalidOperationException(error.Message);
    }

    public async Task<Contracts.Security.PodToken?> PodToken(string podKey, string uid) =>
        await grains.GetGrain<Contracts.Security.IPodTokenGrain>(0).Issue(podKey, uid, nodeName);

    public async Task FinishDeletion(string podKey, string uid)
    {
        var result = await grains.GetGrain<IObjectGrain>(podKey)
            .Delete(new DeleteOptions { GracePeriodSeconds = 0, PreconditionUid = uid }, _actor);
        if (result.Error is { Code: not (404 or 409) } error) throw new InvalidOperationException(error.Message);
    }
}
