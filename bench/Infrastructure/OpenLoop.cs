using System.Diagnostics;

namespace OrleansOrchestrator.Bench.Infrastructure;

/// <summary>
/// Load at a fixed rate: the n-th call is issued at n/rate seconds whether or not earlier ones have answered
/// (an open loop, so a slow server meets the load it would meet from independent clients), until stopped;
/// then waits for the calls still in flight.
/// </summary>
public static class OpenLoop
{
    public static async Task Run(int rate, Func<long, Task> call, CancellationToken stop)
    {
        var inFlight = new List<Task>();
        var clock = Stopwatch.StartNew();
        for (long n = 0; !stop.IsCancellationRequested; n++)
        {
            var due = TimeSpan.FromSeconds((double)n / rate);
            if (due > clock.Elapsed)
            {
                try { await Task.Delay(due - clock.Elapsed, stop); }
                catch (OperationCanceledException) { break; }
            }
            var sequence = n;
            inFlight.Add(Task.Run(() => call(sequence)));
            if (inFlight.Count > 1000) inFlight.RemoveAll(t => t.IsCompleted);
        }
        await Task.WhenAll(inFlight);
    }
}
