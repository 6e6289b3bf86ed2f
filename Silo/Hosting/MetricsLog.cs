using System.Diagnostics.Metrics;
using System.Globalization;
using OrleansOrchestrator.Silo.Controllers.NodeLifecycle;

namespace OrleansOrchestrator.Silo.Hosting;

/// <summary>
/// With <c>--metrics-interval S</c>: every S seconds one line on standard output with gauges only the silo
/// itself can read — Orleans' live grain activations, the node lifecycle loop's timers and sweeps — for the
/// soak benchmark, which reads memory and threads from /proc itself. A line, not an endpoint: nothing to
/// secure, and the benchmark already reads the silo's output.
/// </summary>
public sealed class MetricsLog(TimeSpan interval) : BackgroundService
{
    public const string LinePrefix = "metrics:";

    private const string Activations = "orleans-catalog-activations";

    private static readonly string[] Counted = [NodeLifecycleMetrics.Timers.Name, NodeLifecycleMetrics.Sweeps.Name];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Counters add up over the silo's life; the activations gauge is summed afresh at each reading (one
        // observation per grain type).
        var totals = new long[Counted.Length];
        long activations = 0;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Name == Activations || Counted.Contains(instrument.Name)) l.EnableMeasurementEvents(instrument);
        };
        void Record(Instrument instrument, long value)
        {
            if (instrument.Name == Activations) activations += value; // observable: only inside RecordObservableInstruments, on this thread
            else Interlocked.Add(ref totals[Array.IndexOf(Counted, instrument.Name)], value);
        }
        listener.SetMeasurementEventCallback<int>((instrument, value, _, _) => Record(instrument, value));
        listener.SetMeasurementEventCallback<long>((instrument, value, _, _) => Record(instrument, value));
        listener.Start();

        using var timer = new PeriodicTimer(interval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            activations = 0;
            listener.RecordObservableInstruments();
            var counted = string.Join(' ', Counted.Select((name, i) => $"{name}={Interlocked.Read(ref totals[i]).ToString(CultureInfo.InvariantCulture)}"));
            Console.WriteLine($"{LinePrefix} {Activations}={activations.ToString(CultureInfo.InvariantCulture)} {counted}");
        }
    }
}
