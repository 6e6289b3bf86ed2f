using System.Text.Json.Serialization;
using OrleansOrchestrator.Contracts.Serialization;

namespace OrleansOrchestrator.Contracts.Model;

/// <summary>
/// Bounds and defaults for the resources of each container, pod or claim of a namespace: a container created without
/// requests or limits gets the defaults; one outside <c>min</c>/<c>max</c> is refused.
/// </summary>
[GenerateSerializer, Immutable, Alias("oo.LimitRange")]
public sealed record LimitRange : KubeObject
{
    /// <summary>The limits, one item per type of object.</summary>
    [Id(0)] public LimitRangeSpec Spec { get; init; } = new();
}

/// <summary>The limits of a LimitRange.</summary>
[GenerateSerializer, Immutable, Alias("oo.LimitRangeSpec")]
public sealed record LimitRangeSpec
{
    [Id(0)] public IReadOnlyList<LimitRangeItem> Limits { get; init; } = [];
}

/// <summary>Bounds and defaults for one type of object.</summary>
[GenerateSerializer, Immutable, Alias("oo.LimitRangeItem")]
public sealed record LimitRangeItem
{
    /// <summary><c>Container</c>, <c>Pod</c> or <c>PersistentVolumeClaim</c>.</summary>
    [Id(0)] public string Type { get; init; } = "";
    /// <summary>The most of each resource.</summary>
    [Id(1), JsonConverter(typeof(QuantityMapJsonConverter))] public IReadOnlyDictionary<string, string>? Max { get; init; }
    /// <summary>The least of each resource.</summary>
    [Id(2), JsonConverter(typeof(QuantityMapJsonConverter))] public IReadOnlyDictionary<string, string>? Min { get; init; }
    /// <summary>The limit a container without one gets (Container only).</summary>
    [Id(3), JsonConverter(typeof(QuantityMapJsonConverter))] public IReadOnlyDictionary<string, string>? Default { get; init; }
    /// <summary>The request a container without one gets (Container only).</summary>
    [Id(4), JsonConverter(typeof(QuantityMapJsonConverter))] public IReadOnlyDictionary<string, string>? DefaultRequest { get; init; }
    /// <summary>The most a limit may be as a multiple of the request.</summary>
    [Id(5), JsonConverter(typeof(QuantityMapJsonConverter))] public IReadOnlyDictionary<string, string>? MaxLimitRequestRatio { get; init; }
}
