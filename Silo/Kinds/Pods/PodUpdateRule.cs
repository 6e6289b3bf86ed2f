using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Contracts.Store;
using OrleansOrchestrator.Silo.Store;

namespace OrleansOrchestrator.Silo.Kinds.Pods;

/// <summary>What an update may change in a pod that exists (Kubernetes' ValidatePodUpdate, for the fields we model).</summary>
public static class PodUpdateRule
{
    /// <summary>
    /// Kubernetes lets a pod's spec change only in a few fields once created: images, the active deadline,
    /// added tolerations — and its node, once (the binding). Anything else is refused.
    /// </summary>
    public static FieldCause? ForbiddenChange(Pod before, Pod after)
    {
        if (before.Spec.NodeName is { Length: > 0 } node && after.Spec.NodeName != node)
            return new FieldCause("spec.nodeName", "FieldValueForbidden", "Forbidden: a pod's node cannot change once it is bound");
        if (RemovedOrModifiedToleration(before.Spec.Tolerations, after.Spec.Tolerations))
            return new FieldCause("spec.tolerations", "FieldValueForbidden", "Forbidden: existing toleration can not be modified except its tolerationSeconds");

        static PodSpec Comparable(PodSpec spec, PodSpec reference) => spec with
        {
            Containers = spec.Containers.Select(c => c with { Image = null }).ToList(),
            InitContainers = spec.InitContainers?.Select(c => c with { Image = null }).ToList(),
            ActiveDeadlineSeconds = null,
            Tolerations = null,
            NodeName = reference.NodeName,
        };
        return ObjectSemantics.SameJson(Comparable(before.Spec, after.Spec), Comparable(after.Spec, after.Spec))
            ? null
            : new FieldCause("spec", "FieldValueForbidden",
                "Forbidden: pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations)");
    }

    /// <summary>
    /// Whether an update drops or alters a toleration the pod already had. As in Kubernetes'
    /// validateOnlyAddedTolerations, every existing toleration must still be present; only its
    /// <c>tolerationSeconds</c> may change.
    /// </summary>
    private static bool RemovedOrModifiedToleration(IReadOnlyList<Toleration>? before, IReadOnlyList<Toleration>? after) =>
        (before ?? []).Any(old => !(after ?? []).Any(next => old with { TolerationSeconds = next.TolerationSeconds } == next));
}
