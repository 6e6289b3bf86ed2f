using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;
using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Silo.Controllers;
using OrleansOrchestrator.Silo.Controllers.NodeLifecycle;
using OrleansOrchestrator.Silo.Storage;

namespace OrleansOrchestrator.Silo.Tests.Controllers.NodeLifecycle;

/// <summary>
/// The node lifecycle loop in an in-process silo: <see cref="ControllerSweep"/> calls <c>Start</c> every half
/// minute for as long as the silo runs, and that must not add a sweep each time.
/// </summary>
[Collection(Collection)]
public sealed class NodeLifecycleGrainTests : IDisposable
{
    /// <summary>The loop's metrics are the process's: no other test's loop may sweep while these count.</summary>
    public const string Collection = "node lifecycle loops";

    private readonly MeterListener _listener = new();
    private long _timers;
    private long _sweeps;

    public NodeLifecycleGrainTests()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == NodeLifecycleMetrics.MeterName) listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<int>((_, value, _, _) => _timers = value);
        _listener.SetMeasurementEventCallback<long>((_, value, _, _) => _sweeps = value);
        _listener.Start();
    }

    /// <summary>Sweep timers alive in this process now.</summary>
    private long Timers()
    {
        _listener.RecordObservableInstruments();
        return _timers;
    }

    /// <summary>Sweeps run in this process so far.</summary>
    private long Sweeps()
    {
        _listener.RecordObservableInstruments();
        return _sweeps;
    }

    [Fact]
    public async Task Start_CalledRepeatedly_KeepsOneSweepTimer_AndRevivesAfterDeactivation()
    {
        await using var cluster = await StartCluster(TimeSpan.FromHours(1));
        var loop = cluster.Client.GetGrain<INodeLifecycle>("cluster");

        var before = Timers();

        for (var i = 0; i < 5; i++) await loop.Start();
        Assert.Equal(before + 1, Timers());

        await cluster.DeactivateAsync(loop);
        await cluster.WaitForDeactivationAsync(loop);
        Assert.Equal(before, Timers());

        await loop.Start();
        Assert.Equal(before + 1, Timers());
    }

    [Fact]
    public async Task Start_CalledRepeatedly_SweepsOncePerPeriod()
    {
        var period = TimeSpan.FromMilliseconds(500);
        await using var cluster = await StartCluster(period);
        var loop = cluster.Client.GetGrain<INodeLifecycle>("cluster");

        var before = Sweeps();
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < 5; i++) await loop.Start();
        await Eventually.True(() => Sweeps() >= before + 5, "five sweeps");

        // One timer: the fifth sweep comes five periods after the start, at the earliest. A timer per Start
        // call would run five sweeps after one period.
        Assert.True(clock.Elapsed >= period * 4, $"five sweeps after {clock.Elapsed.TotalMilliseconds:F0} ms: more than one sweep per {period.TotalMilliseconds:F0} ms");
    }

    private static async Task<InProcessTestCluster> StartCluster(TimeSpan sweep)
    {
        var builder = new InProcessTestClusterBuilder(1);
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddMemoryGrainStorage(StorageNames.Store);
            silo.Services.AddSingleton(new ControllerOptions { ClusterSweep = sweep });
            silo.Services.AddSingleton(TimeProvider.System);
            silo.Services.AddSingleton<IStoredObjectReader, EmptyStore>();
        });
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return cluster;
    }

    public void Dispose() => _listener.Dispose();

    /// <summary>A store with no nodes: each sweep lists them and has nothing to do.</summary>
    private sealed class EmptyStore : IStoredObjectReader
    {
        public Task<IReadOnlyList<KubeObject>> ReadCollection(string collectionKey, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<KubeObject>>([]);

        public Task<KubeObject?> ReadObject(string objectKey, CancellationToken cancellationToken) => Task.FromResult<KubeObject?>(null);
    }
}
