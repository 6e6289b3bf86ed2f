namespace OrleansOrchestrator.Silo.Store;

/// <summary>
/// Orders the writes of one collection. Versions are handed out in increasing order and the writes they
/// belong to may become durable in any order (they are pipelined, not serialised); a change is released
/// to readers only when it and every version before it are settled (committed or aborted), so readers see
/// commits strictly in version order and a reader resuming after version N misses nothing after N.
/// Released changes are kept in a bounded history for resuming watchers. Pure logic, not thread-safe:
/// the owning grain serialises calls.
/// </summary>
public sealed class VersionSequencer<TChange>
{
    private readonly SortedDictionary<long, Slot> _pending = new();
    private readonly Queue<(long Version, TChange Change)> _history = new();
    private readonly int _historyLimit;
    private long _next;

    private sealed class Slot(DateTimeOffset reservedAt, string? writer)
    {
        public DateTimeOffset ReservedAt { get; } = reservedAt;
        public string? Writer { get; } = writer;
        public bool Settled { get; set; }
        public bool HasChange { get; set; }
        public TChange? Change { get; set; }
        /// <summary>Settled without knowing what became of its write: readers from before it must start again.</summary>
        public bool Unknown { get; set; }
    }

    /// <param name="firstVersion">The first version to hand out; everything before it counts as released.</param>
    /// <param name="historyLimit">How many released changes to keep for watchers resuming from an older version.</param>
    public VersionSequencer(long firstVersion, int historyLimit)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(firstVersion, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(historyLimit, 1);
        _next = firstVersion;
        Released = firstVersion - 1;
        ForgottenThrough = firstVersion - 1;
        _historyLimit = historyLimit;
    }

    /// <summary>The newest version such that it and all earlier ones are settled and visible.</summary>
    public long Released { get; private set; }

    /// <summary>Changes at or below this version are no longer in the history.</summary>
    public long ForgottenThrough { get; private set; }

    /// <summary>The version the next reservation will get.</summary>
    public long Next => _next;

    public int PendingCount => _pending.Count;

    /// <param name="writer">Whose write the version is for (an object's name): what an abandoned reservation is checked against.</param>
    public long Reserve(DateTimeOffset now, string? writer = null)
    {
        var version = _next++;
        _pending.Add(version, new Slot(now, writer));
        return version;
    }

    public bool IsPending(long version) => _pending.TryGetValue(version, out var slot) && !slot.Settled;

    /// <summary>Marks a reserved version durable; returns the changes this releases, in version order.</summary>
    public IReadOnlyList<(long Version, TChange Change)> Commit(long version, TChange change)
    {
        if (!_pending.TryGetValue(version, out var slot) || slot.Settled)
            throw new InvalidOperationException($"version {version} is not pending");
        slot.Settled = true;
        slot.HasChange = true;
        slot.Change = change;
        return ReleaseSettledPrefix();
    }

    /// <summary>Gives up a reserved version whose write failed; returns the changes this releases.</summary>
    public IReadOnlyList<(long Version, TChange Change)> Abort(long version)
    {
        if (_pending.TryGetValue(version, out var slot)) slot.Settled = true;
        return ReleaseSettledPrefix();
    }

    /// <summary>
    /// Reservations older than <paramref name="cutoff"/> that never settled (their writer may have died after making
    /// its write durable), oldest first, with the writer each was reserved for. The caller settles each one: Commit
    /// when its write is found durable, Abort when it is found absent, <see cref="Forget"/> when that cannot be told.
    /// </summary>
    public IReadOnlyList<(long Version, string? Writer)> AbandonedBefore(DateTimeOffset cutoff) =>
        _pending.Where(p => !p.Value.Settled && p.Value.ReservedAt < cutoff).Select(p => (p.Key, p.Value.Writer)).ToList();

    /// <summary>
    /// Settles a reserved version whose write may or may not have become durable. Once it is released, a reader
    /// from any earlier version is told its history is gone (so that it lists again) rather than handed a stream
    /// that may lack that write. <paramref name="resync"/> goes to the caller with the released changes (to bring
    /// its own view up to date) but never to readers.
    /// </summary>
    public IReadOnlyList<(long Version, TChange Change)> Forget(long version, TChange resync)
    {
        if (!_pending.TryGetValue(version, out var slot) || slot.Settled)
            throw new InvalidOperationException($"version {version} is not pending");
        slot.Settled = true;
        slot.HasChange = true;
        slot.Change = resync;
        slot.Unknown = true;
        return ReleaseSettledPrefix();
    }

    /// <summary>The released changes after <paramref name="afterVersion"/>; null when some of them are forgotten.</summary>
    public IEnumerable<(long Version, TChange Change)>? ChangesAfter(long afterVersion)
    {
        if (afterVersion < ForgottenThrough) return null;
        return _history.Where(entry => entry.Version > afterVersion);
    }

    private List<(long Version, TChange Change)> ReleaseSettledPrefix()
    {
        var released = new List<(long, TChange)>();
        while (_pending.Count > 0)
        {
            var (version, slot) = _pending.First();
            if (!slot.Settled) break;
            _pending.Remove(version);
            Released = version;
            if (!slot.HasChange) continue;
            released.Add((version, slot.Change!));
            if (slot.Unknown)
            {
                ForgottenThrough = version;
                continue;
            }
            _history.Enqueue((version, slot.Change!));
            while (_history.Count > _historyLimit) ForgottenThrough = Math.Max(ForgottenThrough, _history.Dequeue().Version);
        }
        if (_pending.Count == 0) Released = _next - 1;
        return released;
    }
}
