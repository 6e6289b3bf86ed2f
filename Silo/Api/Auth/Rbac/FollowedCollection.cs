using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Contracts.Selection;
using OrleansOrchestrator.Contracts.Store;

namespace OrleansOrchestrator.Silo.Api.Auth.Rbac;

/// <summary>
/// A copy of one store collection kept current by long-polling the collection grain's watch, so that reading it
/// costs nothing per request. Listed on first use; a history that is gone, a failed call or
/// <see cref="MarkStale"/> (this silo just wrote to it: read your own writes) makes the next read list again.
/// Events at or below the listed version are skipped, so a watch batch that overlaps a fresh list changes nothing.
/// </summary>
/// <param name="idleAfter">Unread this long, it stops following and calls <paramref name="onIdle"/> (whoever keeps it forgets it):
/// a client naming ever new namespaces must not leave a watch open for each.</param>
public sealed class FollowedCollection(ICollectionGrain collection, TimeSpan poll, TimeSpan idleAfter, Action onIdle, CancellationToken stopping)
{
    private long _lastRead = Environment.TickCount64;
    private readonly SemaphoreSlim _loading = new(1, 1);
    private Dictionary<string, KubeObject> _items = new(StringComparer.Ordinal);
    private long _version = -1;
    private volatile bool _stale = true;
    private Task? _follower;

    /// <summary>
    /// Changes with every change seen, unique across all followed collections (a collection forgotten and followed
    /// again never repeats a stamp): a policy built from another stamp is out of date.
    /// </summary>
    private long _stamp;

    private static long s_stamps;

    private IReadOnlyCollection<KubeObject> _snapshot = [];
    private long _snapshotStamp = -1;

    /// <summary>The objects now, and the stamp they are of (read together, so a policy is never filed under a newer stamp than its objects).</summary>
    public async ValueTask<(IReadOnlyCollection<KubeObject> Items, long Stamp)> Current()
    {
        _lastRead = Environment.TickCount64;
        if (!_stale) return Snapshot();
        await _loading.WaitAsync(stopping);
        try
        {
            if (_stale)
            {
                var list = await FailoverRetry.Default.Read(() => collection.List(ListOptions.All), stopping);
                lock (this)
                {
                    _items = list.Items.ToDictionary(o => o.Metadata.Name!, StringComparer.Ordinal);
                    _version = list.Version;
                    _stamp = Interlocked.Increment(ref s_stamps);
                    _stale = false;
                }
                if (_follower is null || _follower.IsCompleted) _follower = Follow();
            }
        }
        finally
        {
            _loading.Release();
        }
        return Snapshot();
    }

    public void MarkStale() => _stale = true;

    /// <summary>Whether a list ever succeeded: until then nothing follows the collection, and nothing would forget it when idle.</summary>
    public bool Listed => _follower is not null;

    private (IReadOnlyCollection<KubeObject>, long) Snapshot()
    {
        lock (this)
        {
            if (_snapshotStamp != _stamp) (_snapshot, _snapshotStamp) = (_items.Values.ToList(), _stamp);
            return (_snapshot, _stamp);
        }
    }

    private async Task Follow()
    {
        try
        {
            while (!stopping.IsCancellationRequested)
            {
                long after;
                lock (this) after = _version;
                // Bounded as the API's watches are: a call into a silo that neither answers nor fails would otherwise
                // leave this copy trusted (a role binding deleted meanwhile still granting) for as long as it hangs.
                var batch = await collection.Watch(after, ObjectFilter.Everything, poll).WaitAsync(poll + CollectionWatcher.DefaultAnswerMargin, stopping);
                if (batch.Gone)
                {
                    _stale = true;
                    return;
                }
                lock (this)
                {
                    foreach (var change in batch.Events.Where(e => e.Version > _version))
                    {
                        if (change.Type == WatchEventType.Deleted) _items.Remove(change.Object.Metadata.Name!);
                        else _items[change.Object.Metadata.Name!] = change.Object;
                        _stamp = Interlocked.Increment(ref s_stamps);
                    }
                    _version = Math.Max(_version, batch.Version);
                }
                if (Environment.TickCount64 - _lastRead >= idleAfter.TotalMilliseconds)
                {
                    _stale = true;
                    onIdle();
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
        catch (Exception)
        {
            // The store could not be followed: read it afresh on the next request rather than trust an old copy.
            _stale = true;
        }
    }
}
