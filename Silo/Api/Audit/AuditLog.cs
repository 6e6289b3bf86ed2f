using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Threading.Channels;

namespace OrleansOrchestrator.Silo.Api.Audit;

/// <summary>Where the audit log goes (<c>--audit-log-path</c>, <c>-</c> for standard output) and when it rotates.</summary>
public sealed record AuditLogOptions(string Path, int MaxSizeMegabytes = AuditLogOptions.DefaultMaxSizeMegabytes, int MaxBackups = AuditLogOptions.DefaultMaxBackups)
{
    public const int DefaultMaxSizeMegabytes = 100;
    public const int DefaultMaxBackups = 10;
    public const string StandardOutput = "-";
}

/// <summary>
/// The audit log: requests hand their event to a bounded queue and go on; one background writer appends the events
/// as JSON lines (rotating by size) and keeps the newest <see cref="RecentPerTenant"/> of each tenant in memory for
/// the dashboard's audit page, so that page never re-reads the file. When the queue is full (the disk cannot keep
/// up) an event is dropped rather than a request slowed, as Kubernetes' batching audit backend does: each drop is
/// counted (<c>orleans_orchestrator_audit_events_dropped</c>) and reported in the silo's log. Disposing drains the
/// queue and flushes the file; the host disposes it after the server has stopped taking requests.
/// </summary>
public sealed partial class AuditLog : IAsyncDisposable
{
    public const int QueueCapacity = 10_000;
    public const int RecentPerTenant = 200;

    private static readonly Meter Meter = new("OrleansOrchestrator.Audit");
    private static readonly Counter<long> Dropped = Meter.CreateCounter<long>("orleans_orchestrator_audit_events_dropped", description: "Audit events dropped because the writer's queue was full");
    private static readonly Counter<long> Failed = Meter.CreateCounter<long>("orleans_orchestrator_audit_events_failed", description: "Audit events the writer could not encode or keep");

    private readonly Channel<AuditEvent> _queue = Channel.CreateBounded<AuditEvent>(new BoundedChannelOptions(QueueCapacity)
    {
        SingleReader = true,
        FullMode = BoundedChannelFullMode.Wait, // with TryWrite: a full queue refuses at once, nothing waits
    });
    private readonly ConcurrentDictionary<string, RecentEvents> _recent = new(StringComparer.Ordinal);
    private readonly RotatingFile? _file;
    private readonly ILogger _logger;
    private readonly Task _writer;
    private long _dropped;
    private long _failed;
    private volatile bool _closed;

    public AuditLog(AuditLogOptions options, TimeProvider clock, ILogger<AuditLog> logger)
    {
        _logger = logger;
        if (options.Path != AuditLogOptions.StandardOutput)
        {
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(options.Path))!);
            _file = new RotatingFile(options.Path, options.MaxSizeMegabytes * 1024L * 1024L, options.MaxBackups, clock);
        }
        _writer = Task.Run(Write);
    }

    /// <summary>Where the log is written; null for standard output.</summary>
    public string? FilePath => _file?.Path;

    /// <summary>How many events the full queue refused since start.</summary>
    public long DroppedCount => Interlocked.Read(ref _dropped);

    /// <summary>How many events could not be written for a fault of their own (not of the disk) since start.</summary>
    public long FailedCount => Interlocked.Read(ref _failed);

    /// <summary>Queues an event; never waits.</summary>
    public void Record(AuditEvent e)
    {
        if (_queue.Writer.TryWrite(e) || _closed) return;
        Dropped.Add(1);
        // The first drop and then every thousandth: a disk that cannot keep up must not also flood the silo's log.
        if (Interlocked.Increment(ref _dropped) % 1000 == 1) LogDropped(_logger, DroppedCount, QueueCapacity);
    }

    /// <summary>The tenant's newest events, newest first, at most <paramref name="limit"/>.</summary>
    public IReadOnlyList<AuditEvent> Recent(string tenant, int limit) =>
        _recent.TryGetValue(tenant, out var ring) ? ring.Newest(Math.Clamp(limit, 0, RecentPerTenant)) : [];

    private async Task Write()
    {
        var reader = _queue.Reader;
        while (await reader.WaitToReadAsync())
        {
            while (reader.TryRead(out var queued))
            {
                // One writer serves every request: whatever one event does wrong (an IO error, a string the encoder
                // refuses) costs that event only, never the log of every later request.
                try
                {
                    var e = queued.Bounded();
                    if (e.Tenant is not null) _recent.GetOrAdd(e.Tenant, _ => new RecentEvents(RecentPerTenant)).Add(e);
                    if (_file is null) Console.Out.WriteLine(e.ToJsonLine());
                    else _file.WriteLine(e.ToJsonLine());
                }
                catch (Exception failure) when (failure is IOException or UnauthorizedAccessException)
                {
                    LogWriteFailed(_logger, failure, _file?.Path ?? "stdout");
                }
                catch (Exception failure)
                {
                    Failed.Add(1);
                    if (Interlocked.Increment(ref _failed) % 1000 == 1) LogEventFailed(_logger, failure, queued.AuditId, FailedCount);
                }
            }
            // Flushed whenever the queue runs dry: a burst is written in one go, a quiet silo's log is current.
            try
            {
                _file?.Flush();
            }
            catch (Exception failure) when (failure is IOException or UnauthorizedAccessException)
            {
                LogWriteFailed(_logger, failure, _file?.Path ?? "stdout");
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _closed = true;
        _queue.Writer.TryComplete();
        await _writer.WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _file?.Dispose();
    }

    /// <summary>A fixed number of a tenant's newest events, the oldest overwritten.</summary>
    private sealed class RecentEvents(int capacity)
    {
        private readonly AuditEvent[] _ring = new AuditEvent[capacity];
        private int _next;
        private int _count;

        public void Add(AuditEvent e)
        {
            lock (_ring)
            {
                _ring[_next] = e;
                _next = (_next + 1) % _ring.Length;
                _count = Math.Min(_count + 1, _ring.Length);
            }
        }

        public IReadOnlyList<AuditEvent> Newest(int limit)
        {
            lock (_ring)
            {
                var result = new List<AuditEvent>(Math.Min(limit, _count));
                for (var i = 1; i <= Math.Min(limit, _count); i++)
                    result.Add(_ring[(_next - i + _ring.Length) % _ring.Length]);
                return result;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Audit log queue full ({Capacity} events): {Count} event(s) dropped so far")]
    private static partial void LogDropped(ILogger logger, long count, int capacity);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not write audit event {AuditId} ({Count} event(s) failed so far); the log goes on with the next")]
    private static partial void LogEventFailed(ILogger logger, Exception exception, string auditId, long count);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not write the audit log {Path}")]
    private static partial void LogWriteFailed(ILogger logger, Exception exception, string path);
}
