using System.Globalization;
using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Contracts.Nodes;
using OrleansOrchestrator.Contracts.Store;
using OrleansOrchestrator.Silo.Admission;
using OrleansOrchestrator.Silo.Controllers;
using OrleansOrchestrator.Silo.Kinds;
using OrleansOrchestrator.Silo.Storage;
using OrleansOrchestrator.Silo.Storage.Encryption;

namespace OrleansOrchestrator.Silo.Store;

/// <summary>
/// Holds one object durably. A write is: reserve a version from the collection, persist the object under
/// it, then commit the change to the collection, which releases it to watchers in version order. Writes
/// to different objects of a collection run in parallel; only their release to watchers is ordered.
/// A pod bound to a node also keeps that node's index of pods current (see <see cref="INodeGrain"/>).
/// </summary>
/// <remarks>
/// Collected after two idle minutes rather than Orleans' default fifteen: lists and watches are answered by
/// the collection, which holds every current object anyway, so an idle object grain is only the write path
/// waiting for its next write (which re-reads the row). Most objects go quiet soon after they are written — a
/// Running pod, an Event — and a silo holding 150,000 pods and their Events would otherwise keep hundreds of
/// thousands of activations, each with Orleans' per-activation machinery, for a quarter of an hour.
/// </remarks>
[CollectionAgeLimit(Minutes = 2)]
public sealed partial class ObjectGrain(
    StorageBackend backend,
    AdmissionChain admission,
    IServiceProvider services,
    TimeProvider clock,
    ILogger<ObjectGrain> logger) : Grain, IObjectGrain
{
    /// <summary>The row of this object (see <see cref="IObjectStorage"/>: Orleans' row, written with group commit on SQLite).</summary>
    private readonly IObjectStorage _storage = backend.ObjectStorage(services);

    /// <summary>The stored row's version (null: no row yet), the condition of the next write.</summary>
    private string? _etag;

    private string _tenant = "";
    private ResourceKind _kind = null!;
    private string _namespace = "";
    private string _name = "";
    private ICollectionGrain _collection = null!;

    /// <summary>The committed object. Reads see only this, never a write still in flight.</summary>
    private KubeObject? _current;

    private string Key => this.GetPrimaryKeyString();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        (_tenant, _kind, _namespace, _name) = StoreKeys.ParseObject(Key);
        _collection = GrainFactory.GetGrain<ICollectionGrain>(StoreKeys.Collection(_tenant, _kind, _namespace));
        try
        {
            var (stored, etag) = await _storage.Read(this.GetGrainId(), Key);
            _current = stored.Object;
            _etag = etag;
        }
        catch (SecretDecryptionException e)
        {
            // Kept, not thrown: every call then fails with the reason (a Status), and the row is left as it is.
            _unreadable = e.For($"{_namespace}/{_name}");
        }
    }

    /// <summary>Why the stored Secret cannot be read with the silo's keys; null when it can.</summary>
    private SecretDecryptionException? _unreadable;

    private void EnsureReadable()
    {
        if (_unreadable is { } e) throw new SecretDecryptionException(e.Why, e.KeyName, $"{_namespace}/{_name}");
    }

    public Task<KubeObject?> Get()
    {
        EnsureReadable();
        return Task.FromResult(_current);
    }

    public async Task<WriteResult> Create(KubeObject obj, Actor actor)
    {
        EnsureReadable();
        if (_current is not null)
            return WriteResult.Fail(StoreError.AlreadyExists(_kind.Resource, _name));
        var prepared = ObjectSemantics.PrepareCreate(obj, _kind, _name, _namespace, clock.GetUtcNow(), Guid.NewGuid().ToString());
        var admitted = await admission.Admit(Request(AdmissionOperation.Create, Subresource.Main, prepared, null, actor));
        if (!admitted.Succeeded) return admitted;
        return WriteResult.Ok(await Persist(admitted.Object!, WatchEventType.Added));
    }

    public async Task<WriteResult> Update(KubeObject obj, Subresource subresource, Actor actor)
    {
        EnsureReadable();
        var stored = _current;
        if (stored is null) return WriteResult.Fail(StoreError.NotFound(_kind.Resource, _name));
        if (obj.GetType() != stored.GetType())
            return WriteResult.Fail(new StoreError(400, "BadRequest", $"expected a {_kind.Kind}, got a {obj.GetType().Name}"));
        if (Precondition(stored, obj.Metadata.Uid, obj.Metadata.ResourceVersion) is { } refused) return WriteResult.Fail(refused);

        // Mutations first, then the store's own preparation, then validation of exactly what would be stored.
        var mutation = await admission.Mutate(Request(AdmissionOperation.Update, subresource, obj, stored, actor));
        if (!mutation.Succeeded) return mutation;
        var next = ObjectSemantics.PrepareUpdate(stored, mutation.Object!, _kind, subresource);
        var request = Request(AdmissionOperation.Update, subresource, next, stored, actor);
        var refusal = ObjectSemantics.ForbiddenChange(stored, next) is { } forbidden
            ? StoreError.Invalid(_kind, _name, [forbidden])
            : await admission.Validate(request);
        if (refusal is not null || ObjectSemantics.SameContent(stored, next))
        {
            // Not written: whatever the mutations took for it goes back.
            await admission.Abandon(request);
            return refusal is null ? WriteResult.Ok(stored) : WriteResult.Fail(refusal);
        }

        // The last finalizer removed from an object marked for deletion: the object goes now — unless it is a pod still
        // within its graceful termination, which its agent ends (a job's pod released while its containers stop).
        var type = next.Metadata.DeletionTimestamp is not null && !ObjectSemantics.HasFinalizers(next)
                   && !ObjectSemantics.NeedsGracefulTermination(next, next.Metadata.DeletionGracePeriodSeconds)
            ? WatchEventType.Deleted
            : WatchEventType.Modified;
        return WriteResult.Ok(await Persist(next, type));
    }

    public async Task<WriteResult> Delete(DeleteOptions options, Actor actor)
    {
        EnsureReadable();
        var stored = _current;
        if (stored is null) return WriteResult.Fail(StoreError.NotFound(_kind.Resource, _name));
        if (Precondition(stored, options.PreconditionUid, options.PreconditionResourceVersion) is { } refused) return WriteResult.Fail(refused);
        if (await admission.Validate(Request(AdmissionOperation.Delete, Subresource.Main, stored, stored, actor)) is { } forbidden)
            return WriteResult.Fail(forbidden);

        stored = ObjectSemantics.WithPropagationFinalizer(stored, options.Propagation);
        if (ObjectSemantics.HasFinalizers(stored) || ObjectSemantics.NeedsGracefulTermination(stored, options.GracePeriodSeconds))
        {
            var grace = options.GracePeriodSeconds ?? (stored as Pod)?.Spec.TerminationGracePeriodSeconds;
            var marked = ObjectSemantics.MarkDeleted(stored, clock.GetUtcNow(), grace);
            return WriteResult.Ok(ReferenceEquals(marked, stored) ? stored : await Persist(marked, WatchEventType.Modified));
        }
        return WriteResult.Ok(await Persist(stored, WatchEventType.Deleted));
    }

    private AdmissionRequest Request(AdmissionOperation operation, Subresource subresource, KubeObject obj, KubeObject? old, Actor actor) =>
        new(operation, _kind, subresource, _tenant, obj, old, actor);

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

    /// <summary>
    /// Makes <paramref name="next"/> durable under a fresh version and hands the change to the collection. A write that
    /// fails here may or may not be durable, so what admission took for it is not given back: the allocator's repair
    /// from the store settles it.
    /// </summary>
    private async Task<KubeObject> Persist(KubeObject next, WatchEventType type)
    {
        var before = _current;
        await BeforeWrite(next);
        while (true)
        {
            var reservation = await _collection.Reserve(_name);
            var versioned = next with
            {
                Metadata = next.Metadata with { ResourceVersion = reservation.Version.ToString(CultureInfo.InvariantCulture) },
            };
            var stored = type == WatchEventType.Deleted ? null : versioned;
            try
            {
                _etag = stored is null
                    ? await _storage.Clear(this.GetGrainId(), Key, _etag)
                    : await _storage.Write(this.GetGrainId(), Key, new StoredObject { Object = stored }, _etag);
            }
            catch (Exception e)
            {
                // The stored row is now in doubt (its ETag may have moved): drop this activation so that the
                // next call re-reads it, and free the version so later writes are not held back.
                LogWriteFailed(logger, e, Key);
                DeactivateOnIdle();
                await _collection.Abort(reservation);
                throw;
            }
            _current = stored;
            if (await _collection.Commit(reservation, new WatchEvent(type, versioned, reservation.Version)))
            {
                // Durable: what only the previous version held (a Service's released node ports, a deleted one's cluster IP) goes back.
                await admission.Committed(_kind, _tenant, before, stored);
                await AfterCommit(versioned, type);
                // An object written once by its recorder (an Event, again only if it recurs) and read through its
                // collection: its activation has nothing left to do.
                if (KindRegistry.For(_kind).WrittenOnce) DeactivateOnIdle();
                return versioned;
            }
            // The collection was re-activated elsewhere since the reservation: write again under a version it issued.
        }
    }

    /// <summary>
    /// A pod about to be bound to a node is first added to the node's index, so that the index is never
    /// missing a bound pod (at worst it names one that is not bound, which the node grain drops on read).
    /// </summary>
    private async Task BeforeWrite(KubeObject next)
    {
        if (next is Pod { Spec.NodeName: { Length: > 0 } node } && (_current as Pod)?.Spec.NodeName != node)
            await GrainFactory.GetGrain<INodeGrain>(node).Track(Key);
    }

    /// <summary>
    /// Wakes the control loops the change concerns, and tells a pod's node about it (which pushes it to the
    /// node's agent). Wakes are one-way: the loops read the state themselves.
    /// </summary>
    private async Task AfterCommit(KubeObject obj, WatchEventType type)
    {
        foreach (var wake in ChangeRouter.Route(_tenant, obj, type))
            ((IReconciler)GrainFactory.GetGrain(wake.Controller, wake.Key)).Wake().Ignore();
        if (obj is not Pod { Spec.NodeName: { Length: > 0 } node } pod) return;
        try
        {
            await GrainFactory.GetGrain<INodeGrain>(node).PodChanged(Key, type == WatchEventType.Deleted ? null : pod);
        }
        catch (Exception e)
        {
            // The write is durable and acknowledged regardless; the node grain re-reads its pods periodically.
            LogNodeNotifyFailed(logger, e, Key, node);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Durable write of {Key} failed")]
    private static partial void LogWriteFailed(ILogger logger, Exception exception, string key);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not tell node {Node} about pod {Key}")]
    private static partial void LogNodeNotifyFailed(ILogger logger, Exception exception, string key, string node);
}
