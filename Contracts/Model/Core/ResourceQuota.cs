using System.Text.Json.Serialization;
using OrleansOrchestrator.Contracts.Serialization;

namespace OrleansOrchestrator.Contracts.Model;

/// <summary>
/// The most a namespace may hold: compute resources its pods ask for (<c>requests.cpu</c>, <c>limits.memory</c>, …) and
/// numbers of objects (<c>pods</c>, <c>services</c>, <c>count/deployments.apps</c>, …). A create that would go over
/// is refused; <c>status.used</c> says what is held now.
/// </summary>
[GenerateSerializer, Immutable, Alias("oo.ResourceQuota")]
public sealed record ResourceQuota : KubeObject
{
    /// <summary>The limits.</summary>
    [Id(0)] public ResourceQuotaSpec Spec { get; init; } = new();
    /// <summary>The limits in force and what the namespace uses of them. Written by the system.</summary>
    [Id(1)] public ResourceQuotaStatus? Status { get; init; }
}

/// <summary>The limits of a quota.</summary>
[GenerateSerializer, Immutable, Alias("oo.ResourceQuotaSpec")]
public sealed record ResourceQuotaSpec
{
    /// <summary>The most of each resource, e.g. <c>pods: 10</c>, <c>requests.cpu: 4</c>, <c>count/deployments.apps: 2</c>.</summary>
    [Id(0), JsonConverter(typeof(QuantityMapJsonConverter))] public IReadOnlyDictionary<string, string>? Hard { get; init; }
    /// <summary>Which objects the quota counts (<c>Terminating</c>, <c>NotTerminating</c>, <c>BestEffort</c>, <c>NotBestEffort</c>); all when empty.</summary>
    [Id(1)] public IReadOnlyList<string>? Scopes { get; init; }
}

/// <summary>What a quota enforces and what is used.</summary>
[GenerateSerializer, Immutable, Alias("oo.ResourceQuotaStatus")]
public sealed record ResourceQuotaStatus
{
    /// <summary>The limits in force (the spec's, once the quota controller has seen them).</summary>
    [Id(0), JsonConverter(typeof(QuantityMapJsonConverter))] public IReadOnlyDictionary<string, string>? Hard { get; init; }
    /// <summary>What the namespace holds of each limited resource.</summary>
    [Id(1), JsonConverter(typeof(QuantityMapJsonConverter))] public IReadOnlyDictionary<string, string>? Used { get; init; }
}
