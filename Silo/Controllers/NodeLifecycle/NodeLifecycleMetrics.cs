using System.Diagnostics.Metrics;

namespace OrleansOrchestrator.Silo.Controllers.NodeLifecycle;

/// <summary>
/// The node lifecycle loop's instruments: the loop must hold one sweep timer however often it is started,
/// and sweep once per <see cref="ControllerOptions.ClusterSweep"/>. A test and the soak benchmark read them.
/// </summary>
public static class NodeLifecycleMetrics
{
    public const string MeterName = "OrleansOrchestrator.Silo";

    private static readonly Meter Meter = new(MeterName);

    /// <summary>Sweep timers alive (one while the loop runs).</summary>
    public static readonly UpDownCounter<int> Timers = Meter.CreateUpDownCounter<int>("oo-node-lifecycle-timers", description: "Node lifecycle sweep timers alive");

    /// <summary>Sweeps run since the silo started.</summary>
    public static readonly Counter<long> Sweeps = Meter.CreateCounter<long>("oo-node-lifecycle-sweeps", description: "Node lifecycle sweeps run");
}
