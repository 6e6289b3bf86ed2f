using System.Diagnostics;

namespace OrleansOrchestrator.Bench.Infrastructure;

/// <summary>Prints a progress line every second while a step runs, prefixed with the seconds since it began.</summary>
public sealed class Ticker : IDisposable
{
    private readonly Timer _timer;
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    private Ticker(Func<string> line) =>
        _timer = new Timer(_ =>
        {
            string text;
            try { text = line(); }
            catch (Exception e) { text = $"({e.GetType().Name})"; }
            Console.WriteLine($"  {_clock.Elapsed.TotalSeconds,7:F1} s  {text}");
        }, null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));

    public static Ticker Start(Func<string> line) => new(line);

    public void Dispose()
    {
        using var done = new ManualResetEvent(false);
        _timer.Dispose(done);
        done.WaitOne(TimeSpan.FromSeconds(2));
    }
}
