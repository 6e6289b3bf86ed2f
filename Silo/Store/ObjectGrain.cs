using System.Globalization;
using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Contracts.Store;
using OrleansOrchestrator.Silo.Storage;

namespace OrleansOrchestrator.Silo.Store;

/// <summary>
/// Holds one object durably. A write is: reserve a version from the collection, persist the object under
/// it, then commit the change to the collection, which releases it to watchers in version order. Writes
/// to different objects of a collection run in parallel; only their release to watchers is ordered.
/// </summary>
public sealed partial class ObjectGrain(
    [PersistentState(StorageNames.ObjectState, StorageNames.Store)] IPersistentState<StoredObject> state,
    TimeProvider clock,
    ILogger<ObjectGrain> logger) : Grain, IObjectGrain
{
    private ResourceKind _kind = null!;
    private string _namespace = "";
    private string _name = "";
    private ICollectionGrain _collection = null!;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var key = this.GetPrimaryKeyString();
        (var tenant, _kind, _namespace, _name) = StoreKeys.ParseObject(key);
        _collection = GrainFactory.GetGrain<ICollectionGrain>(StoreKeys.Collection(tenant, _kind, _namespace));
        return Task.CompletedTask;
    }

    public Task<KubeObject?> Get() => Task.FromResult(state.State.Object);

    public async Task<WriteResult> Create(KubeObject obj)
    {
        if (state.State.Object is not null)
            return WriteResult.Fail(StoreError.AlreadyExists(_kind.Resource, _name));
        var created = ObjectSemantics.PrepareCreate(obj, _kind, _name, _namespace, clock.GetUtcNow(), Guid.NewGuid().ToString());
        return WriteResult.Ok(await Persist(created, WatchEventType.Added));
    }

    public async Task<WriteResult> Update(KubeObject obj, Subresource subresource)
    {
        var stored = state.State.Object;
        if (stored is null) return WriteResult.Fail(StoreError.NotFound(_kind.Resource, _name));
        if (obj.GetType() != stored.GetType())
            return WriteResult.Fail(new StoreError(400, "BadRequest", $"expected a {_kind.Kind}, got a {obj.GetType().Name}"));
        if (Precondition(stored, obj.Metadata.Uid, obj.Metadata.ResourceVersion) is { } refused) return WriteResult.Fail(refused);

        var next = ObjectSemantics.PrepareUpdate(stored, obj, _kind, subresource);
        if (ObjectSemantics.SameContent(stored, next)) return WriteResult.Ok(stored);

        // The last finalizer removed from an object marked for deletion: the object goes now.
        var type = next.Metadata.DeletionTimestamp is not null && !ObjectSemantics.HasFinalizers(next)
            ? WatchEventType.Deleted
            : WatchEventType.Modified;
        return WriteResult.Ok(await Persist(next, type));
    }

    public async Task<WriteResult> Delete(DeleteOptions options)
    {
        var stored = state.State.Object;
        if (stored is null) return WriteResult.Fail(StoreError.NotFound(_kind.Resource, _name));
        if (Precondition(stored, options.PreconditionUid, options.PreconditionResourceVersion) is { } refused) return WriteResult.Fail(refused);

        if (ObjectSemantics.HasFinalizers(stored))
        {
            var marked = ObjectSemantics.MarkDeleted(stored, clock.GetUtcNow(), options.GracePeriodSeconds);
            return WriteResult.Ok(ReferenceEquals(marked, stored) ? stored : await Persist(marked, WatchEventType.Modified));
        }
        return WriteResult.Ok(await Persist(stored, WatchEventType.Deleted));
    }

    private StoreError? Precondition(KubeObject stored, string? uid, string? resourceVersion)
    {
        if (!string.IsNullOrEmpty(uid) && uid != stored.Metadata.Uid)
            return StoreError.Conflict(_kind.Resource, _name,
                $"Precondition failed: UID in precondition: {uid}, UID in object meta: {stored.Metadata.Uid}");
        if (!string.IsNullOrEmpty(resourceVersion) && resourceVersion != stored.Metadata.ResourceVersion)
            return StoreError.Conflict(_kind.Resource, _name,
                "the object has been modified; please apply your changes to the latest version and try again");
        return null;
    }

    /// <summary>Makes <paramref name="next"/> durable under a fresh version and hands the change to the collection.</summary>
    private async Task<KubeObject> Persist(KubeObject next, WatchEventType type)
    {
        while (true)
        {
            var reservation = await _collection.Reserve();
            var versioned = next with
            {
                Metadata = next.Metadata with { ResourceVersion = reservation.Version.ToString(CultureInfo.InvariantCulture) },
            };
            var previous = state.State.Object;
            try
            {
                state.State.Object = type == WatchEventType.Deleted ? null : versioned;
                if (type == WatchEventType.Deleted) await state.ClearStateAsync();
                else await state.WriteStateAsync();
            }
            catch (Exception e)
            {
                // The stored row is now in doubt (its ETag may have moved): drop this activation so that the
                // next call re-reads it, and free the version so later writes are not held back.
                LogWriteFailed(logger, e, this.GetPrimaryKeyString());
                state.State.Object = previous;
                DeactivateOnIdle();
                await _collection.Abort(reservation);
                throw;
            }
            if (await _collection.Commit(reservation, new WatchEvent(type, versioned, reservation.Version)))
                return versioned;
            // The collection was re-activated elsewhere since the reservation: write again under a version it issued.
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Durable write of {Key} failed")]
    private static partial void LogWriteFailed(ILogger logger, Exception exception, string key);
}
