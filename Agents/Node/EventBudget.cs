namespace OrleansOrchestrator.Agents.Node;

/// <summary>
/// How many of a node's Event reports may be on their way at once. Events are best effort — Kubernetes' recorder
/// drops what does not fit its queue of 1,000 — so past the budget a report is dropped rather than queued without
/// bound in the agent and the silo while the silo is slow to take them.
/// </summary>
public sealed class EventBudget(int limit)
{
    /// <summary>Kubernetes' event broadcaster queue length.</summary>
    public const int KubernetesQueueLength = 1_000;

    private int _inFlight;
    private long _dropped;

    /// <summary>Reports on their way now.</summary>
    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>Reports dropped so far because the budget was spent.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Starts <paramref name="send"/> when there is room (given back when it completes, whatever its outcome); false when the report was dropped.</summary>
    public bool TrySend(Func<Task> send)
    {
        if (Interlocked.Increment(ref _inFlight) > limit)
        {
            Interlocked.Decrement(ref _inFlight);
            Interlocked.Increment(ref _dropped);
            return false;
        }
        Task sending;
        try
        {
            sending = send();
        }
        catch
        {
            Interlocked.Decrement(ref _inFlight);
            throw;
        }
        sending.ContinueWith(done =>
        {
            _ = done.Exception; // a lost report is not an error of the agent's: observed, not rethrown
            Interlocked.Decrement(ref _inFlight);
        }, TaskScheduler.Default);
        return true;
    }
}
