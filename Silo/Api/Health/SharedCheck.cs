namespace OrleansOrchestrator.Silo.Api.Health;

/// <summary>
/// One health check that costs something to run (a store connection, a grain call), shared by every caller: at most one
/// probe runs at a time — callers that come while it runs get its answer — and an answer is reused for
/// <see cref="Fresh"/> after it came. The health endpoints answer anyone without authentication, so a flood of
/// <c>/readyz</c> must not become a flood of store connections. A probe gets a token cancelled at the timeout, and its
/// answer is a failure then even if it ignores the token.
/// </summary>
public sealed class SharedCheck(Func<CancellationToken, Task> probe, TimeSpan timeout, TimeProvider clock)
{
    /// <summary>How long an answer is reused: short enough for a load balancer's probe period, long enough to absorb a flood.</summary>
    public static readonly TimeSpan Fresh = TimeSpan.FromSeconds(1);

    private readonly Lock _gate = new();
    private Task<bool>? _current;
    private DateTimeOffset _answeredAt;

    /// <summary>True when the probe passed; never throws.</summary>
    public Task<bool> Run()
    {
        lock (_gate)
        {
            if (_current is { } current && (!current.IsCompleted || clock.GetUtcNow() - _answeredAt < Fresh)) return current;
            _current = Probe();
            return _current;
        }
    }

    private async Task<bool> Probe()
    {
        await Task.Yield(); // never the probe's work under the lock
        using var deadline = new CancellationTokenSource(timeout, clock);
        bool passed;
        try
        {
            // Bounded by the token itself, so that a probe given up on is also told to stop (a probe that ignores it, a
            // grain call, is left to end on its own).
            await probe(deadline.Token).WaitAsync(deadline.Token);
            passed = true;
        }
        catch (Exception)
        {
            // Any failure is a failed check; its reason is withheld from the answer.
            passed = false;
        }
        lock (_gate) _answeredAt = clock.GetUtcNow();
        return passed;
    }
}
