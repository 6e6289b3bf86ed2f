using System.Globalization;
using System.Text.RegularExpressions;
using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Silo.Controllers.Revisions;

namespace OrleansOrchestrator.Silo.Controllers.StatefulSets;

/// <summary>
/// The identity of a StatefulSet's pods and claims, and how the controller reads a pod's state, as Kubernetes'
/// <c>stateful_set_utils.go</c> defines them: pod <c>NAME-ORDINAL</c> with the pod-name and pod-index labels and the
/// revision it was made from, <c>spec.hostname</c>/<c>spec.subdomain</c> so the headless Service gives it a DNS name,
/// and per claim template a claim <c>TEMPLATE-NAME-ORDINAL</c> mounted under the template's name.
/// </summary>
public static partial class StatefulPods
{
    public const string PodNameLabel = "statefulset.kubernetes.io/pod-name";
    public const string PodIndexLabel = "apps.kubernetes.io/pod-index";

    [GeneratedRegex("^(.*)-([0-9]+)$")]
    private static partial Regex ParentAndOrdinalPattern();

    /// <summary>The StatefulSet name and ordinal a pod name encodes; ordinal -1 when it encodes none.</summary>
    public static (string Parent, int Ordinal) ParentAndOrdinal(string? podName)
    {
        var match = ParentAndOrdinalPattern().Match(podName ?? "");
        return match.Success && int.TryParse(match.Groups[2].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var ordinal)
            ? (match.Groups[1].Value, ordinal)
            : ("", -1);
    }

    public static int Ordinal(Pod pod) => ParentAndOrdinal(pod.Metadata.Name).Ordinal;

    /// <summary>Whether the pod's name says it is one of <paramref name="set"/>'s (Kubernetes' <c>isMemberOf</c>): only such orphans are adopted.</summary>
    public static bool IsMemberOf(StatefulSet set, Pod pod) => ParentAndOrdinal(pod.Metadata.Name).Parent == set.Metadata.Name;

    public static string PodName(StatefulSet set, int ordinal) => $"{set.Metadata.Name}-{ordinal.ToString(CultureInfo.InvariantCulture)}";

    public static string ClaimName(StatefulSet set, string template, int ordinal) => $"{template}-{PodName(set, ordinal)}";

    public static int StartOrdinal(StatefulSet set) => set.Spec.Ordinals?.Start ?? 0;

    public static int Replicas(StatefulSet set) => set.Spec.Replicas ?? 1;

    /// <summary>Whether the pod's ordinal is one the StatefulSet wants now (not condemned by a scale-down).</summary>
    public static bool InOrdinalRange(StatefulSet set, Pod pod) =>
        Ordinal(pod) is var ordinal && ordinal >= StartOrdinal(set) && ordinal < StartOrdinal(set) + Replicas(set);

    /// <summary>The name of the revision the pod was made from.</summary>
    public static string? Revision(Pod pod) => pod.Metadata.Labels?.GetValueOrDefault(ControllerRevisions.HashLabel);

    public static bool IsCreated(Pod pod) => !string.IsNullOrEmpty(pod.Status?.Phase);

    public static bool IsFinished(Pod pod) => pod.Status?.Phase is "Failed" or "Succeeded";

    public static bool IsPending(Pod pod) => pod.Status?.Phase == "Pending";

    public static bool IsTerminating(Pod pod) => pod.Metadata.DeletionTimestamp is not null;

    public static bool IsRunningAndReady(Pod pod) => pod.Status?.Phase == "Running" && PodConditions.IsReady(pod);

    public static bool IsRunningAndAvailable(Pod pod, int minReadySeconds, DateTimeOffset now) =>
        pod.Status?.Phase == "Running" && PodConditions.IsAvailable(pod, minReadySeconds, now);

    public static bool IsHealthy(Pod pod) => IsRunningAndReady(pod) && !IsTerminating(pod);

    /// <summary>Kubernetes' <c>isUnavailable</c>: not healthy, or not ready for <c>minReadySeconds</c> yet. A pod not created yet is unavailable.</summary>
    public static bool IsUnavailable(Pod? pod, int minReadySeconds, DateTimeOffset now) =>
        pod is null || !IsHealthy(pod) || !PodConditions.IsAvailable(pod, minReadySeconds, now);

    /// <summary>
    /// The pod of <paramref name="ordinal"/> made from <paramref name="template"/> (the StatefulSet's current or update
    /// revision, named <paramref name="revision"/>): the template's labels, annotations and spec, controlled by the set.
    /// </summary>
    public static Pod NewPod(StatefulSet set, PodTemplateSpec template, string revision, int ordinal)
    {
        var pod = new Pod
        {
            Metadata = new ObjectMeta
            {
                Name = PodName(set, ordinal),
                Namespace = set.Metadata.Namespace,
                Labels = new Dictionary<string, string>(template.Metadata?.Labels ?? new Dictionary<string, string>())
                {
                    [ControllerRevisions.HashLabel] = revision,
                },
                Annotations = template.Metadata?.Annotations,
                Finalizers = template.Metadata?.Finalizers,
            },
            Spec = template.Spec,
        };
        return OwnerReferences.WithControllerRef(WithStorage(set, WithIdentity(set, pod)), set);
    }

    /// <summary>Kubernetes' <c>identityMatches</c>: name, namespace and the pod-name label.</summary>
    public static bool IdentityMatches(StatefulSet set, Pod pod)
    {
        var (parent, ordinal) = ParentAndOrdinal(pod.Metadata.Name);
        return ordinal >= 0 && parent == set.Metadata.Name && pod.Metadata.Namespace == set.Metadata.Namespace
               && pod.Metadata.Labels?.GetValueOrDefault(PodNameLabel) == pod.Metadata.Name;
    }

    /// <summary>The labels, hostname and subdomain that give the pod its stable identity and DNS name.</summary>
    public static Pod WithIdentity(StatefulSet set, Pod pod)
    {
        var ordinal = Ordinal(pod);
        var labels = new Dictionary<string, string>(pod.Metadata.Labels ?? new Dictionary<string, string>())
        {
            [PodNameLabel] = pod.Metadata.Name!,
            [PodIndexLabel] = ordinal.ToString(CultureInfo.InvariantCulture),
        };
        return pod with
        {
            Metadata = pod.Metadata with { Labels = labels },
            Spec = pod.Spec with { Hostname = pod.Metadata.Name, Subdomain = set.Spec.ServiceName },
        };
    }

    /// <summary>Kubernetes' <c>storageMatches</c>: every claim template is mounted from the pod's own claim.</summary>
    public static bool StorageMatches(StatefulSet set, Pod pod)
    {
        var ordinal = Ordinal(pod);
        if (ordinal < 0) return false;
        var volumes = (pod.Spec.Volumes ?? []).GroupBy(v => v.Name).ToDictionary(g => g.Key, g => g.First());
        return ClaimTemplates(set).All(t =>
            volumes.GetValueOrDefault(t) is { PersistentVolumeClaim: { } source } && source.ClaimName == ClaimName(set, t, ordinal));
    }

    /// <summary>The pod with a volume per claim template, named after the template, replacing a template volume of that name.</summary>
    public static Pod WithStorage(StatefulSet set, Pod pod)
    {
        var templates = ClaimTemplates(set).ToList();
        if (templates.Count == 0) return pod;
        var ordinal = Ordinal(pod);
        var claimed = templates.Select(t => new Volume
        {
            Name = t,
            PersistentVolumeClaim = new PersistentVolumeClaimVolumeSource { ClaimName = ClaimName(set, t, ordinal) },
        });
        var others = (pod.Spec.Volumes ?? []).Where(v => !templates.Contains(v.Name));
        return pod with { Spec = pod.Spec with { Volumes = [.. claimed, .. others] } };
    }

    /// <summary>
    /// The claims the pod of <paramref name="ordinal"/> needs, by template name: each template's claim named for the pod,
    /// in the set's namespace, with the template's labels and the set's selector labels (owner references are the
    /// retention policy's, see <see cref="ClaimRetention"/>).
    /// </summary>
    public static IReadOnlyList<(string Template, PersistentVolumeClaim Claim)> Claims(StatefulSet set, int ordinal) =>
        (set.Spec.VolumeClaimTemplates ?? [])
            .Where(t => t.Metadata.Name is { Length: > 0 })
            .Select(t => (t.Metadata.Name!, new PersistentVolumeClaim
            {
                Metadata = new ObjectMeta
                {
                    Name = ClaimName(set, t.Metadata.Name!, ordinal),
                    Namespace = set.Metadata.Namespace,
                    Labels = new Dictionary<string, string>(t.Metadata.Labels ?? new Dictionary<string, string>())
                        .Concat(set.Spec.Selector?.MatchLabels ?? new Dictionary<string, string>())
                        .GroupBy(l => l.Key).ToDictionary(g => g.Key, g => g.Last().Value),
                    Annotations = t.Metadata.Annotations,
                },
                Spec = t.Spec,
            }))
            .ToList();

    private static IEnumerable<string> ClaimTemplates(StatefulSet set) =>
        (set.Spec.VolumeClaimTemplates ?? []).Select(t => t.Metadata.Name).OfType<string>().Where(n => n.Length > 0);
}
