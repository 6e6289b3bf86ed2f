using OrleansOrchestrator.Contracts.Selection;

namespace OrleansOrchestrator.Contracts.Store;

/// <summary>
/// All objects of one kind in one namespace of one tenant (key: <see cref="StoreKeys.Collection"/>).
/// Assigns each write its resourceVersion, keeps the current objects for list, and releases committed
/// changes to watchers in version order.
/// </summary>
[Alias("oo.ICollectionGrain")]
public interface ICollectionGrain : IGrainWithStringKey
{
    [Alias("List"), Orleans.Concurrency.AlwaysInterleave]
    Task<ListResult> List(ListOptions options);

    /// <summary>
    /// The changes after <paramref name="afterVersion"/> that match <paramref name="filter"/>, waiting up to
    /// <paramref name="maxWait"/> for the first one. An object that stops matching arrives as Deleted, one that
    /// starts matching as Added, as Kubernetes watches do.
    /// </summary>
    [Alias("Watch"), Orleans.Concurrency.AlwaysInterleave]
    Task<WatchBatch> Watch(long afterVersion, ObjectFilter filter, TimeSpan maxWait);

    /// <summary>
    /// Reserves the next version for a write of the object <paramref name="name"/> by its grain. The name is what the
    /// collection checks when the writer never settles the reservation (did its write become durable?).
    /// </summary>
    [Alias("Reserve")]
    Task<VersionReservation> Reserve(string name);

    /// <summary>
    /// Reports a reserved write as durable. False when the reservation belongs to an earlier activation of
    /// this collection (after a failover): the writer must reserve again and rewrite.
    /// </summary>
    [Alias("Commit")]
    Task<bool> Commit(VersionReservation reservation, WatchEvent change);

    /// <summary>Releases a reservation whose write failed, so later versions are not held back.</summary>
    [Alias("Abort")]
    Task Abort(VersionReservation reservation);
}

[GenerateSerializer, Immutable, Alias("oo.VersionReservation")]
public readonly record struct VersionReservation(
    [property: Id(0)] Guid Epoch,
    [property: Id(1)] long Version);
