using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Contracts.Store;
using OrleansOrchestrator.Silo.Kinds;

namespace OrleansOrchestrator.Silo.Controllers.GarbageCollection;

/// <summary>
/// Carries out deletion propagation in one namespace (key: <c>tenant/namespace</c>): dependents of an owner
/// that is gone are deleted (background); an owner marked for foreground deletion waits until its dependents
/// are gone; an owner deleted with orphan propagation first releases its dependents. Also expires Events
/// that have not recurred within their time to live. Which kinds own which the kind registry says.
/// </summary>
public sealed class GarbageCollectorGrain(ControllerOptions options, TimeProvider clock, ILogger<GarbageCollectorGrain> logger)
    : ReconcilerGrain(logger), IGarbageCollector
{
    protected override async Task<TimeSpan?> Reconcile()
    {
        var key = this.GetPrimaryKeyString();
        var slash = key.IndexOf('/');
        var store = new StoreClient(GrainFactory, key[..slash], SystemActors.GarbageCollector);
        var ns = key[(slash + 1)..];

        // Dependents first, owners second: an owner listed after its dependent existed, unless it is truly gone.
        var dependents = new List<KubeObject>();
        foreach (var kind in KindRegistry.Dependents)
            dependents.AddRange((await store.List(kind, ns)).Where(d => d.Metadata.OwnerReferences is { Count: > 0 }));
        var owners = new Dictionary<string, KubeObject>();
        foreach (var kind in KindRegistry.Owners)
            foreach (var owner in await store.List(kind, ns))
                owners[owner.Metadata.Uid!] = owner;

        var pending = false;
        foreach (var owner in owners.Values.Where(o => o.Metadata.DeletionTimestamp is not null))
        {
            var finalizers = owner.Metadata.Finalizers ?? [];
            var mine = dependents.Where(d => d.Metadata.OwnerReferences!.Any(o => o.Uid == owner.Metadata.Uid)).ToList();
            if (finalizers.Contains(ChangeRouter.OrphanFinalizer))
            {
                // Release every dependent first; one that lost a race is retried next pass, and only then
                // may the owner go (else its dependents would look orphaned and be collected).
                var released = 0;
                foreach (var dependent in mine)
                    if (await store.Update(OwnerReferences.WithoutOwner(dependent, owner.Metadata.Uid!)) is not null) released++;
                if (released == mine.Count) await RemoveFinalizer(store, owner, ChangeRouter.OrphanFinalizer);
                else pending = true;
            }
            else if (finalizers.Contains(ChangeRouter.ForegroundDeletion))
            {
                foreach (var dependent in mine.Where(d => d.Metadata.DeletionTimestamp is null))
                    await store.Delete(dependent, PropagationPolicy.Foreground);
                if (mine.Count == 0) await RemoveFinalizer(store, owner, ChangeRouter.ForegroundDeletion);
                else pending = true;
            }
        }

        foreach (var dependent in dependents.Where(d => d.Metadata.DeletionTimestamp is null))
        {
            // Owned only by objects that no longer exist: collect it.
            if (dependent.Metadata.OwnerReferences!.All(o => !owners.ContainsKey(o.Uid)))
                await store.Delete(dependent);
        }

        var expired = clock.GetUtcNow() - options.EventTtl;
        foreach (var old in (await store.List<Event>(ns)).Where(e => (e.LastTimestamp ?? e.Metadata.CreationTimestamp) < expired))
            await store.Delete(old);
        return pending ? TimeSpan.FromSeconds(1) : null;
    }

    private static async Task RemoveFinalizer(StoreClient store, KubeObject owner, string finalizer)
    {
        var rest = (owner.Metadata.Finalizers ?? []).Where(f => f != finalizer).ToList();
        await store.Update(owner with { Metadata = owner.Metadata with { Finalizers = rest.Count > 0 ? rest : null } });
    }
}
