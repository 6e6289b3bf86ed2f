namespace OrleansOrchestrator.Silo.Api.Patching;

/// <summary>
/// Tells <see cref="StrategicMergePatch"/> how each list of a resource merges: the counterpart of the
/// <c>patchStrategy</c>/<c>patchMergeKey</c> struct tags that the Kubernetes API server reads from its Go types.
/// </summary>
public interface IMergeKeys
{
    /// <summary>The strategy for lists of scalars that merge as ordered sets (<c>metadata.finalizers</c>).</summary>
    const string PrimitiveMerge = "primitive-merge";

    /// <summary>
    /// The merge strategy of the list at <paramref name="listPath"/>: the field names from the root of the object,
    /// without array positions (<c>["spec","template","spec","containers","ports"]</c>).
    /// Returns <c>null</c> when the patch replaces the list as a whole, <see cref="PrimitiveMerge"/> for a set of
    /// scalars, otherwise the name of the member that identifies an item (<c>"name"</c>, <c>"containerPort"</c>, …).
    /// </summary>
    string? MergeStrategyFor(IReadOnlyList<string> listPath);
}
