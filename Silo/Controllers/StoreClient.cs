using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Contracts.Selection;
using OrleansOrchestrator.Contracts.Store;

namespace OrleansOrchestrator.Silo.Controllers;

/// <summary>
/// The store as a control loop uses it, within one tenant: typed reads, lists, and writes that report a
/// lost race (409) or a vanished object (404) as "false", because a loop just looks again next pass. Every
/// write is made as <paramref name="actor"/> and passes the admission chain as such.
/// </summary>
public sealed class StoreClient(IGrainFactory grains, string tenant, Actor actor)
{
    public string Tenant { get; } = tenant;

    public IGrainFactory Grains => grains;

    public IObjectGrain Object(ResourceKind kind, string ns, string name) =>
        grains.GetGrain<IObjectGrain>(StoreKeys.Object(Tenant, kind, ns, name));

    public async Task<T?> Get<T>(string ns, string name) where T : KubeObject =>
        await Object(ResourceKinds.Of<T>(), ns, name).Get() as T;

    public async Task<IReadOnlyList<T>> List<T>(string ns, ObjectFilter? filter = null) where T : KubeObject =>
        (await List(ResourceKinds.Of<T>(), ns, filter)).Cast<T>().ToList();

    /// <summary>The objects of a kind known only at run time (the garbage collector's owners and dependents).</summary>
    public async Task<IReadOnlyList<KubeObject>> List(ResourceKind kind, string ns, ObjectFilter? filter = null) =>
        (await grains.GetGrain<ICollectionGrain>(StoreKeys.Collection(Tenant, kind, ns))
            .List(new ListOptions { Filter = filter ?? ObjectFilter.Everything })).Items;

    public async Task<T?> Create<T>(T obj) where T : KubeObject => (await TryCreate(obj)).Object as T;

    /// <summary>A create whose refusal the loop tells apart: 409 (it exists already) from the others.</summary>
    public Task<WriteResult> TryCreate(KubeObject obj) =>
        Object(ResourceKinds.Of(obj), obj.Metadata.Namespace ?? "", obj.Metadata.Name!).Create(obj, actor);

    /// <summary>Replaces the main part, conditional on the object's resourceVersion.</summary>
    public async Task<T?> Update<T>(T obj) where T : KubeObject =>
        (await Object(ResourceKinds.Of(obj), obj.Metadata.Namespace ?? "", obj.Metadata.Name!).Update(obj, Subresource.Main, actor)).Object as T;

    public async Task<T?> UpdateStatus<T>(T obj) where T : KubeObject =>
        (await Object(ResourceKinds.Of(obj), obj.Metadata.Namespace ?? "", obj.Metadata.Name!).Update(obj, Subresource.Status, actor)).Object as T;

    /// <summary>Deletes the object if it is still the one read (same uid); a grace period of 0 removes a pod at once, without its node.</summary>
    public async Task<bool> Delete(KubeObject obj, PropagationPolicy propagation = PropagationPolicy.Background, long? gracePeriodSeconds = null)
    {
        var result = await Object(ResourceKinds.Of(obj), obj.Metadata.Namespace ?? "", obj.Metadata.Name!)
            .Delete(new DeleteOptions { Propagation = propagation, PreconditionUid = obj.Metadata.Uid, GracePeriodSeconds = gracePeriodSeconds }, actor);
        return result.Succeeded;
    }
}
