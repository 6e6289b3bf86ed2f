using OrleansOrchestrator.Silo.Controllers;

namespace OrleansOrchestrator.Silo.Tests.Controllers;

public class SlowStartTests
{
    [Theory]
    [InlineData(0, new int[0])]
    [InlineData(1, new[] { 1 })]
    [InlineData(7, new[] { 1, 2, 4 })]
    [InlineData(100, new[] { 1, 2, 4, 8, 16, 32, 37 })]
    public void Batches_DoubleFromOne_LastTakesWhatRemains(int count, int[] expected) =>
        Assert.Equal(expected, SlowStart.Batches(count));

    [Fact]
    public async Task Run_AllSucceed_RunsEachOnce()
    {
        var seen = new System.Collections.Concurrent.ConcurrentBag<int>();
        var done = await SlowStart.Run(20, i => { seen.Add(i); return Task.FromResult(true); });

        Assert.Equal(20, done);
        Assert.Equal(Enumerable.Range(0, 20), seen.Order());
    }

    [Fact]
    public async Task Run_AFailureStopsTheLaterBatches()
    {
        var calls = 0;
        // Batches 1, 2, 4, …: index 4 is in the third batch (indexes 3..6), which completes; nothing after it runs.
        var done = await SlowStart.Run(100, i => { Interlocked.Increment(ref calls); return Task.FromResult(i != 4); });

        Assert.Equal(7, calls);
        Assert.Equal(6, done);
    }
}
