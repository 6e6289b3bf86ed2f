using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json.Nodes;

namespace OrleansOrchestrator.Chaos;

/// <summary>An acknowledged (2xx) write of a ConfigMap: the content it wrote (<c>data.seq</c>) and the version it was given.</summary>
public sealed record AcknowledgedWrite(string Name, long Seq, long ResourceVersion, DateTime At);

/// <summary>
/// Creates and updates ConfigMaps at a target rate with bounded concurrency, recording every acknowledged write.
/// Each writer owns its own names (name index modulo writers), so its writes never race each other and the last
/// acknowledged one per name is the content the store must hold afterwards (or a later one whose answer was lost).
/// </summary>
public sealed class ChaosWriter(ChaosApi api, ChaosFindings findings, string ns, double perSecond, int concurrency, int names)
{
    private readonly ConcurrentQueue<AcknowledgedWrite> _acknowledged = new();
    private long _seq;
    private long _attempts;

    public IReadOnlyCollection<AcknowledgedWrite> Acknowledged => _acknowledged;

    public long Attempts => Interlocked.Read(ref _attempts);

    /// <summary>Only this silo is written to (the PostgreSQL test); null: round-robin over all.</summary>
    public int? Silo { get; init; }

    public static string NameOf(int index) => $"cm-{index:D4}";

    public async Task Run(CancellationToken stop)
    {
        var start = DateTime.UtcNow;
        long ticket = -1;
        async Task Worker(int worker)
        {
            var created = new HashSet<int>();
            var turn = 0;
            while (!stop.IsCancellationRequested)
            {
                // The rate: write k starts no earlier than k / rate after the start (an open-loop schedule).
                var due = start + TimeSpan.FromSeconds(Interlocked.Increment(ref ticket) / perSecond);
                if (due > DateTime.UtcNow)
                {
                    try { await Task.Delay(due - DateTime.UtcNow, stop); }
                    catch (OperationCanceledException) { return; }
                }
                var mine = (names - worker + concurrency - 1) / concurrency;
                var index = worker + concurrency * (turn++ % mine);
                await WriteOne(index, created.Contains(index), created, stop);
            }
        }
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(Worker));
    }

    private async Task WriteOne(int index, bool exists, HashSet<int> created, CancellationToken stop)
    {
        var name = NameOf(index);
        // A write once sent runs to its answer even when the run stops: only then is it known whether it was acknowledged.
        var seq = Interlocked.Increment(ref _seq);
        Interlocked.Increment(ref _attempts);
        var data = new JsonObject { ["seq"] = seq.ToString(CultureInfo.InvariantCulture) };
        ChaosAnswer answer;
        if (!exists)
        {
            var body = new JsonObject { ["apiVersion"] = "v1", ["kind"] = "ConfigMap", ["metadata"] = new JsonObject { ["name"] = name }, ["data"] = data };
            answer = await api.Send(HttpMethod.Post, $"/api/v1/namespaces/{ns}/configmaps", body.ToJsonString(), preferred: Silo);
            // A create whose answer was lost and that was sent again: the object exists; update it from now on.
            if (answer.Code == 409) { created.Add(index); return; }
        }
        else
        {
            var patch = new JsonObject { ["data"] = data };
            answer = await api.Send(HttpMethod.Patch, $"/api/v1/namespaces/{ns}/configmaps/{name}", patch.ToJsonString(), "application/merge-patch+json",
                preferred: Silo);
        }
        if (answer.Ok)
        {
            created.Add(index);
            var rv = answer.Body?["metadata"]?["resourceVersion"]?.GetValue<string>();
            if (!long.TryParse(rv, NumberStyles.None, CultureInfo.InvariantCulture, out var version))
                findings.Add("acknowledged write without a numeric resourceVersion", $"{name}: {ChaosApi.Bounded(answer.Text)}");
            _acknowledged.Enqueue(new AcknowledgedWrite(name, seq, version, DateTime.UtcNow));
        }
        else if (answer.Code != 0)
        {
            findings.Add($"write refused ({answer.Code})", $"{name} seq {seq}: {ChaosApi.Bounded(answer.Text)}");
        }
    }

    /// <summary>
    /// Every acknowledged write is in <paramref name="listed"/> (name → seq and version of a list after the run) with at
    /// least its content: the same or a later seq, the same or a later version.
    /// </summary>
    public static IEnumerable<string> Lost(IEnumerable<AcknowledgedWrite> acknowledged, IReadOnlyDictionary<string, (long Seq, long ResourceVersion)> listed) =>
        acknowledged.GroupBy(w => w.Name).Select(g => g.MaxBy(w => w.Seq)!).SelectMany(last =>
            !listed.TryGetValue(last.Name, out var now) ? [$"{last.Name}: acknowledged seq {last.Seq} at version {last.ResourceVersion}, missing from the list"]
            : now.Seq < last.Seq || now.ResourceVersion < last.ResourceVersion
                ? [$"{last.Name}: acknowledged seq {last.Seq} at version {last.ResourceVersion}, the list has seq {now.Seq} at {now.ResourceVersion}"]
                : Array.Empty<string>());
}
