using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Contracts.Selection;
using OrleansOrchestrator.Contracts.Store;

namespace OrleansOrchestrator.Silo.Controllers;

/// <summary>
/// Which objects a controller owns, as Kubernetes' controller-ref manager decides it: those it controls and
/// that still match its selector; matching orphans are adopted (unless being deleted); those it controls
/// that no longer match are released. Writes that lose a race are left for the next pass.
/// </summary>
public static class Ownership
{
    /// <summary>
    /// Claims among the objects of the owner's namespace that it could own: the collection hands out only
    /// those it controls or its selector matches (<see cref="Store.IClaimCandidates"/>), which are the only
    /// ones <see cref="Claim{T}(StoreClient, KubeObject, LabelSelector?, IEnumerable{T})"/> acts on.
    /// </summary>
    public static async Task<List<T>> Claim<T>(StoreClient store, KubeObject owner, LabelSelector? selector)
        where T : KubeObject
    {
        var collection = store.Grains.GetGrain<Store.IClaimCandidates>(
            StoreKeys.Collection(store.Tenant, ResourceKinds.Of<T>(), owner.Metadata.Namespace ?? ""));
        var candidates = await collection.ClaimCandidates(owner.Metadata.Uid ?? "", SelectorParser.FromLabelSelector(selector));
        return await Claim(store, owner, selector, candidates.OfType<T>());
    }

    public static async Task<List<T>> Claim<T>(StoreClient store, KubeObject owner, LabelSelector? selector, IEnumerable<T> candidates)
        where T : KubeObject
    {
        var requirements = SelectorParser.FromLabelSelector(selector);
        var owned = new List<T>();
        foreach (var candidate in candidates)
        {
            var matches = requirements.Count > 0 && requirements.All(r => r.Matches(candidate.Metadata.Labels));
            if (OwnerReferences.IsControlledBy(candidate, owner))
            {
                if (matches) owned.Add(candidate);
                else await store.Update(OwnerReferences.WithoutOwner(candidate, owner.Metadata.Uid!));
            }
            else if (matches && ChangeRouter.ControllerOf(candidate) is null && candidate.Metadata.DeletionTimestamp is null
                     && await store.Update(OwnerReferences.WithControllerRef(candidate, owner)) is { } adopted)
                owned.Add(adopted);
        }
        return owned;
    }
}
