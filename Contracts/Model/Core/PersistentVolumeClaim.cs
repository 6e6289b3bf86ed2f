using System.Text.Json.Serialization;
using OrleansOrchestrator.Contracts.Serialization;

namespace OrleansOrchestrator.Contracts.Model;

/// <summary>Modelled for StatefulSet <c>volumeClaimTemplates</c>.</summary>
[GenerateSerializer, Immutable, Alias("oo.PersistentVolumeClaim")]
public sealed record PersistentVolumeClaim : KubeObject
{
    [Id(0)] public PersistentVolumeClaimSpec Spec { get; init; } = new();
    [Id(1)] public PersistentVolumeClaimStatus? Status { get; init; }
}

[GenerateSerializer, Immutable, Alias("oo.PersistentVolumeClaimSpec")]
public sealed record PersistentVolumeClaimSpec
{
    [Id(0)] public IReadOnlyList<string>? AccessModes { get; init; }
    [Id(1)] public ResourceRequirements? Resources { get; init; }
    [Id(2)] public string? StorageClassName { get; init; }
    [Id(3)] public string? VolumeMode { get; init; }
    [Id(4)] public LabelSelector? Selector { get; init; }
    [Id(5)] public string? VolumeName { get; init; }
}

[GenerateSerializer, Immutable, Alias("oo.PersistentVolumeClaimStatus")]
public sealed record PersistentVolumeClaimStatus
{
    [Id(0)] public string? Phase { get; init; }
    [Id(1)] public IReadOnlyList<string>? AccessModes { get; init; }
    [Id(2), JsonConverter(typeof(QuantityMapJsonConverter))] public IReadOnlyDictionary<string, string>? Capacity { get; init; }
}
