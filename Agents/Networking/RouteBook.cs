using System.Collections.Immutable;
using OrleansOrchestrator.Contracts.Networking;

namespace OrleansOrchestrator.Agents.Networking;

/// <summary>What a push did to the <see cref="RouteBook"/>.</summary>
public enum PushOutcome
{
    /// <summary>Applied (with any buffered pushes it unblocked): the routes changed.</summary>
    Applied,

    /// <summary>Already contained in what the book holds (an older or repeated version): ignored.</summary>
    Stale,

    /// <summary>Ahead of the book: kept until the versions between arrive, or a snapshot covers them.</summary>
    Buffered,

    /// <summary>From another directory activation (epoch): versions are not comparable, a snapshot is needed.</summary>
    EpochChanged,
}

/// <summary>
/// The agent's copy of the directory's routes and the version arithmetic that keeps it exact: pushes apply only
/// in version order, one after another; a push that arrives early waits for the ones before it; a snapshot
/// replaces everything (unless it is older than what the book already holds). Pure and single-threaded: the
/// caller serialises access.
/// </summary>
public sealed class RouteBook
{
    /// <summary>More waiting pushes than this means they are not going to be filled in: take a snapshot.</summary>
    public const int MaxBuffered = 256;

    private readonly SortedDictionary<long, Push> _buffered = [];

    public Guid Epoch { get; private set; }

    /// <summary>The directory version the routes are at; -1 before the first snapshot.</summary>
    public long Version { get; private set; } = -1;

    public bool HasSnapshot => Version >= 0;

    public ClusterNetwork? Network { get; private set; }

    public bool Complete { get; private set; }

    public ImmutableDictionary<string, ServiceRoute> Routes { get; private set; } = ImmutableDictionary<string, ServiceRoute>.Empty;

    /// <summary>Whether pushes are waiting for versions that have not arrived (a gap, if it persists).</summary>
    public bool HasGap => _buffered.Count > 0;

    /// <summary>Replaces the routes with <paramref name="snapshot"/>; false when it is older than what the book holds (ignored).</summary>
    public bool ApplySnapshot(ServiceDirectorySnapshot snapshot)
    {
        if (HasSnapshot && snapshot.Epoch == Epoch && snapshot.Version < Version) return false;
        if (snapshot.Epoch != Epoch) _buffered.Clear();
        Epoch = snapshot.Epoch;
        Version = snapshot.Version;
        Network = snapshot.Network;
        Complete = snapshot.Complete;
        Routes = snapshot.Routes.ToImmutableDictionary(r => r.Key);
        foreach (var version in _buffered.Keys.Where(v => v <= Version).ToList()) _buffered.Remove(version);
        Drain();
        return true;
    }

    /// <summary>Applies a pushed change in version order.</summary>
    public PushOutcome ApplyPush(Guid epoch, long version, IReadOnlyList<ServiceRoute> changed, IReadOnlyList<string> removed)
    {
        if (!HasSnapshot)
        {
            // The first snapshot is on its way: keep what arrives meanwhile (it may be newer than the snapshot).
            if (_buffered.Count > 0 && _buffered.Values.First().Epoch != epoch) _buffered.Clear();
            if (_buffered.Count < MaxBuffered) _buffered[version] = new Push(epoch, changed, removed);
            Epoch = epoch;
            return PushOutcome.Buffered;
        }
        if (epoch != Epoch) return PushOutcome.EpochChanged;
        if (version <= Version) return PushOutcome.Stale;
        if (_buffered.Count >= MaxBuffered) return PushOutcome.Buffered;
        _buffered[version] = new Push(epoch, changed, removed);
        return Drain() ? PushOutcome.Applied : PushOutcome.Buffered;
    }

    private bool Drain()
    {
        var applied = false;
        while (_buffered.Remove(Version + 1, out var next))
        {
            var routes = Routes.ToBuilder();
            foreach (var key in next.Removed) routes.Remove(key);
            foreach (var route in next.Changed) routes[route.Key] = route;
            Routes = routes.ToImmutable();
            Version++;
            applied = true;
        }
        return applied;
    }

    private sealed record Push(Guid Epoch, IReadOnlyList<ServiceRoute> Changed, IReadOnlyList<string> Removed);
}
