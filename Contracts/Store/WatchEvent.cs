using OrleansOrchestrator.Contracts.Model;

namespace OrleansOrchestrator.Contracts.Store;

public enum WatchEventType { Added, Modified, Deleted }

/// <summary>One committed change of a collection, at the version it was committed under.</summary>
[GenerateSerializer, Immutable, Alias("oo.WatchEvent")]
public sealed record WatchEvent(
    [property: Id(0)] WatchEventType Type,
    [property: Id(1)] KubeObject Object,
    [property: Id(2)] long Version);

/// <summary>
/// What a watcher receives from a collection: the changes after the version it asked from, in commit
/// order, and the version it should ask from next. <see cref="Gone"/> means the version asked for is
/// older than the history kept (HTTP 410: the client must list again).
/// </summary>
[GenerateSerializer, Immutable, Alias("oo.WatchBatch")]
public sealed record WatchBatch(
    [property: Id(0)] IReadOnlyList<WatchEvent> Events,
    [property: Id(1)] long Version,
    [property: Id(2)] bool Gone = false);
