using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Contracts.Selection;

namespace OrleansOrchestrator.Silo.Controllers;

/// <summary>
/// Which objects a controller owns, as Kubernetes' controller-ref manager decides it: those it controls and
/// that still match its selector; matching orphans are adopted (unless being deleted); those it controls
/// that no longer match are released. Writes that lose a race are left for the next pass.
/// </summary>
public static class Ownership
{
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
