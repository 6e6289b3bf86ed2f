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

    // All observable: each reading asks them for their values now (Orleans reports activations per grain type).
    private static readonly string[] Read = ["orleans-catalog-activations", NodeLifecycleMetrics.Timers.Name, NodeLifecycleMetrics.Sweeps.Name];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var values = new long[Read.Length];
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (Read.Contains(instrument.Name)) l.EnableMeasurementEvents(instrument);
        };
        // Called on this thread, inside RecordObservableInstruments.
        listener.SetMeasurementEventCallback<int>((instrument, value, _, _) => values[Array.IndexOf(Read, instrument.Name)] += value);
        listener.SetMeasurementEventCallback<long>((instrument, value, _, _) => values[Array.IndexOf(Read, instrument.Name)] += value);
        listener.Start();

        using var timer = new PeriodicTimer(interval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            Array.Clear(values);
            listener.RecordObservableInstruments();
            Console.WriteLine($"{LinePrefix} {string.Join(' ', Read.Select((name, i) => $"{name}={values[i].ToString(CultureInfo.InvariantCulture)}"))}");
        }
    }
}
