using OrleansOrchestrator.Silo.Api.Health;

namespace OrleansOrchestrator.Silo.Tests.Api.Health;

/// <summary>
/// A flood of anonymous /readyz must not become a flood of store connections: one probe at a time, shared by everyone
/// asking meanwhile, its answer reused for a second, and a probe that overruns its timeout is really cancelled.
/// </summary>
public sealed class SharedCheckTests
{
    /// <summary>The system's timers with a clock the test moves (only what decides an answer's freshness).</summary>
    private sealed class MovableClock : TimeProvider
    {
        public TimeSpan Offset { get; set; }
        public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + Offset;
    }

    [Fact]
    public async Task ConcurrentCallers_ShareOneProbe_AndItsAnswerIsReusedUntilItIsNoLongerFresh()
    {
        var clock = new MovableClock();
        var started = 0;
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var check = new SharedCheck(async _ => { Interlocked.Increment(ref started); await release.Task; }, TimeSpan.FromSeconds(30), clock);

        var callers = Enumerable.Range(0, 50).Select(_ => check.Run()).ToList();
        await Eventually.True(() => Volatile.Read(ref started) == 1, "the probe started");
        release.SetResult();
        Assert.All(await Task.WhenAll(callers), Assert.True);
        Assert.Equal(1, started);

        Assert.True(await check.Run());
        Assert.Equal(1, started); // answered less than a second ago

        clock.Offset = SharedCheck.Fresh;
        Assert.True(await check.Run());
        Assert.Equal(2, started);
    }

    [Fact]
    public async Task AProbeThatOverrunsItsTimeout_IsCancelled_AndFails()
    {
        var cancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var check = new SharedCheck(async cancellationToken =>
        {
            using var _ = cancellationToken.Register(() => cancelled.TrySetResult());
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }, TimeSpan.FromMilliseconds(100), TimeProvider.System);

        Assert.False(await check.Run().WaitAsync(TimeSpan.FromSeconds(30)));
        await cancelled.Task.WaitAsync(TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task AFailingProbe_IsAFailedCheck_NotAnException()
    {
        var check = new SharedCheck(_ => throw new InvalidOperationException("store down"), TimeSpan.FromSeconds(5), TimeProvider.System);
        Assert.False(await check.Run());
    }
}
