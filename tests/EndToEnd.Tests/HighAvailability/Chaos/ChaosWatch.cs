using System.Globalization;
using System.Text.Json.Nodes;

namespace OrleansOrchestrator.Chaos;

/// <summary>One event a watch delivered (BOOKMARKs included: they only move the version on).</summary>
public sealed record WatchEvent(string Type, string Name, long Seq, long ResourceVersion);

/// <summary>One list and the watch started from its version, until an ERROR, a closed stream or the end of the run.</summary>
public sealed class WatchSegment(int silo, long listVersion, IReadOnlyDictionary<string, (long Seq, long ResourceVersion)> listed)
{
    public int Silo { get; } = silo;
    public long ListVersion { get; } = listVersion;
    public IReadOnlyDictionary<string, (long Seq, long ResourceVersion)> Listed { get; } = listed;
    public List<WatchEvent> Events { get; } = [];
    public string End { get; set; } = "running";
}

/// <summary>
/// An informer's loop over one namespace's ConfigMaps, on one silo's API (the next silo's while that one is down):
/// list, watch from the list's version, apply each event to its cache; on an ERROR event or a closed stream, list
/// again. Every event is kept, by segment, for <see cref="WatchCheck"/>.
/// </summary>
public sealed class ChaosWatch(ChaosApi api, ChaosFindings findings, string ns, int home)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, (long Seq, long ResourceVersion)> _cache = [];
    private readonly List<WatchSegment> _segments = [];

    public int Home => home;

    public IReadOnlyList<WatchSegment> Segments { get { lock (_gate) return [.. _segments]; } }

    public Dictionary<string, (long Seq, long ResourceVersion)> Cache() { lock (_gate) return new(_cache); }

    public DateTime LastEventAt { get; private set; }

    public async Task Run(CancellationToken stop)
    {
        var silo = home;
        while (!stop.IsCancellationRequested)
        {
            (long Version, Dictionary<string, (long Seq, long ResourceVersion)> Items)? list;
            try { list = await List(api, ns, silo, stop); }
            catch (OperationCanceledException) when (stop.IsCancellationRequested) { break; }
            if (list is null) { silo++; continue; }
            if (list.Value.Version == 0)
                findings.Add("list version 0", $"a list of {ns}'s ConfigMaps on silo {silo % api.Silos} said version 0 with {list.Value.Items.Count} items");
            var segment = new WatchSegment(silo % api.Silos, list.Value.Version, list.Value.Items);
            lock (_gate)
            {
                _segments.Add(segment);
                _cache.Clear();
                foreach (var (name, state) in list.Value.Items) _cache[name] = state;
            }
            segment.End = await Follow(segment, stop);
            if (stop.IsCancellationRequested) break;
            Interlocked.Increment(ref findings.Relists);
            // The home silo is tried first again: informers behind a load balancer reconnect to whichever answers.
            if (segment.End.StartsWith("refused", StringComparison.Ordinal)) silo++;
            else silo = home;
        }
    }

    /// <summary>A list of the namespace's ConfigMaps through the API (any silo), as name → (seq, version), and its version.</summary>
    public static async Task<(long Version, Dictionary<string, (long Seq, long ResourceVersion)> Items)?> List(ChaosApi api, string ns, int? silo, CancellationToken cancel)
    {
        var answer = await api.Get($"/api/v1/namespaces/{ns}/configmaps", silo, cancel);
        if (!answer.Ok || answer.Body is null) return null;
        var items = new Dictionary<string, (long, long)>();
        foreach (var item in answer.Body["items"]!.AsArray())
            items[item!["metadata"]!["name"]!.GetValue<string>()] = (SeqOf(item), VersionOf(item));
        return (long.Parse(answer.Body["metadata"]!["resourceVersion"]!.GetValue<string>(), CultureInfo.InvariantCulture), items);
    }

    private async Task<string> Follow(WatchSegment segment, CancellationToken stop)
    {
        var path = $"/api/v1/namespaces/{ns}/configmaps?watch=true&allowWatchBookmarks=true&resourceVersion={segment.ListVersion}";
        try
        {
            using var response = await api.Of(segment.Silo).GetAsync(path, HttpCompletionOption.ResponseHeadersRead, stop);
            if (!response.IsSuccessStatusCode)
            {
                var text = await response.Content.ReadAsStringAsync(stop);
                if ((int)response.StatusCode >= 500 && (int)response.StatusCode != 503)
                    findings.Add($"{(int)response.StatusCode} from the API", $"watch {path} → {ChaosApi.Bounded(text)}");
                return $"answered {(int)response.StatusCode}";
            }
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(stop));
            while (await reader.ReadLineAsync(stop) is { } line)
            {
                if (line.Length == 0) continue;
                var e = JsonNode.Parse(line)!;
                var type = e["type"]!.GetValue<string>();
                var obj = e["object"]!;
                if (type == "ERROR")
                {
                    // An ERROR tells the client to relist, which is allowed; but a 500 in it is as unactionable as a 500 answer.
                    if (obj["code"]?.GetValue<int>() is >= 500 and not 503)
                        findings.Add("watch ERROR event with a 500", $"{path} on silo {segment.Silo} → {ChaosApi.Bounded(obj.ToJsonString())}");
                    return $"ERROR {obj["code"]} {obj["reason"]}";
                }
                var watchEvent = new WatchEvent(type, type == "BOOKMARK" ? "" : obj["metadata"]!["name"]!.GetValue<string>(), type == "BOOKMARK" ? 0 : SeqOf(obj), VersionOf(obj));
                lock (_gate)
                {
                    segment.Events.Add(watchEvent);
                    if (type is "ADDED" or "MODIFIED") _cache[watchEvent.Name] = (watchEvent.Seq, watchEvent.ResourceVersion);
                    else if (type == "DELETED") _cache.Remove(watchEvent.Name);
                }
                if (type != "BOOKMARK") LastEventAt = DateTime.UtcNow;
            }
            return "closed";
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            return "stopped";
        }
        catch (Exception e) when (e is HttpRequestException or IOException)
        {
            return $"refused or broken: {e.GetType().Name}";
        }
    }

    private static long SeqOf(JsonNode obj) =>
        long.TryParse(obj["data"]?["seq"]?.GetValue<string>(), NumberStyles.None, CultureInfo.InvariantCulture, out var seq) ? seq : 0;

    private static long VersionOf(JsonNode obj) =>
        long.TryParse(obj["metadata"]?["resourceVersion"]?.GetValue<string>(), NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : -1;
}

/// <summary>
/// Whether a watch saw every change in order. Versions are per collection and a collection's watch delivers its changes
/// in version order, so within one segment (a list and the watch from its version) versions rise strictly, and every
/// acknowledged write with a version after the list's and up to the last one the segment delivered must have been
/// delivered: a later event without it means it was skipped. A segment that ended with an ERROR or a close told its
/// client to relist, which is allowed; whether the watch went silent is checked by comparing its cache with a fresh list.
/// </summary>
public static class WatchCheck
{
    public static IEnumerable<string> Violations(int watch, IReadOnlyList<WatchSegment> segments, IReadOnlyCollection<AcknowledgedWrite> acknowledged)
    {
        for (var s = 0; s < segments.Count; s++)
        {
            var segment = segments[s];
            var previous = segment.ListVersion;
            foreach (var e in segment.Events)
            {
                if (e.ResourceVersion < 0)
                    yield return $"watch {watch} segment {s}: {e.Type} {e.Name} without a numeric resourceVersion";
                else if (e.Type != "BOOKMARK" ? e.ResourceVersion <= previous : e.ResourceVersion < previous)
                    yield return $"watch {watch} segment {s} (silo {segment.Silo}): {e.Type} {e.Name} at version {e.ResourceVersion} after version {previous}";
                previous = Math.Max(previous, e.ResourceVersion);
            }
            var delivered = segment.Events.Where(e => e.Type != "BOOKMARK").Select(e => (e.Name, e.ResourceVersion)).ToHashSet();
            var missed = acknowledged.Where(w => w.ResourceVersion > segment.ListVersion && w.ResourceVersion <= previous && !delivered.Contains((w.Name, w.ResourceVersion))).ToList();
            if (missed.Count > 0)
                yield return $"watch {watch} segment {s} (silo {segment.Silo}, from version {segment.ListVersion} to {previous}, ended '{segment.End}'): " +
                             $"{missed.Count} acknowledged writes never delivered, e.g. {string.Join(", ", missed.Take(3).Select(w => $"{w.Name}@{w.ResourceVersion}"))}";
        }
    }
}
