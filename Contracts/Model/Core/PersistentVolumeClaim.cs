using System.Text.Json.Serialization;
using OrleansOrchestrator.Contracts.Serialization;

namespace OrleansOrchestrator.Contracts.Model;

/// <summary>A request for storage: how much and how it is accessed; bound to a volume that satisfies it.</summary>
/// <remarks>Modelled for StatefulSet <c>volumeClaimTemplates</c>.</remarks>
[GenerateSerializer, Immutable, Alias("oo.PersistentVolumeClaim")]
public sealed record PersistentVolumeClaim : KubeObject
{
    /// <summary>The storage asked for.</summary>
    [Id(0)] public PersistentVolumeClaimSpec Spec { get; init; } = new();
    /// <summary>What was last observed of the claim. Written by the system.</summary>
    [Id(1)] public PersistentVolumeClaimStatus? Status { get; init; }
}

/// <summary>The storage a claim asks for.</summary>
[GenerateSerializer, Immutable, Alias("oo.PersistentVolumeClaimSpec")]
public sealed record PersistentVolumeClaimSpec
{
    /// <summary>How the volume may be mounted: <c>ReadWriteOnce</c>, <c>ReadOnlyMany</c>, <c>ReadWriteMany</c> or <c>ReadWriteOncePod</c>.</summary>
    [Id(0)] public IReadOnlyList<string>? AccessModes { get; init; }
    /// <summary>The least storage the volume must have, as <c>requests.storage</c>.</summary>
    [Id(1)] public ResourceRequirements? Resources { get; init; }
    /// <summary>The storage class that provides the volume; the default class when unset.</summary>
    [Id(2)] public string? StorageClassName { get; init; }
    /// <summary><c>Filesystem</c> (default) or <c>Block</c>.</summary>
    [Id(3)] public string? VolumeMode { get; init; }
    /// <summary>Labels of the existing volumes the claim may bind to.</summary>
    [Id(4)] public LabelSelector? Selector { get; init; }
    /// <summary>The volume the claim is bound to.</summary>
    [Id(5)] public string? VolumeName { get; init; }
}

/// <summary>The observed state of a claim.</summary>
[GenerateSerializer, Immutable, Alias("oo.PersistentVolumeClaimStatus")]
public sealed record PersistentVolumeClaimStatus
{
    /// <summary><c>Pending</c>, <c>Bound</c> or <c>Lost</c>.</summary>
    [Id(0)] public string? Phase { get; init; }
    /// <summary>The access modes of the bound volume.</summary>
    [Id(1)] public IReadOnlyList<string>? AccessModes { get; init; }
    /// <summary>The size of the bound volume.</summary>
    [Id(2), JsonConverter(typeof(QuantityMapJsonConverter))] public IReadOnlyDictionary<string, string>? Capacity { get; init; }
}
