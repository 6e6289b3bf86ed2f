using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Dashboard.Model;

namespace OrleansOrchestrator.Dashboard.ServiceClient;

/// <summary>
/// One watch per tenant and kind for the whole dashboard process, fanned out to every browser circuit
/// through its own channel: a hundred open tabs cost the cluster one watch, not a hundred. A watch that
/// fails or falls behind the store's history lists again (with growing back-off) and tells its
/// subscribers only what differs. The watch runs as the first user who asked for that tenant and kind; every
/// later subscriber is checked with <see cref="IClusterBackend.May"/> before it is attached, and all of them
/// share one tenant, so no one receives an object their own token could not list.
/// </summary>
public sealed class ClusterFeed(IClusterBackend backend, ILogger<ClusterFeed> logger) : IClusterFeed, IAsyncDisposable
{
    private readonly ConcurrentDictionary<(string Scope, ResourceKind Kind), Lazy<SharedWatch>> _watches = new();
    private readonly CancellationTokenSource _stop = new();

    public async Task<FeedSubscription> Subscribe(DashboardUser user, ResourceKind kind, CancellationToken cancellationToken)
    {
        if (!await backend.May(user, "list", kind))
            throw new ActionFailedException(403, $"{kind.Plural} is forbidden: User \"{user.Name}\" cannot list them");
        var watch = _watches.GetOrAdd((backend.ScopeOf(user, kind), kind),
            key => new Lazy<SharedWatch>(() => new SharedWatch(backend, user, key.Kind, logger, _stop.Token))).Value;
        return await watch.Attach(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_watches.Values.Where(w => w.IsValueCreated).Select(w => w.Value.Running)).ContinueWith(_ => { }, TaskScheduler.Default);
        _stop.Dispose();
    }

    private sealed class SharedWatch
    {
        private static readonly TimeSpan FirstRetry = TimeSpan.FromMilliseconds(200);
        private static readonly TimeSpan LongestRetry = TimeSpan.FromSeconds(10);

        private readonly LiveCollection<KubeObject> _current = new();
        private readonly List<Channel<ResourceChange>> _subscribers = [];
        private readonly TaskCompletionSource _listed = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly Lock _gate = new();

        public SharedWatch(IClusterBackend backend, DashboardUser user, ResourceKind kind, ILogger logger, CancellationToken stop) =>
            Running = Task.Run(() => Run(backend, user, kind, logger, stop), CancellationToken.None);

        public Task Running { get; }

        public async Task<FeedSubscription> Attach(CancellationToken cancellationToken)
        {
            await _listed.Task.WaitAsync(cancellationToken);
            var channel = Channel.CreateUnbounded<ResourceChange>(new UnboundedChannelOptions { SingleReader = true });
            IReadOnlyList<KubeObject> snapshot;
            lock (_gate)
            {
                snapshot = _current.Items.ToList();
                _subscribers.Add(channel);
            }
            return new FeedSubscription(snapshot, channel.Reader, () =>
            {
                lock (_gate) _subscribers.Remove(channel);
                channel.Writer.TryComplete();
            });
        }

        private async Task Run(IClusterBackend backend, DashboardUser user, ResourceKind kind, ILogger logger, CancellationToken stop)
        {
            var retry = FirstRetry;
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    var listing = await backend.List(user, kind, stop);
                    lock (_gate) Publish(_current.Resync(listing.Items));
                    _listed.TrySetResult();
                    retry = FirstRetry;
                    await foreach (var change in backend.Watch(user, kind, listing.Version, stop))
                        lock (_gate)
                        {
                            _current.Apply(change);
                            Publish([change]);
                        }
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception e)
                {
                    if (e is not FeedExpiredException) logger.LogWarning(e, "The dashboard's watch of {Kind} failed; listing again in {Retry}", kind.Plural, retry);
                    try { await Task.Delay(retry, stop); }
                    catch (OperationCanceledException) { return; }
                    retry = TimeSpan.FromTicks(Math.Min(retry.Ticks * 2, LongestRetry.Ticks));
                }
            }
        }

        private void Publish(IReadOnlyList<ResourceChange> changes)
        {
            foreach (var subscriber in _subscribers)
                foreach (var change in changes)
                    subscriber.Writer.TryWrite(change);
        }
    }
}
