using System.Globalization;
using System.Text;
using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Silo.Controllers.Deployments;

namespace OrleansOrchestrator.Silo.Controllers.Revisions;

/// <summary>
/// The revision history of a workload that keeps its pod templates as ControllerRevisions (StatefulSets and
/// DaemonSets), as Kubernetes' <c>controller_history.go</c> and the StatefulSet controller's
/// <c>getStatefulSetRevisions</c>/<c>truncateHistory</c> keep it: one revision per distinct template, named
/// <c>&lt;owner&gt;-&lt;hash&gt;</c>, numbered 1, 2, …; returning to an older template (a rollback) renumbers
/// that revision as the newest instead of making a copy; revisions no pod uses beyond the history limit go.
/// The pure decisions are here; <see cref="Sync"/> applies them to the store.
/// </summary>
public static class ControllerRevisions
{
    /// <summary>The label on a revision (its hash) and on the pods made from it (StatefulSet: the revision's name; DaemonSet: its hash).</summary>
    public const string HashLabel = "controller-revision-hash";

    /// <summary>What a revision saves: the template as a strategic merge patch that replaces the workload's whole template (what <c>kubectl rollout undo</c> sends).</summary>
    public static ControllerRevisionData DataOf(PodTemplateSpec template) => new()
    {
        Spec = new ControllerRevisionSpec
        {
            Template = new RevisionPodTemplate { Patch = "replace", Metadata = template.Metadata, Spec = template.Spec },
        },
    };

    /// <summary>The pod template a revision saved.</summary>
    public static PodTemplateSpec TemplateOf(ControllerRevision revision) =>
        revision.Data?.Spec?.Template is { } saved
            ? new PodTemplateSpec { Metadata = saved.Metadata, Spec = saved.Spec }
            : new PodTemplateSpec();

    /// <summary>
    /// The hash that names a revision of <paramref name="template"/>: FNV-1a of the normalised template followed, when there is
    /// one, by the collision count in decimal (as Kubernetes' <c>HashControllerRevision</c> probes), in the safe alphabet.
    /// </summary>
    public static string Hash(PodTemplateSpec template, int? collisionCount)
    {
        var hash = PodTemplateHash.Fnv1a32(Encoding.UTF8.GetBytes(PodTemplateHash.CanonicalJson(template)));
        if (collisionCount is { } count)
            hash = PodTemplateHash.Fnv1a32(Encoding.UTF8.GetBytes(count.ToString(CultureInfo.InvariantCulture)), hash);
        return PodTemplateHash.SafeEncode(hash.ToString(CultureInfo.InvariantCulture));
    }

    /// <summary>Whether <paramref name="revision"/> saved <paramref name="template"/> (Kubernetes' <c>EqualRevision</c>, on normalised templates).</summary>
    public static bool Saves(ControllerRevision revision, PodTemplateSpec template) =>
        PodTemplateHash.Equivalent(TemplateOf(revision), template);

    /// <summary>Oldest first: by number, then creation time, then name (Kubernetes' <c>SortControllerRevisions</c>).</summary>
    public static List<ControllerRevision> Sorted(IEnumerable<ControllerRevision> revisions) =>
        revisions.OrderBy(r => r.Revision)
            .ThenBy(r => r.Metadata.CreationTimestamp ?? DateTimeOffset.MinValue)
            .ThenBy(r => r.Metadata.Name, StringComparer.Ordinal)
            .ToList();

    /// <summary>The number the next new (or renumbered) revision gets.</summary>
    public static long NextNumber(IReadOnlyList<ControllerRevision> sorted) => sorted.Count == 0 ? 1 : sorted[^1].Revision + 1;

    /// <summary>
    /// Which revision serves <paramref name="template"/> and with what number, among <paramref name="sorted"/> (oldest
    /// first): the newest revision unchanged when it saves the template; an older one that does, renumbered as the newest
    /// (a rollback); otherwise none (<see cref="UpdateRevisionChoice.Existing"/> null) and a new one with the next number.
    /// </summary>
    public static UpdateRevisionChoice ChooseUpdateRevision(IReadOnlyList<ControllerRevision> sorted, PodTemplateSpec template)
    {
        var equal = sorted.LastOrDefault(r => Saves(r, template));
        if (equal is not null && ReferenceEquals(equal, sorted[^1])) return new(equal, equal.Revision);
        return new(equal, NextNumber(sorted));
    }

    /// <summary>
    /// The revisions to delete (oldest first): those neither <paramref name="live"/> (revision names or hashes the
    /// workload or its pods still use) nor among the newest <paramref name="historyLimit"/> of the rest.
    /// </summary>
    public static List<ControllerRevision> ToTruncate(IReadOnlyList<ControllerRevision> sorted, IReadOnlySet<string> live, int historyLimit)
    {
        var history = sorted.Where(r => !IsLive(r, live)).ToList();
        return history.Count <= historyLimit ? [] : history.Take(history.Count - Math.Max(0, historyLimit)).ToList();
    }

    private static bool IsLive(ControllerRevision revision, IReadOnlySet<string> live) =>
        live.Contains(revision.Metadata.Name!) || revision.Metadata.Labels?.GetValueOrDefault(HashLabel) is { } hash && live.Contains(hash);

    /// <summary>
    /// A new revision of <paramref name="owner"/>'s template: labels of the template plus the hash, the owner's annotations
    /// (so <c>kubectl rollout history</c> shows its change-cause), controlled by the owner.
    /// </summary>
    public static ControllerRevision New(KubeObject owner, PodTemplateSpec template, long number, int? collisionCount)
    {
        var hash = Hash(template, collisionCount);
        var labels = new Dictionary<string, string>(template.Metadata?.Labels ?? new Dictionary<string, string>()) { [HashLabel] = hash };
        var revision = new ControllerRevision
        {
            Metadata = new ObjectMeta
            {
                Name = $"{Truncated(owner.Metadata.Name!)}-{hash}",
                Namespace = owner.Metadata.Namespace,
                Labels = labels,
                Annotations = owner.Metadata.Annotations is { Count: > 0 } annotations ? new Dictionary<string, string>(annotations) : null,
            },
            Data = DataOf(template),
            Revision = number,
        };
        return OwnerReferences.WithControllerRef(revision, owner);
    }

    /// <summary>Kubernetes keeps the prefix to 223 characters so that the name with its hash stays a valid name.</summary>
    private static string Truncated(string prefix) => prefix.Length > 223 ? prefix[..223] : prefix;

    /// <summary>
    /// Brings the owner's revisions in line with its <paramref name="template"/>, as one pass of Kubernetes' StatefulSet
    /// controller does: claims the revisions its <paramref name="selector"/> matches, finds, renumbers or creates the update
    /// revision (a name clash with another template raises the collision count and tries the next name), picks the current
    /// revision (<paramref name="currentRevisionName"/>, or the update revision when there is none) and deletes history
    /// beyond <paramref name="historyLimit"/> that neither they nor <paramref name="inUse"/> (the revision names or hashes
    /// the pods carry) use. Returns null when a write lost a race (the next pass tries again).
    /// </summary>
    public static async Task<RevisionSyncResult?> Sync(
        StoreClient store, KubeObject owner, LabelSelector? selector, PodTemplateSpec template,
        int? collisionCount, string? currentRevisionName, int historyLimit, IEnumerable<string> inUse)
    {
        var ns = owner.Metadata.Namespace ?? "";
        var candidates = await store.List<ControllerRevision>(ns);
        var revisions = Sorted((await Ownership.Claim(store, owner, selector, candidates)).Where(r => r.Metadata.DeletionTimestamp is null));

        var choice = ChooseUpdateRevision(revisions, template);
        var (updated, collisions) = choice.Existing is not { } existing ? await CreateRevision(store, owner, template, choice.Number, collisionCount ?? 0)
            : existing.Revision == choice.Number ? (existing, collisionCount ?? 0)
            : (await store.Update(existing with { Revision = choice.Number }), collisionCount ?? 0);
        if (updated is null) return null;

        var all = Sorted(revisions.Where(r => r.Metadata.Name != updated.Metadata.Name).Append(updated));
        var current = all.FirstOrDefault(r => r.Metadata.Name == currentRevisionName) ?? updated;
        var live = new HashSet<string>(inUse, StringComparer.Ordinal) { current.Metadata.Name!, updated.Metadata.Name! };
        foreach (var doomed in ToTruncate(all, live, historyLimit))
            if (await store.Delete(doomed)) all.Remove(doomed);
        return new RevisionSyncResult(current, updated, collisions, all);
    }

    /// <summary>
    /// Kubernetes' <c>CreateControllerRevision</c>: a name already taken by another template is a hash collision, so the
    /// collision count goes up and the next name is tried; a name taken by the same template (created by an earlier pass
    /// whose revision this one did not list yet) is that revision. Null when the store refused or the name is not ours.
    /// </summary>
    private static async Task<(ControllerRevision?, int)> CreateRevision(StoreClient store, KubeObject owner, PodTemplateSpec template, long number, int collisions)
    {
        for (var attempt = 0; attempt < 10; attempt++, collisions++)
        {
            var fresh = New(owner, template, number, collisions);
            if (await store.Create(fresh) is { } created) return (created, collisions);
            if (await store.Get<ControllerRevision>(fresh.Metadata.Namespace ?? "", fresh.Metadata.Name!) is not { } taken) return (null, collisions);
            if (Saves(taken, template)) return (OwnerReferences.IsControlledBy(taken, owner) ? taken : null, collisions);
        }
        return (null, collisions);
    }
}

/// <summary>The revision that will serve a template: an existing one (null: create one) and the number it must carry.</summary>
public sealed record UpdateRevisionChoice(ControllerRevision? Existing, long Number);

/// <summary>The outcome of <see cref="ControllerRevisions.Sync"/>: the current and update revisions, the collision count to report in status, and the revisions kept.</summary>
public sealed record RevisionSyncResult(ControllerRevision Current, ControllerRevision Update, int CollisionCount, IReadOnlyList<ControllerRevision> Revisions);
