namespace OrleansOrchestrator.Contracts.Model;

/// <summary>A kind of storage and the provisioner that makes volumes of it when a claim asks; the one annotated <c>storageclass.kubernetes.io/is-default-class: "true"</c> serves claims that name no class.</summary>
/// <remarks><c>storage.k8s.io/v1</c> StorageClass; cluster-scoped within a tenant. Its fields sit at the top level, beside metadata.</remarks>
[GenerateSerializer, Immutable, Alias("oo.StorageClass")]
public sealed record StorageClass : KubeObject
{
    /// <summary>Who makes the volumes, e.g. <c>rancher.io/local-path</c>. Fixed once created.</summary>
    [Id(0)] public string Provisioner { get; init; } = "";
    /// <summary>Settings for the provisioner. Fixed once created.</summary>
    [Id(1)] public IReadOnlyDictionary<string, string>? Parameters { get; init; }
    /// <summary>The reclaim policy of the volumes it makes: <c>Delete</c> (default) or <c>Retain</c>. Fixed once created.</summary>
    [Id(2)] public string? ReclaimPolicy { get; init; }
    /// <summary><c>Immediate</c> (default: a volume is made as soon as the claim is) or <c>WaitForFirstConsumer</c> (when the first pod using the claim is scheduled, on its node). Fixed once created.</summary>
    [Id(3)] public string? VolumeBindingMode { get; init; }
    /// <summary>Whether claims of this class may grow.</summary>
    [Id(4)] public bool? AllowVolumeExpansion { get; init; }
    /// <summary>Mount options of the volumes it makes.</summary>
    [Id(5)] public IReadOnlyList<string>? MountOptions { get; init; }
}
