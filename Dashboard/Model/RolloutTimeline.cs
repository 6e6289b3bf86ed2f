using OrleansOrchestrator.Contracts.Model;

namespace OrleansOrchestrator.Dashboard.Model;

/// <summary>How many pods each revision had, and how many of them were ready, at one moment of a rollout.</summary>
public sealed record RolloutSample(DateTimeOffset At, IReadOnlyDictionary<long, (int Pods, int Ready)> ByRevision);

/// <summary>
/// The rollout as it happens: a sample each time a revision's pod counts change, so the page can draw the
/// new ReplicaSet growing while the old one shrinks. Bounded, so a long-open page does not grow without end.
/// </summary>
public sealed class RolloutTimeline(int capacity = 120)
{
    private readonly List<RolloutSample> _samples = [];

    public IReadOnlyList<RolloutSample> Samples => _samples;

    /// <summary>The revisions that appear in any sample, oldest first.</summary>
    public IReadOnlyList<long> Revisions => _samples.SelectMany(s => s.ByRevision.Keys).Distinct().Order().ToList();

    /// <summary>Records the counts if they differ from the last sample; returns whether it did.</summary>
    public bool Record(DateTimeOffset at, IEnumerable<Revision> revisions)
    {
        var counts = revisions.ToDictionary(r => r.Number, r => (r.Replicas, r.Ready));
        if (_samples.Count > 0 && SameCounts(_samples[^1].ByRevision, counts)) return false;
        _samples.Add(new RolloutSample(at, counts));
        if (_samples.Count > capacity) _samples.RemoveAt(0);
        return true;
    }

    private static bool SameCounts(IReadOnlyDictionary<long, (int, int)> a, IReadOnlyDictionary<long, (int, int)> b) =>
        a.Count == b.Count && a.All(kv => b.TryGetValue(kv.Key, out var other) && other == kv.Value);
}
