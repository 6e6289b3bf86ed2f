using System.Collections.Concurrent;

namespace OrleansOrchestrator.Chaos;

/// <summary>
/// What went wrong during a run, kept whole for the verdict (a bounded number of texts per kind, every occurrence counted),
/// plus the counters the progress line prints.
/// </summary>
public sealed class ChaosFindings
{
    /// <summary>Texts kept per kind of finding: enough to diagnose, bounded so a storm of failures cannot exhaust memory.</summary>
    public const int MaxExamplesPerKind = 10;

    private readonly ConcurrentDictionary<string, (int Count, ConcurrentQueue<string> Examples)> _byKind = new();

    public long Retried503Or429;
    public long ConnectionRefused;
    public long Relists;

    /// <summary>Records one violation of a check, e.g. <c>("500 from the API", "POST … → …")</c>.</summary>
    public void Add(string kind, string text)
    {
        var entry = _byKind.AddOrUpdate(kind, _ => (1, new ConcurrentQueue<string>([text])), (_, e) =>
        {
            if (e.Examples.Count < MaxExamplesPerKind) e.Examples.Enqueue(text);
            return (e.Count + 1, e.Examples);
        });
        _ = entry;
    }

    public int Count => _byKind.Values.Sum(e => e.Count);

    public bool Any(string kind) => _byKind.ContainsKey(kind);

    public IReadOnlyDictionary<string, int> Counts => _byKind.ToDictionary(p => p.Key, p => p.Value.Count);

    public string Describe() => _byKind.IsEmpty
        ? "no violation"
        : string.Join('\n', _byKind.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p =>
            $"{p.Key}: {p.Value.Count}×\n" + string.Join('\n', p.Value.Examples.Select(e => "    " + e))));
}
