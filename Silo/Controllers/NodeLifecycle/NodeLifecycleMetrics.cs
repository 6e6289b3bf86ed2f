using System.Diagnostics.Metrics;

namespace OrleansOrchestrator.Silo.Controllers.NodeLifecycle;

/// <summary>
/// The node lifecycle loop's instruments: the loop must hold one sweep timer however often it is started,
/// and sweep once per <see cref="ControllerOptions.ClusterSweep"/>. Observable, so that a reader that starts
/// listening late (the silo's metrics line starts after the loop) still reads the whole count.
/// </summary>
public static class NodeLifecycleMetrics
{
    public const string MeterName = "OrleansOrchestrator.Silo";

    private static readonly Meter Meter = new(MeterName);

    private static int _timers;
    private static long _sweeps;

    /// <summary>Sweep timers alive (one while the loop runs).</summary>
    public static readonly ObservableGauge<int> Timers =
        Meter.CreateObservableGauge("oo-node-lifecycle-timers", () => Volatile.Read(ref _timers), description: "Node lifecycle sweep timers alive");

    /// <summary>Sweeps run since the silo started.</summary>
    public static readonly ObservableCounter<long> Sweeps =
        Meter.CreateObservableCounter("oo-node-lifecycle-sweeps", () => Interlocked.Read(ref _sweeps), description: "Node lifecycle sweeps run");

    public static void TimerStarted() => Interlocked.Increment(ref _timers);

    public static void TimerStopped() => Interlocked.Decrement(ref _timers);

    public static void Swept() => Interlocked.Increment(ref _sweeps);
}
