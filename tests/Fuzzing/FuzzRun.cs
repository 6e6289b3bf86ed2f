using System.Text.Json.Nodes;

namespace OrleansOrchestrator.Fuzzing;

/// <summary>
/// The fuzz loop shared by the test suite and <c>bench fuzz</c>: prepares the fuzz and sentinel namespaces,
/// sends generated requests (one after another, or several at once), judges each answer, and between requests
/// checks that the silo is alive and that the sentinel namespace is exactly as it was.
/// </summary>
public sealed class FuzzRun(FuzzGenerator generator, FuzzTarget target)
{
    /// <summary>Requests between two checks of the silo's health and the sentinel namespace.</summary>
    public int CheckEvery { get; init; } = 25;

    /// <summary>How long reading the sentinel namespace may take (a dozen lists) before the silo counts as stalled.</summary>
    private static readonly TimeSpan SnapshotLimit = TimeSpan.FromSeconds(30);

    private readonly FuzzOracle _oracle = new(target);
    private readonly Sentinel _sentinel = new(generator.Scope, target.Admin);
    private readonly SemaphoreSlim _checking = new(1, 1);
    private readonly List<FuzzRequest> _acceptedWrites = new();
    private readonly Lock _indexLock = new();
    private readonly Queue<FuzzRequest> _recent = new();
    private string _sentinelState = "";

    /// <summary>The index after the last request sent: where a run against a fresh silo continues the sequence.</summary>
    public long NextIndex { get; private set; }

    /// <summary>Creates the sentinel namespace and a first object of every kind in the fuzz namespace.</summary>
    public async Task Prepare(CancellationToken cancellationToken = default)
    {
        var scope = generator.Scope;
        await _sentinel.Create(cancellationToken);
        using (var content = new StringContent(FuzzJson.Write(new JsonObject { ["metadata"] = new JsonObject { ["name"] = scope.Namespace } }), System.Text.Encoding.UTF8, "application/json"))
            (await target.Admin.PostAsync("/api/v1/namespaces", content, cancellationToken)).Dispose();
        foreach (var kind in scope.Kinds)
            foreach (var name in scope.Names.Take(2))
            {
                using var content = new StringContent(FuzzJson.Write(RealisticManifests.For(kind, name)), System.Text.Encoding.UTF8, "application/json");
                (await target.Admin.PostAsync(scope.CollectionPath(kind), content, cancellationToken)).Dispose();
            }
        _sentinelState = await _sentinel.Snapshot(cancellationToken);
    }

    /// <summary>
    /// Sends requests <paramref name="firstIndex"/>, <paramref name="firstIndex"/>+1, … of <paramref name="seed"/>
    /// until <paramref name="count"/> are sent, <paramref name="until"/> passes, or the silo process is gone.
    /// </summary>
    public async Task<FuzzReport> Run(int seed, long firstIndex, long? count, DateTimeOffset? until, int concurrency, FuzzReport? report = null,
        CancellationToken cancellationToken = default)
    {
        report ??= new FuzzReport();
        var next = firstIndex;
        NextIndex = firstIndex;
        var done = 0L;
        var stop = false;
        // A connection refused is a silo on its way out more often than not: give the process a moment to be seen gone.
        async Task<bool> Exited()
        {
            // A process writing out a stack overflow's trace or a 3 GB heap can take seconds to go.
            try
            {
                await target.ProcessExit.WaitAsync(TimeSpan.FromSeconds(15), cancellationToken);
                return true;
            }
            catch (TimeoutException)
            {
                return false;
            }
        }
        async Task Worker()
        {
            while (!stop && !cancellationToken.IsCancellationRequested)
            {
                var index = Interlocked.Increment(ref next) - 1;
                if (count is { } c && index >= firstIndex + c) return;
                if (until is { } u && DateTimeOffset.UtcNow >= u) return;
                lock (_indexLock) NextIndex = Math.Max(NextIndex, index + 1);
                var request = generator.Request(seed, index);
                lock (_recent)
                {
                    _recent.Enqueue(request);
                    while (_recent.Count > 4 + 2 * Math.Max(1, concurrency)) _recent.Dequeue();
                }
                var (outcome, violation) = await _oracle.Send(request);
                report.Record(outcome);
                if (outcome.Code is >= 200 and < 300 && request.IsWrite)
                    lock (_acceptedWrites) _acceptedWrites.Add(request);
                if (violation is not null)
                {
                    if (outcome.Code == 0 && await Exited())
                    {
                        // The request may be the cause or a bystander: report the requests in flight with it, once.
                        if (!Interlocked.Exchange(ref stop, true))
                            report.Add(new FuzzViolation("the silo process exited", request, $"{outcome.Describe()}\n  other requests sent just before:\n{Recent(request)}"));
                        report.SiloExited = true;
                        return;
                    }
                    report.Add(violation);
                }
                if (Interlocked.Increment(ref done) % CheckEvery == 0 && !await Check(report, cancellationToken)) stop = true;
            }
        }
        await Task.WhenAll(Enumerable.Range(0, Math.Max(1, concurrency)).Select(_ => Task.Run(Worker, cancellationToken)));
        if (!report.SiloExited) await Check(report, cancellationToken);
        return report;
    }

    /// <summary>The checks between requests; false when the silo is gone and the run must stop.</summary>
    private async Task<bool> Check(FuzzReport report, CancellationToken cancellationToken)
    {
        await _checking.WaitAsync(cancellationToken);
        try
        {
            if (!target.ProcessAlive)
            {
                report.Add(new FuzzViolation("the silo process exited", null, RecentWrites()));
                report.SiloExited = true;
                return false;
            }
            var health = await _oracle.Send(new FuzzRequest(0, -1, FuzzCaller.Admin, "GET", "/healthz", null, null, "health probe", "valid"));
            if (health.Outcome.Code != 200)
            {
                report.Add(new FuzzViolation("the silo does not answer /healthz", null, health.Outcome.Describe()));
                return true;
            }
            string now;
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            limit.CancelAfter(SnapshotLimit);
            try
            {
                now = await _sentinel.Snapshot(limit.Token);
            }
            catch (Exception e) when (e is HttpRequestException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
            {
                // The silo went, or stalls, between the probe and the snapshot: the next check (or request) finds out more.
                report.Add(new FuzzViolation("the sentinel namespace could not be read", null, $"  {e.GetType().Name}: {e.Message}"));
                return target.ProcessAlive;
            }
            if (now != _sentinelState)
            {
                report.Add(new FuzzViolation("the sentinel namespace changed", null,
                    $"  first difference: {FirstDifference(_sentinelState, now)}\n  writes accepted since the last check:\n{RecentWrites()}"));
                _sentinelState = now;
            }
            lock (_acceptedWrites) _acceptedWrites.Clear();
            return true;
        }
        finally
        {
            _checking.Release();
        }
    }

    private string Recent(FuzzRequest except)
    {
        lock (_recent)
            return _recent.Count <= 1 ? "    (none)" : string.Join("\n", _recent.Where(r => r != except).Select(r => r.Describe(200)));
    }

    private string RecentWrites()
    {
        lock (_acceptedWrites)
            return _acceptedWrites.Count == 0 ? "    (none)" : string.Join("\n", _acceptedWrites.TakeLast(10).Select(r => r.Describe(200)));
    }

    private static string FirstDifference(string before, string after)
    {
        var a = before.Split('\n');
        var b = after.Split('\n');
        for (var i = 0; i < Math.Max(a.Length, b.Length); i++)
        {
            var x = i < a.Length ? a[i] : "(nothing)";
            var y = i < b.Length ? b[i] : "(nothing)";
            if (x != y) return $"\n    before: {Clip(x)}\n    after:  {Clip(y)}";
        }
        return "(none)";
    }

    private static string Clip(string line) => line.Length <= 800 ? line : line[..800] + "…";
}
