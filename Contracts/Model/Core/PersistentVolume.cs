using System.Text.Json.Serialization;
using OrleansOrchestrator.Contracts.Serialization;

namespace OrleansOrchestrator.Contracts.Model;

/// <summary>A piece of storage in the cluster, made by an administrator or by a storage class's provisioner, that one claim at a time binds to.</summary>
/// <remarks>Core <c>v1</c> PersistentVolume; cluster-scoped within a tenant.</remarks>
[GenerateSerializer, Immutable, Alias("oo.PersistentVolume")]
public sealed record PersistentVolume : KubeObject
{
    /// <summary>The storage: its size, how it may be accessed and where it lives.</summary>
    [Id(0)] public PersistentVolumeSpec Spec { get; init; } = new();
    /// <summary>What was last observed of the volume. Written by the system.</summary>
    [Id(1)] public PersistentVolumeStatus? Status { get; init; }
}

/// <summary>The storage a volume offers.</summary>
[GenerateSerializer, Immutable, Alias("oo.PersistentVolumeSpec")]
public sealed record PersistentVolumeSpec
{
    /// <summary>The volume's size, as <c>storage</c>.</summary>
    [Id(0), JsonConverter(typeof(QuantityMapJsonConverter))] public IReadOnlyDictionary<string, string>? Capacity { get; init; }
    /// <summary>How the volume may be mounted: <c>ReadWriteOnce</c>, <c>ReadOnlyMany</c>, <c>ReadWriteMany</c> or <c>ReadWriteOncePod</c>.</summary>
    [Id(1)] public IReadOnlyList<string>? AccessModes { get; init; }
    /// <summary>What happens to the storage when its claim is deleted: <c>Retain</c> (default for volumes made by hand) or <c>Delete</c> (default for provisioned ones).</summary>
    [Id(2)] public string? PersistentVolumeReclaimPolicy { get; init; }
    /// <summary>The storage class the volume belongs to; only claims of that class bind to it. Empty: claims without a class.</summary>
    [Id(3)] public string? StorageClassName { get; init; }
    /// <summary><c>Filesystem</c> (default) or <c>Block</c>.</summary>
    [Id(4)] public string? VolumeMode { get; init; }
    /// <summary>The claim bound to this volume (or the one it is reserved for).</summary>
    [Id(5)] public ObjectReference? ClaimRef { get; init; }
    /// <summary>The nodes from which the volume can be reached; pods using it are scheduled there.</summary>
    [Id(6)] public VolumeNodeAffinity? NodeAffinity { get; init; }
    /// <summary>A folder on the node (administrators only).</summary>
    [Id(7)] public HostPathVolumeSource? HostPath { get; init; }
    /// <summary>A folder or disk local to one node; requires <c>nodeAffinity</c>.</summary>
    [Id(8)] public LocalVolumeSource? Local { get; init; }
    /// <summary>Mount options passed to the mount of the volume.</summary>
    [Id(9)] public IReadOnlyList<string>? MountOptions { get; init; }
}

/// <summary>Storage local to one node.</summary>
[GenerateSerializer, Immutable, Alias("oo.LocalVolumeSource")]
public sealed record LocalVolumeSource
{
    /// <summary>The full path on the node.</summary>
    [Id(0)] public string Path { get; init; } = "";
    /// <summary>The filesystem type, for a block device.</summary>
    [Id(1)] public string? FsType { get; init; }
}

/// <summary>The nodes a volume can be reached from.</summary>
[GenerateSerializer, Immutable, Alias("oo.VolumeNodeAffinity")]
public sealed record VolumeNodeAffinity
{
    /// <summary>Nodes that must match for a pod using the volume to be placed there.</summary>
    [Id(0)] public NodeSelector? Required { get; init; }
}

/// <summary>The observed state of a volume.</summary>
[GenerateSerializer, Immutable, Alias("oo.PersistentVolumeStatus")]
public sealed record PersistentVolumeStatus
{
    /// <summary><c>Pending</c>, <c>Available</c>, <c>Bound</c>, <c>Released</c> or <c>Failed</c>.</summary>
    [Id(0)] public string? Phase { get; init; }
    /// <summary>Why the volume is in this phase, for people.</summary>
    [Id(1)] public string? Message { get; init; }
    /// <summary>Why the volume is in this phase, as one CamelCase word.</summary>
    [Id(2)] public string? Reason { get; init; }
    /// <summary>When the phase last changed.</summary>
    [Id(3)] public DateTimeOffset? LastPhaseTransitionTime { get; init; }
}
