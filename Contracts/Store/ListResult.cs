using OrleansOrchestrator.Contracts.Model;

namespace OrleansOrchestrator.Contracts.Store;

/// <summary>A consistent page of a collection at <see cref="Version"/>; a watch from that version misses nothing.</summary>
[GenerateSerializer, Immutable, Alias("oo.ListResult")]
public sealed record ListResult(
    [property: Id(0)] IReadOnlyList<KubeObject> Items,
    [property: Id(1)] long Version,
    [property: Id(2)] string? ContinueAfter,
    [property: Id(3)] long? RemainingItemCount);

[GenerateSerializer, Immutable, Alias("oo.ListOptions")]
public sealed record ListOptions
{
    [Id(0)] public Selection.ObjectFilter Filter { get; init; } = Selection.ObjectFilter.Everything;
    /// <summary>At most this many items (0 = all).</summary>
    [Id(1)] public int Limit { get; init; }
    /// <summary>Start after this name (the continue token of the previous page).</summary>
    [Id(2)] public string? After { get; init; }

    public static readonly ListOptions All = new();
}
