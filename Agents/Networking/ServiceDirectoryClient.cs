using System.Collections.Immutable;
using OrleansOrchestrator.Contracts.Networking;

namespace OrleansOrchestrator.Agents.Networking;

/// <summary>
/// This agent's view of the cluster's Service routes: subscribed to the <see cref="IServiceDirectoryGrain"/> for
/// pushes, renewed with a full snapshot every <see cref="ResyncInterval"/> (the subscription expires after a
/// minute), and resynced at once when a push reveals a gap or another directory activation. The version
/// arithmetic is <see cref="RouteBook"/>'s.
/// </summary>
public sealed partial class ServiceDirectoryClient(IGrainFactory grains, ILogger<ServiceDirectoryClient> logger)
    : IServiceRoutes, IServiceDirectoryObserver
{
    public static readonly TimeSpan ResyncInterval = TimeSpan.FromSeconds(20);

    /// <summary>How long pushes may wait for a missing version (they can overtake each other) before a snapshot fills it in.</summary>
    public static readonly TimeSpan GapGrace = TimeSpan.FromMilliseconds(500);

    private readonly Lock _lock = new();
    private readonly RouteBook _book = new();
    private readonly SemaphoreSlim _wake = new(0, int.MaxValue);
    private volatile bool _resyncNow;
    private ClusterNetwork? _network;
    private bool _complete;
    private ImmutableDictionary<string, ServiceRoute> _routes = ImmutableDictionary<string, ServiceRoute>.Empty;

    public ClusterNetwork? Network => _network;

    public bool Complete => _complete;

    public IReadOnlyDictionary<string, ServiceRoute> Routes => _routes;

    public event Action? Changed;

    /// <summary>Completes once the first snapshot was applied.</summary>
    public Task FirstSnapshot => _firstSnapshot.Task;

    private readonly TaskCompletionSource _firstSnapshot = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void RoutesChanged(Guid epoch, long version, IReadOnlyList<ServiceRoute> changed, IReadOnlyList<string> removed)
    {
        PushOutcome outcome;
        lock (_lock)
        {
            outcome = _book.ApplyPush(epoch, version, changed, removed);
            if (outcome == PushOutcome.Applied) Publish();
        }
        switch (outcome)
        {
            case PushOutcome.Applied:
                Changed?.Invoke();
                break;
            case PushOutcome.EpochChanged:
                LogEpochChanged(logger);
                RequestResync(immediately: true);
                break;
            case PushOutcome.Buffered:
                RequestResync(immediately: false);
                break;
        }
    }

    public async Task Run(CancellationToken cancellationToken)
    {
        var directory = grains.GetGrain<IServiceDirectoryGrain>(IServiceDirectoryGrain.Key);
        var self = grains.CreateObjectReference<IServiceDirectoryObserver>(this);
        var failures = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            var wait = ResyncInterval;
            try
            {
                // Subscribe before the snapshot, so that no change falls between the two.
                await directory.Subscribe(self);
                var snapshot = await directory.Snapshot();
                bool changed;
                lock (_lock)
                {
                    changed = _book.ApplySnapshot(snapshot);
                    if (changed) Publish();
                }
                if (failures > 0 || !_firstSnapshot.Task.IsCompleted) LogSynced(logger, snapshot.Routes.Count, snapshot.Version, snapshot.Complete);
                failures = 0;
                _firstSnapshot.TrySetResult();
                if (changed) Changed?.Invoke();
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                failures++;
                LogContactFailed(logger, e);
                wait = TimeSpan.FromMilliseconds(Math.Min(200 * Math.Pow(2, Math.Min(failures, 5)), 5000));
            }
            await WaitForResync(wait, cancellationToken);
        }
        try { await directory.Unsubscribe(self); }
        catch (Exception e) { LogContactFailed(logger, e); }
    }

    private async Task WaitForResync(TimeSpan wait, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + wait;
        while (!cancellationToken.IsCancellationRequested)
        {
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero || _resyncNow) break;
            try { await _wake.WaitAsync(left, cancellationToken); }
            catch (OperationCanceledException) { return; }
            if (_resyncNow) break;
            // A gap: give the missing pushes a moment to overtake, then take a snapshot if it is still open.
            try { await Task.Delay(GapGrace, cancellationToken); }
            catch (OperationCanceledException) { return; }
            bool gap;
            lock (_lock) gap = _book.HasGap;
            if (gap)
            {
                LogGap(logger);
                break;
            }
        }
        _resyncNow = false;
        while (_wake.CurrentCount > 0) await _wake.WaitAsync(TimeSpan.Zero, CancellationToken.None);
    }

    private void RequestResync(bool immediately)
    {
        if (immediately) _resyncNow = true;
        _wake.Release();
    }

    private void Publish()
    {
        _network = _book.Network;
        _complete = _book.Complete;
        _routes = _book.Routes;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Service directory: {Count} routes at version {Version} (complete: {Complete})")]
    private static partial void LogSynced(ILogger logger, int count, long version, bool complete);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Service directory: contact failed; retrying")]
    private static partial void LogContactFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Service directory: a new directory activation; taking a snapshot")]
    private static partial void LogEpochChanged(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "Service directory: a route change went missing; taking a snapshot")]
    private static partial void LogGap(ILogger logger);
}
