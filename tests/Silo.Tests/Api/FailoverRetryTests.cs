using Orleans.Runtime;
using OrleansOrchestrator.Silo.Api;

namespace OrleansOrchestrator.Silo.Tests.Api;

/// <summary>Reads are asked again while a lost silo is replaced, writes only when they never reached a grain, and never for long.</summary>
public sealed class FailoverRetryTests
{
    private static readonly FailoverRetry ThreeQuickRetries = new([TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(1)]);

    /// <summary>A call that fails with <paramref name="failure"/> <paramref name="failures"/> times, then answers 42.</summary>
    private sealed class Flaky(Exception failure, int failures)
    {
        public int Calls;

        public Task<int> Call() => ++Calls <= failures ? Task.FromException<int>(failure) : Task.FromResult(42);
    }

    [Fact]
    public void DefaultBackoff_DoublesUpToItsLongestWait_AndStaysWithinAboutThreeSeconds()
    {
        var delays = FailoverRetry.Default.Delays;

        Assert.Equal([100, 200, 400, 400, 400, 400, 400, 400], delays.Select(d => (int)d.TotalMilliseconds));
        Assert.True(delays.Sum(d => d.TotalSeconds) <= 3);
    }

    [Fact]
    public async Task Read_LostSiloFewerTimesThanTheRetries_Answers()
    {
        var call = new Flaky(new SiloUnavailableException("gone"), failures: 3);

        Assert.Equal(42, await ThreeQuickRetries.Read(call.Call));
        Assert.Equal(4, call.Calls);
    }

    [Fact]
    public async Task Read_LostSiloLongerThanTheRetries_FailsWithTheLastFailure()
    {
        var call = new Flaky(new SiloUnavailableException("gone"), failures: 10);

        await Assert.ThrowsAsync<SiloUnavailableException>(() => ThreeQuickRetries.Read(call.Call));
        Assert.Equal(4, call.Calls);
    }

    [Fact]
    public async Task Read_FailureOfAnotherKind_IsNotRetried()
    {
        var call = new Flaky(new InvalidOperationException("a bug"), failures: 1);

        await Assert.ThrowsAsync<InvalidOperationException>(() => ThreeQuickRetries.Read(call.Call));
        Assert.Equal(1, call.Calls);
    }

    [Fact]
    public async Task Write_RejectedBeforeAnyGrainRanIt_IsRetried()
    {
        var call = new Flaky(new GatewayTooBusyException("the gateway refused the message"), failures: 2);

        Assert.Equal(42, await ThreeQuickRetries.Write(call.Call));
        Assert.Equal(3, call.Calls);
    }

    [Theory]
    [InlineData("lost")]
    [InlineData("timeout")]
    public async Task Write_ThatMayHaveBeenApplied_IsNotRetried(string how)
    {
        // The grain may have stored the write before its silo died or before the answer was late: sending it again
        // could apply it twice (a second create, a second status change).
        Exception failure = how == "lost" ? new SiloUnavailableException("gone") : new TimeoutException("no answer");
        var call = new Flaky(failure, failures: 1);

        await Assert.ThrowsAsync(failure.GetType(), () => ThreeQuickRetries.Write(call.Call));
        Assert.Equal(1, call.Calls);
    }

    [Fact]
    public async Task Read_CancelledWhileWaitingToRetry_StopsWaiting()
    {
        var slow = new FailoverRetry([TimeSpan.FromMinutes(5)]);
        using var cancel = new CancellationTokenSource();
        var call = new Flaky(new SiloUnavailableException("gone"), failures: 10);

        var reading = slow.Read(call.Call, cancel.Token);
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => reading.WaitAsync(TimeSpan.FromSeconds(10)));
    }
}
