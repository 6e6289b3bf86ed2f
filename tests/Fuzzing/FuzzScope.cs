using OrleansOrchestrator.Contracts.Model;

namespace OrleansOrchestrator.Fuzzing;

/// <summary>
/// Where the fuzzer may write: one namespace of its own (and cluster-scoped objects named from its pool), and
/// the sentinel namespace next to it, whose objects no fuzz request may change.
/// </summary>
public sealed record FuzzScope(string Namespace, string SentinelNamespace, IReadOnlyList<ResourceKind> Kinds)
{
    /// <summary>The names fuzz requests use: few, so that creates, updates, patches and deletes meet each other's objects.</summary>
    public IReadOnlyList<string> Names { get; init; } = ["fz-0", "fz-1", "fz-2", "fz-3"];

    /// <summary>Every kind of the one registry, in a fuzz namespace and a sentinel namespace of these names.</summary>
    public static FuzzScope Default { get; } = new("fuzz", "fuzz-sentinel", ResourceKinds.All);

    /// <summary>The collection path of <paramref name="kind"/> in namespace <paramref name="ns"/> (or cluster-wide).</summary>
    public static string CollectionPath(ResourceKind kind, string? ns) =>
        kind.Namespaced && ns is not null ? $"{kind.GroupVersionPath}/namespaces/{ns}/{kind.Plural}" : $"{kind.GroupVersionPath}/{kind.Plural}";

    public string CollectionPath(ResourceKind kind) => CollectionPath(kind, Namespace);

    public string ObjectPath(ResourceKind kind, string name) => $"{CollectionPath(kind)}/{name}";
}
