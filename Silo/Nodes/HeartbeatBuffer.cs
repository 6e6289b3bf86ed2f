using System.Collections.Concurrent;
using OrleansOrchestrator.Silo.Controllers.NodeLifecycle;

namespace OrleansOrchestrator.Silo.Nodes;

/// <summary>
/// This silo's heartbeats not yet handed to the node lifecycle loop: the node grains living here record each agent's
/// heartbeat in memory, and <see cref="HeartbeatFlusher"/> sends them in one batch every
/// <see cref="HeartbeatFlusher.Interval"/>. So 5,000 nodes heartbeating every 10 s cost one grain call per silo every
/// two seconds, not 500 a second, and the loop's durable ledger is written once per sweep, not once per heartbeat.
/// Losing this silo loses at most one interval of heartbeats: the ledger is that much staler, never wrong.
/// </summary>
public sealed class HeartbeatBuffer
{
    private readonly ConcurrentDictionary<string, DateTimeOffset> _pending = new(StringComparer.Ordinal);

    public void Record(string node, DateTimeOffset at) =>
        _pending.AddOrUpdate(node, at, (_, before) => before > at ? before : at);

    /// <summary>Takes every pending heartbeat (the latest per node) out of the buffer.</summary>
    public Dictionary<string, DateTimeOffset> Drain()
    {
        var batch = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        foreach (var node in _pending.Keys)
            if (_pending.TryRemove(node, out var at)) batch[node] = at;
        return batch;
    }
}

/// <summary>Hands the buffered heartbeats to the node lifecycle loop; a batch that fails goes back into the buffer.</summary>
public sealed partial class HeartbeatFlusher(IGrainFactory grains, HeartbeatBuffer buffer, ILogger<HeartbeatFlusher> logger) : BackgroundService
{
    /// <summary>How stale the loop's view of a live node may be: well within the grace period and the agents' 10 s heartbeat.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(2);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            await Task.Delay(Interval, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            await Flush();
        }
    }

    public async Task Flush()
    {
        var batch = buffer.Drain();
        if (batch.Count == 0) return;
        try
        {
            await grains.GetGrain<INodeLifecycle>(NodeLifecycleGrain.Key).RecordHeartbeats(batch);
        }
        catch (Exception e)
        {
            foreach (var (node, at) in batch) buffer.Record(node, at);
            LogFlushFailed(logger, e, batch.Count);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not hand {Count} node heartbeats to the node lifecycle loop; retrying")]
    private static partial void LogFlushFailed(ILogger logger, Exception exception, int count);
}

public static class NodeHeartbeatServices
{
    /// <summary>The heartbeat buffer and its flusher: a silo whose node grains should feed the node lifecycle loop.</summary>
    public static IServiceCollection AddNodeHeartbeats(this IServiceCollection services)
    {
        services.AddSingleton<HeartbeatBuffer>();
        services.AddHostedService<HeartbeatFlusher>();
        return services;
    }
}
