using OrleansOrchestrator.Silo.Api.Wire;

namespace OrleansOrchestrator.Silo.Api;

/// <summary>
/// The one retry policy of the API's calls into the grains while the cluster moves work off a lost silo: a short,
/// bounded back-off, after which the failure goes to the client as <see cref="ControlPlaneFailure"/>'s 503. A read
/// (get, list, the start or the next poll of a watch) is retried on any sign of a lost silo; a write only when the
/// runtime refused it before it reached a grain, since a write that may have been applied must not be applied twice.
/// </summary>
/// <param name="delays">The waits between attempts, in order; their count bounds the attempts.</param>
public sealed class FailoverRetry(IReadOnlyList<TimeSpan> delays)
{
    /// <summary>
    /// 0.1 + 0.2 + 0.4 s, then every 0.4 s, 2.7 s of waits in all (about 3 s with the calls): longer than the cluster
    /// takes to declare a killed silo dead and place its grains again (about 1–2 s, see OrleansSetup), short enough
    /// that a client is not left waiting for an answer. The waits stop growing at 0.4 s because the declaration
    /// comes at an unknown moment within those seconds: with 0.8 s waits a call could sit out most of one after the
    /// cluster was ready again (the first write after a kill took up to 2.05 s, bench failover).
    /// </summary>
    public static FailoverRetry Default { get; } = new(Backoff(TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(400), TimeSpan.FromSeconds(3)));

    /// <summary>The delays in order.</summary>
    public IReadOnlyList<TimeSpan> Delays => delays;

    /// <summary>Doubling waits from <paramref name="first"/>, each at most <paramref name="longest"/>, adding up to at most <paramref name="budget"/>.</summary>
    public static IReadOnlyList<TimeSpan> Backoff(TimeSpan first, TimeSpan longest, TimeSpan budget)
    {
        if (first <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(first), first, "the first wait must be positive");
        var result = new List<TimeSpan>();
        var total = TimeSpan.Zero;
        for (var next = first; total + next <= budget; next = TimeSpan.FromTicks(Math.Min(next.Ticks * 2, longest.Ticks)))
        {
            result.Add(next);
            total += next;
        }
        return result;
    }

    /// <summary>A call without effects: retried whenever the failure is a lost silo or a call that went unanswered.</summary>
    public Task<T> Read<T>(Func<Task<T>> call, CancellationToken cancellationToken = default) =>
        Run(call, ControlPlaneFailure.IsUnavailable, cancellationToken);

    /// <summary>A call with effects: retried only when it was refused before any grain ran it.</summary>
    public Task<T> Write<T>(Func<Task<T>> call, CancellationToken cancellationToken = default) =>
        Run(call, ControlPlaneFailure.NeverDelivered, cancellationToken);

    private async Task<T> Run<T>(Func<Task<T>> call, Func<Exception, bool> retryable, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return await call();
            }
            catch (Exception e) when (attempt < delays.Count && retryable(e) && !cancellationToken.IsCancellationRequested)
            {
                // Falls through to the wait: a failing silo is not asked again at once.
            }
            await Task.Delay(delays[attempt], cancellationToken);
        }
    }
}
