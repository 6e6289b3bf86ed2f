using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Contracts.Storage;
using OrleansOrchestrator.Silo.Controllers.Volumes;
using OrleansOrchestrator.Silo.Kinds.PersistentVolumes;

namespace OrleansOrchestrator.Silo.Controllers.Scheduling;

/// <summary>
/// What a scheduler pass knows of the claims of its namespace and of the tenant's volumes and classes, and the nodes
/// it has chosen in this pass for claims not yet bound: a later pod of the same claim follows the first, as the
/// claim's <c>selected-node</c> annotation would make it do in the next pass.
/// </summary>
public sealed class ClaimWorld(IEnumerable<PersistentVolumeClaim> claims, IEnumerable<PersistentVolume> volumes, IEnumerable<StorageClass> classes)
{
    private readonly Dictionary<string, PersistentVolumeClaim> _claims = claims.ToDictionary(c => c.Metadata.Name!, StringComparer.Ordinal);
    private readonly Dictionary<string, PersistentVolume> _volumes = volumes.ToDictionary(v => v.Metadata.Name!, StringComparer.Ordinal);
    private readonly Dictionary<string, StorageClass> _classes = classes.ToDictionary(c => c.Metadata.Name!, StringComparer.Ordinal);

    /// <summary>The node chosen in this pass for each claim that had none, by claim name.</summary>
    public Dictionary<string, string> Chosen { get; } = new(StringComparer.Ordinal);

    public PersistentVolumeClaim? Claim(string name) => _claims.GetValueOrDefault(name);

    public PersistentVolume? Volume(string name) => _volumes.GetValueOrDefault(name);

    public StorageClass? Class(string name) => _classes.GetValueOrDefault(name);

    public IEnumerable<PersistentVolume> Volumes => _volumes.Values;
}

/// <summary>
/// The volume constraints of one pod, as Kubernetes' VolumeBinding plugin derives them in its PreFilter: a reason
/// the pod cannot be placed anywhere (<see cref="PreFilterMessage"/>), or what each node must offer.
/// </summary>
public sealed record PodVolumes
{
    public static readonly PodVolumes None = new();

    /// <summary>Why no node can take the pod (a claim missing, being deleted, or unbound in an Immediate class), or null.</summary>
    public string? PreFilterMessage { get; init; }

    /// <summary>The volumes the pod's bound claims are bound to: a node must reach each of them.</summary>
    public IReadOnlyList<PersistentVolume> BoundVolumes { get; init; } = [];

    /// <summary>Some bound claim names a volume that does not exist.</summary>
    public bool VolumeMissing { get; init; }

    /// <summary>The nodes unbound claims were already placed on (annotation, or earlier in this pass): only that node will do.</summary>
    public IReadOnlyList<string> SelectedNodes { get; init; } = [];

    /// <summary>Unbound claims of a class without a provisioner: a node must reach an Available volume that satisfies each.</summary>
    public IReadOnlyList<PersistentVolumeClaim> StaticClaims { get; init; } = [];

    /// <summary>The unclaimed Available volumes, when there are <see cref="StaticClaims"/>.</summary>
    public IReadOnlyList<PersistentVolume> AvailableVolumes { get; init; } = [];

    /// <summary>Unbound claims of a WaitForFirstConsumer class not yet placed: the node the pod goes to becomes theirs.</summary>
    public IReadOnlyList<string> ClaimsToSelect { get; init; } = [];

    /// <summary>Kubernetes' VolumeBinding Filter for one node: null when the node will do, else its reason.</summary>
    public string? Failure(Node node)
    {
        if (VolumeMissing) return VolumeBinding.VolumeNotFound;
        if (BoundVolumes.Any(v => !StorageRules.ReachableFrom(v, node))) return VolumeBinding.NodeConflict;
        if (SelectedNodes.Any(n => n != node.Metadata.Name)) return VolumeBinding.BindConflict;
        foreach (var claim in StaticClaims)
            if (!AvailableVolumes.Any(v => VolumePlanner.Unfit(claim, v) is null && StorageRules.Selects(claim, v) && StorageRules.ReachableFrom(v, node)))
                return VolumeBinding.BindConflict;
        return null;
    }
}

/// <summary>Kubernetes' VolumeBinding scheduler plugin (1.31), for the claims, volumes and classes we model. Pure.</summary>
public static class VolumeBinding
{
    public const string NodeConflict = "node(s) had volume node affinity conflict";
    public const string BindConflict = "node(s) didn't find available persistent volumes to bind";
    public const string VolumeNotFound = "node(s) unavailable due to one or more pvc(s) bound to non-existent pv(s)";
    public const string UnboundImmediate = "pod has unbound immediate PersistentVolumeClaims";

    public static PodVolumes For(Pod pod, ClaimWorld world)
    {
        var names = StorageRules.ClaimsOf(pod.Spec);
        if (names.Count == 0) return PodVolumes.None;
        var bound = new List<PersistentVolume>();
        var selected = new List<string>();
        var statics = new List<PersistentVolumeClaim>();
        var toSelect = new List<string>();
        var missingVolume = false;
        var unboundImmediate = false;
        foreach (var name in names)
        {
            if (world.Claim(name) is not { } claim) return new PodVolumes { PreFilterMessage = $"persistentvolumeclaim \"{name}\" not found" };
            if (claim.Metadata.DeletionTimestamp is not null) return new PodVolumes { PreFilterMessage = $"persistentvolumeclaim \"{name}\" is being deleted" };
            if (claim.Spec.VolumeName is { Length: > 0 } volumeName)
            {
                if (world.Volume(volumeName) is { } volume) bound.Add(volume);
                else missingVolume = true;
                continue;
            }
            var storageClass = world.Class(StorageRules.ClassOf(claim));
            if (storageClass?.VolumeBindingMode != StorageRules.WaitForFirstConsumer)
            {
                unboundImmediate = true;
                continue;
            }
            var node = claim.Metadata.Annotations?.GetValueOrDefault(LocalPathVolumes.SelectedNodeAnnotation) ?? world.Chosen.GetValueOrDefault(name);
            if (node is not null) selected.Add(node);
            else
            {
                if (storageClass.Provisioner == VolumePlanner.NoProvisioner) statics.Add(claim);
                toSelect.Add(name);
            }
        }
        if (unboundImmediate) return new PodVolumes { PreFilterMessage = UnboundImmediate };
        var available = statics.Count == 0
            ? []
            : world.Volumes.Where(v => v.Spec.ClaimRef is null && v.Metadata.DeletionTimestamp is null && v.Status?.Phase == "Available").ToList();
        return new PodVolumes
        {
            BoundVolumes = bound,
            VolumeMissing = missingVolume,
            SelectedNodes = selected,
            StaticClaims = statics,
            AvailableVolumes = available,
            ClaimsToSelect = toSelect,
        };
    }
}
