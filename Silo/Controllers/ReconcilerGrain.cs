namespace OrleansOrchestrator.Silo.Controllers;

/// <summary>
/// The common shape of our control loops: wakes are coalesced (a burst of changes costs one pass), a pass
/// runs to completion before the next begins, a pass may ask to look again soon (e.g. waiting for
/// minReadySeconds), and a periodic resync catches anything a wake missed while the grain is active.
/// </summary>
public abstract partial class ReconcilerGrain(ILogger logger) : Grain, IReconciler
{
    private static readonly TimeSpan Coalesce = TimeSpan.FromMilliseconds(20);
    private static readonly TimeSpan Resync = TimeSpan.FromSeconds(30);

    private IGrainTimer? _pending;
    private DateTimeOffset _pendingAt;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        this.RegisterGrainTimer(_ => Pass(), new GrainTimerCreationOptions { DueTime = Resync, Period = Resync, Interleave = false });
        return base.OnActivateAsync(cancellationToken);
    }

    /// <summary>How long a wake waits for more before the pass: a loop woken by frequent, rarely relevant changes waits longer.</summary>
    protected virtual TimeSpan CoalesceDelay => Coalesce;

    public Task Wake()
    {
        Schedule(CoalesceDelay);
        return Task.CompletedTask;
    }

    /// <summary>Arranges a pass after <paramref name="due"/>, unless one is arranged sooner already.</summary>
    private void Schedule(TimeSpan due)
    {
        var at = DateTimeOffset.UtcNow + due;
        if (_pending is not null && _pendingAt <= at) return;
        _pending?.Dispose();
        _pendingAt = at;
        _pending = this.RegisterGrainTimer(async _ =>
        {
            _pending?.Dispose();
            _pending = null;
            await Pass();
        }, new GrainTimerCreationOptions { DueTime = due, Period = Timeout.InfiniteTimeSpan, Interleave = false });
    }

    private async Task Pass()
    {
        TimeSpan? again;
        try
        {
            again = await Reconcile();
        }
        catch (Exception e)
        {
            LogReconcileFailed(logger, e, GetType().Name, this.GetPrimaryKeyString());
            again = TimeSpan.FromSeconds(1);
        }
        if (again is { } delay) Schedule(delay);
    }

    /// <summary>One pass; returns when to look again (null: only when woken or at the next resync).</summary>
    protected abstract Task<TimeSpan?> Reconcile();

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Controller} {Key}: a pass failed; retrying")]
    private static partial void LogReconcileFailed(ILogger logger, Exception exception, string controller, string key);
}
