using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Contracts.Storage;

namespace OrleansOrchestrator.Dashboard.Model;

/// <summary>How kubectl abbreviates access modes (<c>RWO,ROX</c>).</summary>
public static class AccessModes
{
    public static string Text(IReadOnlyList<string>? modes) =>
        string.Join(",", (modes ?? []).Select(m => m switch
        {
            "ReadWriteOnce" => "RWO",
            "ReadOnlyMany" => "ROX",
            "ReadWriteMany" => "RWX",
            "ReadWriteOncePod" => "RWOP",
            _ => m,
        }));
}

/// <summary>
/// A PersistentVolumeClaim as the grid shows it: the columns of <c>kubectl get pvc</c> (status, volume, capacity and access
/// modes of the bound volume, storage class) and the pods that mount it (what <c>kubectl describe pvc</c> calls Used By).
/// </summary>
public sealed record PersistentVolumeClaimRow(
    string Namespace, string Name, string Status, Tone Tone, string Volume, string Capacity, string Access, string StorageClass,
    IReadOnlyList<string> UsedBy, DateTimeOffset? Created, PersistentVolumeClaim Claim)
{
    public static PersistentVolumeClaimRow From(PersistentVolumeClaim claim, IEnumerable<Pod> pods)
    {
        var status = claim.Metadata.DeletionTimestamp is not null ? "Terminating" : claim.Status?.Phase ?? "Pending";
        var bound = claim.Status?.Phase == "Bound";
        return new PersistentVolumeClaimRow(
            claim.Metadata.Namespace ?? "", claim.Metadata.Name ?? "", status, StatusTone.OfVolumePhase(status), claim.Spec.VolumeName ?? "",
            bound ? claim.Status?.Capacity?.GetValueOrDefault("storage") ?? "" : "", bound ? AccessModes.Text(claim.Status?.AccessModes) : "",
            claim.Spec.StorageClassName ?? "", UsingPods(claim, pods), claim.Metadata.CreationTimestamp, claim);
    }

    /// <summary>The pods of the claim's namespace that mount it, by name.</summary>
    public static IReadOnlyList<string> UsingPods(PersistentVolumeClaim claim, IEnumerable<Pod> pods) =>
        pods.Where(p => p.Metadata.Namespace == claim.Metadata.Namespace
                        && p.Spec.Volumes?.Any(v => v.PersistentVolumeClaim?.ClaimName == claim.Metadata.Name) == true)
            .Select(p => p.Metadata.Name ?? "").Order(StringComparer.Ordinal).ToList();
}

/// <summary>
/// A PersistentVolume as the grid shows it: the columns of <c>kubectl get pv</c> and the node a local volume lives on (from its
/// node affinity), where every pod using it is placed.
/// </summary>
public sealed record PersistentVolumeRow(
    string Name, string Capacity, string Access, string ReclaimPolicy, string Status, Tone Tone, string? ClaimNamespace, string? ClaimName,
    string StorageClass, string Node, string Source, DateTimeOffset? Created, PersistentVolume Volume)
{
    public string ClaimText => ClaimName is null ? "" : $"{ClaimNamespace}/{ClaimName}";

    public static PersistentVolumeRow From(PersistentVolume volume)
    {
        var spec = volume.Spec;
        var status = volume.Metadata.DeletionTimestamp is not null ? "Terminating" : volume.Status?.Phase ?? "Pending";
        return new PersistentVolumeRow(
            volume.Metadata.Name ?? "", spec.Capacity?.GetValueOrDefault("storage") ?? "", AccessModes.Text(spec.AccessModes),
            spec.PersistentVolumeReclaimPolicy ?? "Retain", status, StatusTone.OfVolumePhase(status),
            spec.ClaimRef?.Namespace, spec.ClaimRef?.Name is { Length: > 0 } claim ? claim : null, spec.StorageClassName ?? "",
            NodeOf(volume), spec.Local?.Path ?? spec.HostPath?.Path ?? "", volume.Metadata.CreationTimestamp, volume);
    }

    /// <summary>The nodes a volume's required node affinity names by host name (a local volume's one node), comma-separated.</summary>
    public static string NodeOf(PersistentVolume volume) =>
        string.Join(",", (volume.Spec.NodeAffinity?.Required?.NodeSelectorTerms ?? [])
            .SelectMany(t => t.MatchExpressions ?? [])
            .Where(e => e.Key == LocalPathVolumes.HostnameLabel && e.Operator == "In")
            .SelectMany(e => e.Values ?? [])
            .Distinct(StringComparer.Ordinal));
}
