using OrleansOrchestrator.Contracts.Model;

namespace OrleansOrchestrator.Dashboard.Model;

/// <summary>A StatefulSet as the grid shows it: the columns of <c>kubectl get statefulsets -o wide</c>, its service and its health.</summary>
public sealed record StatefulSetRow(
    string Namespace, string Name, int Desired, int Ready, int Updated, int Current, string ServiceName, string UpdateStrategy,
    IReadOnlyList<string> Images, WorkloadHealth Health, DateTimeOffset? Created, StatefulSet StatefulSet)
{
    /// <summary>As the READY column: ready of desired.</summary>
    public string ReadyText => $"{Ready}/{Desired}";

    public static StatefulSetRow From(StatefulSet set)
    {
        var spec = set.Spec;
        var status = set.Status;
        var strategy = spec.UpdateStrategy?.Type ?? "RollingUpdate";
        if (spec.UpdateStrategy?.RollingUpdate?.Partition is > 0 and var partition) strategy += $" (partition {partition})";
        return new StatefulSetRow(set.Metadata.Namespace ?? "", set.Metadata.Name ?? "", spec.Replicas ?? 1, status?.ReadyReplicas ?? 0,
            status?.UpdatedReplicas ?? 0, status?.CurrentReplicas ?? 0, spec.ServiceName ?? "", strategy,
            spec.Template.Spec.Containers.Select(c => c.Image ?? "").ToList(), HealthOf(set), set.Metadata.CreationTimestamp, set);
    }

    /// <summary>
    /// Healthy when <c>kubectl rollout status</c> would stop waiting: the controller saw the newest spec, every desired pod is
    /// ready, and the pods are of the update revision (all of them, or those at and above the partition). With
    /// <c>OnDelete</c> only readiness counts, since pods change only when someone deletes them.
    /// </summary>
    public static WorkloadHealth HealthOf(StatefulSet set)
    {
        var status = set.Status;
        var desired = set.Spec.Replicas ?? 1;
        if (status is null || (status.ObservedGeneration ?? 0) == 0 || (set.Metadata.Generation ?? 0) > status.ObservedGeneration) return WorkloadHealth.Progressing;
        if ((status.ReadyReplicas ?? 0) < desired) return WorkloadHealth.Progressing;
        if (set.Spec.UpdateStrategy?.Type == "OnDelete") return WorkloadHealth.Healthy;
        if (set.Spec.UpdateStrategy?.RollingUpdate?.Partition is { } partition)
            return (status.UpdatedReplicas ?? 0) >= desired - partition ? WorkloadHealth.Healthy : WorkloadHealth.Progressing;
        return status.UpdateRevision == status.CurrentRevision ? WorkloadHealth.Healthy : WorkloadHealth.Progressing;
    }
}

/// <summary>One claim of a StatefulSet pod (from a volume claim template) and the volume bound to it.</summary>
public sealed record ClaimVolume(string ClaimName, string Phase, Tone Tone, string? VolumeName, string Capacity, bool Exists);

/// <summary>One ordinal of a StatefulSet: its pod (null while it does not exist) and its claims.</summary>
public sealed record OrdinalRow(int Ordinal, string PodName, PodRow? Pod, IReadOnlyList<ClaimVolume> Claims);

/// <summary>
/// A StatefulSet's pods by ordinal, each with the claims its volume claim templates give it (<c>TEMPLATE-SET-ORDINAL</c>) and
/// the volumes bound to them: the ordinals it should have, and any pod it still controls beyond them (while scaling down).
/// </summary>
public static class StatefulSetPods
{
    public const string Missing = "Missing";

    public static IReadOnlyList<OrdinalRow> Of(StatefulSet set, IEnumerable<Pod> pods, IEnumerable<PersistentVolumeClaim> claims)
    {
        var name = set.Metadata.Name ?? "";
        var ns = set.Metadata.Namespace;
        var owned = Owned.By(set, pods)
            .Select(p => (Ordinal: OrdinalOf(name, p.Metadata.Name), Pod: p))
            .Where(p => p.Ordinal is not null)
            .ToDictionary(p => p.Ordinal!.Value, p => p.Pod);
        var start = set.Spec.Ordinals?.Start ?? 0;
        var claimsByName = claims.Where(c => c.Metadata.Namespace == ns).ToDictionary(c => c.Metadata.Name ?? "", StringComparer.Ordinal);
        var templates = set.Spec.VolumeClaimTemplates ?? [];
        return Enumerable.Range(start, Math.Max(0, set.Spec.Replicas ?? 1))
            .Union(owned.Keys)
            .Order()
            .Select(ordinal =>
            {
                var podName = $"{name}-{ordinal}";
                return new OrdinalRow(ordinal, podName, owned.TryGetValue(ordinal, out var pod) ? PodRow.From(pod) : null,
                    templates.Select(t => ClaimOf($"{t.Metadata.Name}-{podName}", claimsByName)).ToList());
            })
            .ToList();
    }

    /// <summary>The ordinal in a pod name <c>SET-N</c>, or null for a pod not named as the set names its pods.</summary>
    public static int? OrdinalOf(string setName, string? podName) =>
        podName is not null && podName.Length > setName.Length + 1 && podName.StartsWith(setName + "-", StringComparison.Ordinal)
        && int.TryParse(podName.AsSpan(setName.Length + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var ordinal)
            ? ordinal
            : null;

    private static ClaimVolume ClaimOf(string claimName, IReadOnlyDictionary<string, PersistentVolumeClaim> claims)
    {
        if (!claims.TryGetValue(claimName, out var claim)) return new ClaimVolume(claimName, Missing, Tone.Warning, null, "", false);
        var row = PersistentVolumeClaimRow.From(claim, []);
        return new ClaimVolume(claimName, row.Status, row.Tone, row.Volume.Length > 0 ? row.Volume : null, row.Capacity, true);
    }
}
