using OrleansOrchestrator.Contracts.Model;

namespace OrleansOrchestrator.Dashboard.Model;

/// <summary>One saved pod template of a StatefulSet or DaemonSet: a ControllerRevision it controls.</summary>
public sealed record ControllerRevisionRow(long Number, string Name, string Hash, IReadOnlyList<string> Images, bool Current, ControllerRevision Revision);

/// <summary>
/// The revisions of a StatefulSet or DaemonSet, newest first, as <c>kubectl rollout history</c> lists them. Rolling
/// back to one is <see cref="WorkloadPatches.Rollback"/>.
/// </summary>
public static class ControllerRevisionHistory
{
    /// <summary>The label the controllers put on a revision: the hash of its template, also the end of its name.</summary>
    public const string HashLabel = "controller.kubernetes.io/hash";

    /// <summary>
    /// The owner's revisions. The current one is <paramref name="currentName"/> when the owner's status names it (a
    /// StatefulSet's <c>updateRevision</c>), otherwise the newest: the controllers renumber a revision they return to
    /// as the newest, so the highest number is what the pods are being brought to.
    /// </summary>
    public static IReadOnlyList<ControllerRevisionRow> Of(KubeObject owner, IEnumerable<ControllerRevision> revisions, string? currentName = null)
    {
        var owned = Owned.By(owner, revisions).OrderByDescending(r => r.Revision).ToList();
        var current = currentName is { Length: > 0 } && owned.Any(r => r.Metadata.Name == currentName) ? currentName : owned.FirstOrDefault()?.Metadata.Name;
        return owned.Select(r => new ControllerRevisionRow(
                r.Revision, r.Metadata.Name ?? "", r.Metadata.Labels?.GetValueOrDefault(HashLabel) ?? "",
                r.Data?.Spec?.Template?.Spec.Containers.Select(c => c.Image ?? "").ToList() ?? [],
                r.Metadata.Name == current, r))
            .ToList();
    }
}
