using System.Diagnostics;
using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Contracts.Selection;
using OrleansOrchestrator.Contracts.Store;
using Microsoft.Extensions.Options;
using OrleansOrchestrator.Silo.Kinds;
using OrleansOrchestrator.Silo.Storage;
using OrleansOrchestrator.Silo.Storage.Encryption;

namespace OrleansOrchestrator.Silo.Store;

/// <summary>
/// The objects of one (tenant, kind, namespace): the version sequencer, the current objects for list, and
/// the history watchers resume from. Its own durable state is only a ceiling above every version it has
/// issued, so that versions keep rising across restarts; the objects themselves are re-read from the
/// object grains' storage when it activates.
/// </summary>
public sealed partial class CollectionGrain(
    [PersistentState("collection", StorageNames.Store)] IPersistentState<CollectionState> state,
    IStoredObjectReader reader,
    TimeProvider clock,
    IHostApplicationLifetime lifetime,
    IOptions<CollectionGrainOptions> options,
    ILogger<CollectionGrain> logger) : Grain, ICollectionGrain, IClaimCandidates
{
    /// <summary>Versions reserved ahead with one durable write of the ceiling.</summary>
    internal const long CeilingStep = 10_000;

    /// <summary>Released changes kept for watchers that resume from an older version.</summary>
    internal const int HistoryLimit = 10_000;

    private TimeSpan ReservationTimeout => options.Value.ReservationTimeout;

    private const int MaxEventsPerBatch = 1_000;

    /// <summary>How long a poll without changes still waits once this silo is stopping (less when its own wait ends sooner).</summary>
    internal static readonly TimeSpan StoppingPollWait = TimeSpan.FromSeconds(1);

    private readonly SortedDictionary<string, KubeObject> _objects = new(StringComparer.Ordinal);
    private readonly ControllerIndex _controllers = new();
    private readonly CommittedAhead _ahead = new();
    private VersionSequencer<Change> _sequencer = null!;
    private TaskCompletionSource _released = NewSignal();
    private Guid _epoch;

    /// <summary>
    /// A committed change and, once released, the object as it was just before it (so that filtered watches can
    /// tell an object entering the selection from one leaving it). Previous is known only at release: until
    /// then earlier versions may still be in flight.
    /// </summary>
    private sealed class Change(WatchEvent e)
    {
        public WatchEvent Event { get; set; } = e;
        public KubeObject? Previous { get; set; }

        /// <summary>A write found durable after its writer died: Added or Modified is decided at release, from the list.</summary>
        public bool Recovered { get; init; }

        /// <summary>
        /// Not a change for watchers (the sequencer never hands it to them): the stored state of <see cref="Name"/> after a
        /// write whose fate is unknown, for the list. Null Stored: no row (or unreadable, then <see cref="Name"/> is null).
        /// </summary>
        public bool Resync { get; init; }

        public string? Name { get; init; }
        public KubeObject? Stored { get; init; }
    }

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _epoch = Guid.NewGuid();
        var key = this.GetPrimaryKeyString();
        long newest = 0;
        foreach (var obj in await reader.ReadCollection(key, cancellationToken))
        {
            _objects[obj.Metadata.Name!] = obj;
            _controllers.Replace(obj.Metadata.Name!, null, obj);
            newest = Math.Max(newest, long.TryParse(obj.Metadata.ResourceVersion, out var v) ? v : 0);
        }
        var first = Math.Max(Math.Max(state.State.VersionCeiling, newest + 1), 1);
        _sequencer = new VersionSequencer<Change>(first, HistoryLimit);
        state.State.VersionCeiling = first + CeilingStep;
        await state.WriteStateAsync(cancellationToken);

        this.RegisterGrainTimer(ExpireAbandonedReservations, new GrainTimerCreationOptions
        {
            DueTime = ReservationTimeout,
            Period = ExpiryPeriod,
            Interleave = false,
        });
    }

    /// <summary>The timer's period: how late after <see cref="CollectionGrainOptions.ReservationTimeout"/> an abandoned reservation is settled.</summary>
    private TimeSpan ExpiryPeriod => ReservationTimeout / 3;

    public Task<ListResult> List(ListOptions options)
    {
        var matching = _objects
            .Where(pair => options.After is null || string.CompareOrdinal(pair.Key, options.After) > 0)
            .Select(pair => pair.Value)
            .Where(obj => options.Filter.Matches(obj, KindRegistry.FieldValue));
        if (options.Limit <= 0)
            return Task.FromResult(new ListResult(matching.ToList(), _sequencer.Released, null, null));

        var page = matching.Take(options.Limit + 1).ToList();
        if (page.Count <= options.Limit)
            return Task.FromResult(new ListResult(page, _sequencer.Released, null, null));
        page.RemoveAt(page.Count - 1);
        var remaining = matching.LongCount() - page.Count;
        return Task.FromResult(new ListResult(page, _sequencer.Released, page[^1].Metadata.Name, remaining));
    }

    /// <remarks>
    /// Answered from every committed write, released or not (<see cref="CommittedAhead"/>), as a quorum read of etcd
    /// would be: a controller counts at least the objects it was told it created, so it never creates them again.
    /// </remarks>
    public Task<IReadOnlyList<KubeObject>> ClaimCandidates(string ownerUid, IReadOnlyList<LabelRequirement> selector)
    {
        bool IsCandidate(KubeObject obj) => Controllers.ChangeRouter.ControllerOf(obj)?.Uid is { } controller
            ? controller == ownerUid
            : selector.Count > 0 && selector.All(r => r.Matches(obj.Metadata.Labels));
        var released = _controllers.ControlledBy(ownerUid).Select(name => _objects[name]).ToList();
        if (selector.Count > 0) released.AddRange(_controllers.Orphans.Select(name => _objects[name]).Where(IsCandidate));
        var candidates = _ahead.Count == 0 ? released : _ahead.Latest(released, IsCandidate);
        return Task.FromResult<IReadOnlyList<KubeObject>>(candidates);
    }

    public async Task<WatchBatch> Watch(long afterVersion, ObjectFilter filter, TimeSpan maxWait)
    {
        // A stopping silo cuts its polls short: Orleans deactivates a grain only after its running calls end, so a poll left
        // to wait would hold the graceful shutdown for its whole wait. Short, not at once: until the grain deactivates, the
        // watchers of other silos ask again as soon as they are answered, and an empty answer at once would make that a
        // tight loop of grain calls.
        var started = Stopwatch.GetTimestamp();
        using var timeout = new CancellationTokenSource(maxWait);
        using var stopping = lifetime.ApplicationStopping.Register(() =>
            timeout.CancelAfter(TimeSpan.FromTicks(Math.Max(0, Math.Min(StoppingPollWait.Ticks, (maxWait - Stopwatch.GetElapsedTime(started)).Ticks)))));
        while (true)
        {
            var changes = _sequencer.ChangesAfter(afterVersion);
            if (changes is null) return new WatchBatch([], _sequencer.Released, Gone: true);

            var events = new List<WatchEvent>();
            var through = afterVersion;
            foreach (var (version, change) in changes)
            {
                if (events.Count == MaxEventsPerBatch) break;
                through = version;
                if (AsSeenThrough(filter, change) is { } visible) events.Add(visible);
            }
            if (events.Count == MaxEventsPerBatch) return new WatchBatch(events, through);
            if (events.Count > 0 || timeout.IsCancellationRequested) return new WatchBatch(events, _sequencer.Released);

            // Nothing yet: wait for the next release (or the deadline). Interleaved, so writes go on meanwhile.
            afterVersion = Math.Max(afterVersion, _sequencer.Released);
            await _released.Task.WaitAsync(timeout.Token).ContinueWith(_ => { }, TaskScheduler.Current);
        }
    }

    /// <summary>A change as a watcher with <paramref name="filter"/> sees it, or null when it does not concern that watcher.</summary>
    private static WatchEvent? AsSeenThrough(ObjectFilter filter, Change change)
    {
        var e = change.Event;
        if (filter.IsEverything) return e;
        var matchesNow = e.Type != WatchEventType.Deleted && filter.Matches(e.Object, KindRegistry.FieldValue);
        var matchedBefore = e.Type == WatchEventType.Deleted ? filter.Matches(e.Object, KindRegistry.FieldValue) : change.Previous is { } p && filter.Matches(p, KindRegistry.FieldValue);
        return (matchedBefore, matchesNow) switch
        {
            (true, true) => e,
            (false, true) => e with { Type = WatchEventType.Added },
            (true, false) => e with { Type = WatchEventType.Deleted },
            _ => null,
        };
    }

    public async Task<VersionReservation> Reserve(string name)
    {
        if (_sequencer.Next >= state.State.VersionCeiling)
        {
            state.State.VersionCeiling = _sequencer.Next + CeilingStep;
            await state.WriteStateAsync();
        }
        return new VersionReservation(_epoch, _sequencer.Reserve(clock.GetUtcNow(), name));
    }

    public Task<bool> Commit(VersionReservation reservation, WatchEvent change)
    {
        if (reservation.Epoch != _epoch || !_sequencer.IsPending(reservation.Version)) return Task.FromResult(false);
        var released = _sequencer.Commit(reservation.Version, new Change(change));
        if (reservation.Version > _sequencer.Released)
            _ahead.Committed(change.Object.Metadata.Name!, reservation.Version, change.Type == WatchEventType.Deleted ? null : change.Object);
        Apply(released);
        return Task.FromResult(true);
    }

    public Task Abort(VersionReservation reservation)
    {
        if (reservation.Epoch == _epoch) Apply(_sequencer.Abort(reservation.Version));
        return Task.CompletedTask;
    }

    /// <summary>
    /// Settles reservations whose writer never came back (its silo died, or its call was lost). The writer may have
    /// died after its row was stored and before it committed, and a client retrying that write is then answered from
    /// the stored row — an acknowledged write. So an abandoned version is not simply skipped: the writer's row is
    /// read, and the write is released to watchers when the row carries that version, skipped when the row is as
    /// the list knows it (the write never landed), and otherwise — the row moved on, or cannot be read — the
    /// version is forgotten: watchers from before it get "gone" and list again.
    /// </summary>
    private async Task ExpireAbandonedReservations(CancellationToken cancellationToken)
    {
        foreach (var (version, name) in _sequencer.AbandonedBefore(clock.GetUtcNow() - ReservationTimeout))
        {
            Change? unknown = null;
            KubeObject? stored = null;
            if (name is null) unknown = new Change(Nothing(version)) { Resync = true };
            else
            {
                try
                {
                    stored = await reader.ReadObject(StoreKeys.CollectionPrefix(this.GetPrimaryKeyString()) + name, cancellationToken);
                }
                catch (SecretDecryptionException)
                {
                    unknown = new Change(Nothing(version)) { Resync = true };
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // The store is unreachable: the version stays held, and is looked at again at the next tick.
                    LogAbandonedUnchecked(logger, e, this.GetPrimaryKeyString(), version);
                    return;
                }
            }
            if (!_sequencer.IsPending(version)) continue;

            var known = name is null ? null : _objects.GetValueOrDefault(name);
            if (unknown is null && stored?.Metadata.ResourceVersion == known?.Metadata.ResourceVersion)
            {
                // The row is as the list knows it: the write never landed.
                Apply(_sequencer.Abort(version));
                continue;
            }
            var durable = unknown is null && stored?.Metadata.ResourceVersion == version.ToString(System.Globalization.CultureInfo.InvariantCulture);
            Apply(durable
                ? _sequencer.Commit(version, new Change(new WatchEvent(WatchEventType.Modified, stored!, version)) { Recovered = true })
                : _sequencer.Forget(version, unknown ?? new Change(Nothing(version)) { Resync = true, Name = name, Stored = stored }));
            LogAbandonedSettled(logger, this.GetPrimaryKeyString(), version, name, durable ? "found durable: released" : "unknown: watchers list again");
        }
    }

    /// <summary>The placeholder event of a change that readers never get.</summary>
    private static WatchEvent Nothing(long version) => new(WatchEventType.Modified, null!, version);

    /// <summary>Brings the list up to date with newly released changes and wakes the watchers.</summary>
    private void Apply(IReadOnlyList<(long Version, Change Change)> released)
    {
        if (released.Count == 0) return;
        foreach (var (version, change) in released)
        {
            if (change.Resync)
            {
                if (change.Name is not { } resynced) continue;
                var before = _objects.GetValueOrDefault(resynced);
                if (change.Stored is { } now) _objects[resynced] = now;
                else _objects.Remove(resynced);
                _controllers.Replace(resynced, before, change.Stored);
                continue;
            }
            var obj = change.Event.Object;
            var name = obj.Metadata.Name!;
            _ahead.Released(name, version);
            change.Previous = _objects.GetValueOrDefault(name);
            if (change.Recovered)
                change.Event = change.Event with { Type = change.Previous is null ? WatchEventType.Added : WatchEventType.Modified };
            var deleted = change.Event.Type == WatchEventType.Deleted;
            if (deleted) _objects.Remove(name);
            else _objects[name] = obj;
            _controllers.Replace(name, change.Previous, deleted ? null : obj);
        }
        var signal = _released;
        _released = NewSignal();
        signal.SetResult();
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Collection {Collection}: abandoned version {Version} of {Name} {Outcome}")]
    private static partial void LogAbandonedSettled(ILogger logger, string collection, long version, string? name, string outcome);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Collection {Collection}: could not read the writer's row of abandoned version {Version}; trying again")]
    private static partial void LogAbandonedUnchecked(ILogger logger, Exception exception, string collection, long version);
}

/// <summary>Timings of the collection grains (the defaults suit production; tests shorten them).</summary>
public sealed class CollectionGrainOptions
{
    /// <summary>A reservation whose writer has not settled it by then is abandoned (its silo died, or its call was lost).</summary>
    public TimeSpan ReservationTimeout { get; set; } = TimeSpan.FromSeconds(30);
}
