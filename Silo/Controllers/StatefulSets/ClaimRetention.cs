using OrleansOrchestrator.Contracts.Model;

namespace OrleansOrchestrator.Silo.Controllers.StatefulSets;

/// <summary>
/// <c>persistentVolumeClaimRetentionPolicy</c> as Kubernetes carries it out (KEP-1847,
/// <c>updateClaimOwnerRefForSetAndPod</c>): through owner references on the claims, which the garbage collector
/// then follows. <c>whenDeleted: Delete</c> makes the StatefulSet an owner of its claims (they go with it);
/// <c>whenScaled: Delete</c> makes a condemned pod (one a scale-down removes) the owner of its claims (they go
/// with the pod). With both Retain the claims have neither owner and outlive everything.
/// </summary>
public static class ClaimRetention
{
    public const string Delete = "Delete";

    public static bool DeleteWhenDeleted(StatefulSet set) => set.Spec.PersistentVolumeClaimRetentionPolicy?.WhenDeleted == Delete;

    public static bool DeleteWhenScaled(StatefulSet set) => set.Spec.PersistentVolumeClaimRetentionPolicy?.WhenScaled == Delete;

    /// <summary>
    /// The owner references <paramref name="claim"/> of <paramref name="pod"/> should carry: the others it has, plus the
    /// set's or the pod's as the policy says (a pod not created yet, without uid, is never an owner).
    /// </summary>
    public static IReadOnlyList<OwnerReference>? Owners(PersistentVolumeClaim claim, StatefulSet set, Pod pod)
    {
        var condemned = !StatefulPods.InOrdinalRange(set, pod);
        var setOwns = DeleteWhenDeleted(set) && !(DeleteWhenScaled(set) && condemned);
        var podOwns = DeleteWhenScaled(set) && condemned && pod.Metadata.Uid is { Length: > 0 };
        var refs = (claim.Metadata.OwnerReferences ?? [])
            .Where(r => r.Uid != set.Metadata.Uid && (pod.Metadata.Uid is not { Length: > 0 } || r.Uid != pod.Metadata.Uid))
            .ToList();
        // Kubernetes keeps the references it does not manage, and puts back the ones the policy wants where they were not.
        var current = claim.Metadata.OwnerReferences ?? [];
        if (setOwns) refs.Add(current.FirstOrDefault(r => r.Uid == set.Metadata.Uid) ?? Reference(set));
        if (podOwns) refs.Add(current.FirstOrDefault(r => r.Uid == pod.Metadata.Uid) ?? Reference(pod));
        return refs.Count > 0 ? refs : null;
    }

    /// <summary>Whether the claim's owner references already are what the policy wants (Kubernetes' <c>ClaimsMatchRetentionPolicy</c>).</summary>
    public static bool Matches(PersistentVolumeClaim claim, StatefulSet set, Pod pod) =>
        SameUids(claim.Metadata.OwnerReferences, Owners(claim, set, pod));

    /// <summary>The claim with the owner references the policy wants.</summary>
    public static PersistentVolumeClaim Applied(PersistentVolumeClaim claim, StatefulSet set, Pod pod) =>
        claim with { Metadata = claim.Metadata with { OwnerReferences = Owners(claim, set, pod) } };

    /// <summary>
    /// Kubernetes' <c>PodClaimIsStale</c>: with <c>whenScaled: Delete</c>, a claim still owned by an earlier pod of the same
    /// name (condemned by a scale-down, then wanted again) is about to be collected; the new pod waits until it is gone.
    /// </summary>
    public static bool IsStale(PersistentVolumeClaim claim, StatefulSet set, Pod pod) =>
        DeleteWhenScaled(set)
        && (claim.Metadata.OwnerReferences ?? []).Any(r => r.Kind == "Pod" && r.Name == pod.Metadata.Name && r.Uid != (pod.Metadata.Uid ?? ""));

    private static OwnerReference Reference(KubeObject owner) => new()
    {
        ApiVersion = owner.ApiVersion ?? ResourceKinds.Of(owner).ApiVersion,
        Kind = owner.Kind ?? ResourceKinds.Of(owner).Kind,
        Name = owner.Metadata.Name!,
        Uid = owner.Metadata.Uid!,
    };

    private static bool SameUids(IReadOnlyList<OwnerReference>? a, IReadOnlyList<OwnerReference>? b) =>
        (a ?? []).Select(r => r.Uid).Order(StringComparer.Ordinal).SequenceEqual((b ?? []).Select(r => r.Uid).Order(StringComparer.Ordinal));
}
