using System.Globalization;
using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Silo.Controllers.Revisions;
using OrleansOrchestrator.Silo.Controllers.Scheduling;

namespace OrleansOrchestrator.Silo.Controllers.DaemonSets;

/// <summary>
/// The pods a DaemonSet makes, as Kubernetes' daemon controller makes them (<c>pkg/controller/daemon/util</c>): the
/// template with the tolerations every daemon pod gets, its revision's hash and generation as labels, and a required
/// node affinity that pins it to its node for the default scheduler to honour. Pure.
/// </summary>
public static class DaemonPods
{
    /// <summary>The DaemonSet's generation when the pod was made (Kubernetes' <c>pod-template-generation</c>).</summary>
    public const string TemplateGenerationLabel = "pod-template-generation";

    public const string NotReadyTaint = NodeView.NotReadyTaint;
    public const string UnreachableTaint = NodeView.UnreachableTaint;
    public const string DiskPressureTaint = "node.kubernetes.io/disk-pressure";
    public const string MemoryPressureTaint = "node.kubernetes.io/memory-pressure";
    public const string PidPressureTaint = "node.kubernetes.io/pid-pressure";
    public const string UnschedulableTaint = NodeView.UnschedulableTaint;
    public const string NetworkUnavailableTaint = "node.kubernetes.io/network-unavailable";

    /// <summary>
    /// Kubernetes' <c>AddOrUpdateDaemonPodTolerations</c>: a daemon pod stays on a node that is not ready or unreachable
    /// for ever (no <c>tolerationSeconds</c>, so the node lifecycle never evicts it), and goes to nodes under pressure or
    /// cordoned; one on the host's network also to a node whose network is not up yet. A toleration the template already
    /// has with the same key, operator, value and effect is replaced, any other kept.
    /// </summary>
    public static PodSpec WithDaemonTolerations(PodSpec spec)
    {
        var tolerations = new List<Toleration>(spec.Tolerations ?? []);
        AddOrUpdate(tolerations, NotReadyTaint, Tolerations.NoExecute);
        AddOrUpdate(tolerations, UnreachableTaint, Tolerations.NoExecute);
        AddOrUpdate(tolerations, DiskPressureTaint, Tolerations.NoSchedule);
        AddOrUpdate(tolerations, MemoryPressureTaint, Tolerations.NoSchedule);
        AddOrUpdate(tolerations, PidPressureTaint, Tolerations.NoSchedule);
        AddOrUpdate(tolerations, UnschedulableTaint, Tolerations.NoSchedule);
        if (spec.HostNetwork == true) AddOrUpdate(tolerations, NetworkUnavailableTaint, Tolerations.NoSchedule);
        return spec with { Tolerations = tolerations };
    }

    private static void AddOrUpdate(List<Toleration> tolerations, string key, string effect)
    {
        var wanted = new Toleration { Key = key, Operator = "Exists", Effect = effect };
        var same = tolerations.FindIndex(t => t.Key == wanted.Key && t.Operator == wanted.Operator && (t.Value ?? "") == "" && t.Effect == wanted.Effect);
        if (same < 0) tolerations.Add(wanted);
        else tolerations[same] = wanted;
    }

    /// <summary>
    /// The daemon pod for <paramref name="node"/>: the template's labels plus <paramref name="hash"/> and the generation,
    /// the daemon tolerations, and the template's required node affinity replaced by <c>matchFields metadata.name In
    /// [node]</c> (the node was found to match it already; Kubernetes' <c>ReplaceDaemonSetPodNodeNameNodeAffinity</c>).
    /// </summary>
    public static Pod NewPod(DaemonSet ds, string node, string hash)
    {
        var template = ds.Spec.Template;
        var labels = new Dictionary<string, string>(template.Metadata?.Labels ?? new Dictionary<string, string>())
        {
            [TemplateGenerationLabel] = (ds.Metadata.Generation ?? 1).ToString(CultureInfo.InvariantCulture),
            [ControllerRevisions.HashLabel] = hash,
        };
        var spec = WithDaemonTolerations(template.Spec);
        var pod = new Pod
        {
            Metadata = new ObjectMeta
            {
                Name = $"{ds.Metadata.Name}-{Names.RandomSuffix()}",
                Namespace = ds.Metadata.Namespace,
                Labels = labels,
                Annotations = template.Metadata?.Annotations,
            },
            Spec = spec with { Affinity = PinnedTo(spec.Affinity, node) },
        };
        return OwnerReferences.WithControllerRef(pod, ds);
    }

    private static Affinity PinnedTo(Affinity? affinity, string node)
    {
        var pinned = new NodeSelector
        {
            NodeSelectorTerms =
            [
                new NodeSelectorTerm { MatchFields = [new LabelSelectorRequirement { Key = NodeAffinityMatcher.NameField, Operator = "In", Values = [node] }] },
            ],
        };
        var current = affinity ?? new Affinity();
        return current with { NodeAffinity = (current.NodeAffinity ?? new NodeAffinity()) with { RequiredDuringSchedulingIgnoredDuringExecution = pinned } };
    }

    /// <summary>
    /// The node a daemon pod is on or meant for (Kubernetes' <c>GetTargetNodeName</c>): its <c>nodeName</c>, else the one
    /// name its required affinity pins it to; null when neither says (such a pod is no daemon pod of any node).
    /// </summary>
    public static string? TargetNode(Pod pod)
    {
        if (pod.Spec.NodeName is { Length: > 0 } bound) return bound;
        foreach (var term in pod.Spec.Affinity?.NodeAffinity?.RequiredDuringSchedulingIgnoredDuringExecution?.NodeSelectorTerms ?? [])
            foreach (var field in term.MatchFields ?? [])
                if (field.Key == NodeAffinityMatcher.NameField && field.Operator == "In")
                    return field.Values is [var only] ? only : null;
        return null;
    }

    /// <summary>Whether the pod runs the revision <paramref name="hash"/> (Kubernetes' <c>IsPodUpdated</c>, by hash).</summary>
    public static bool IsUpdated(Pod pod, string hash) =>
        hash.Length > 0 && pod.Metadata.Labels?.GetValueOrDefault(ControllerRevisions.HashLabel) == hash;

    /// <summary>
    /// Kubernetes' <c>podByCreationTimestampAndPhase</c>: scheduled pods first, then the oldest, then by name. The first
    /// is the node's pod that counts (status) and the one kept when there are several.
    /// </summary>
    public static IEnumerable<Pod> OldestFirst(IEnumerable<Pod> pods) =>
        pods.OrderBy(p => string.IsNullOrEmpty(p.Spec.NodeName) ? 1 : 0)
            .ThenBy(p => p.Metadata.CreationTimestamp ?? DateTimeOffset.MinValue)
            .ThenBy(p => p.Metadata.Name, StringComparer.Ordinal);
}
