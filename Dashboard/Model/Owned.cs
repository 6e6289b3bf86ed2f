using OrleansOrchestrator.Contracts.Model;

namespace OrleansOrchestrator.Dashboard.Model;

/// <summary>
/// Which objects a workload controls, by the rule the controllers and the garbage collector follow: same namespace and
/// an owner reference with the owner's uid marked as controller. A name alone is not enough: a workload deleted and
/// made again under the same name does not own its predecessor's pods.
/// </summary>
public static class Owned
{
    public static bool IsControlledBy(KubeObject obj, KubeObject owner) =>
        obj.Metadata.Namespace == owner.Metadata.Namespace
        && owner.Metadata.Uid is { Length: > 0 } uid
        && obj.Metadata.OwnerReferences?.Any(o => o.Controller == true && o.Uid == uid) == true;

    /// <summary>The objects the owner controls, by name.</summary>
    public static IReadOnlyList<T> By<T>(KubeObject owner, IEnumerable<T> objects) where T : KubeObject =>
        objects.Where(o => IsControlledBy(o, owner)).OrderBy(o => o.Metadata.Name, StringComparer.Ordinal).ToList();
}
