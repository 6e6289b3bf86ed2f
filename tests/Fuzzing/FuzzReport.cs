using System.Collections.Concurrent;
using System.Globalization;
using System.Text;

namespace OrleansOrchestrator.Fuzzing;

/// <summary>What a fuzz run saw: requests by status code, and every violation, grouped into distinct failures.</summary>
public sealed class FuzzReport
{
    private readonly ConcurrentDictionary<int, long> _byCode = new();
    private readonly List<FuzzViolation> _violations = new();
    private long _requests;

    public long Requests => Interlocked.Read(ref _requests);

    /// <summary>Answers by HTTP status code; 0 counts requests with no complete answer.</summary>
    public IReadOnlyDictionary<int, long> ByCode => _byCode;

    public IReadOnlyList<FuzzViolation> Violations { get { lock (_violations) return _violations.ToList(); } }

    /// <summary>Set when the silo process was found dead: the run stopped there.</summary>
    public bool SiloExited { get; set; }

    public void Record(FuzzOutcome outcome)
    {
        Interlocked.Increment(ref _requests);
        _byCode.AddOrUpdate(outcome.Code, 1, (_, n) => n + 1);
    }

    public void Add(FuzzViolation violation)
    {
        lock (_violations) _violations.Add(violation);
    }

    /// <summary>Distinct failures (by <see cref="FuzzViolation.Signature"/>), most frequent first, each with how often and its first example.</summary>
    public IReadOnlyList<(FuzzViolation First, int Count)> Distinct() =>
        Violations.GroupBy(v => v.Signature).Select(g => (g.First(), g.Count())).OrderByDescending(g => g.Item2).ToList();

    public string CodeCounts() =>
        string.Join(", ", _byCode.OrderBy(p => p.Key).Select(p => $"{(p.Key == 0 ? "none" : p.Key.ToString(CultureInfo.InvariantCulture))}: {p.Value:N0}"));

    /// <summary>The failures, each replayable, for a test's message or the end of a bench run.</summary>
    public string DescribeViolations(int maxDistinct = 40)
    {
        var distinct = Distinct();
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"{Violations.Count:N0} violations, {distinct.Count} distinct, in {Requests:N0} requests ({CodeCounts()}){(SiloExited ? "; the silo process exited" : "")}");
        foreach (var (first, count) in distinct.Take(maxDistinct))
        {
            text.AppendLine();
            text.AppendLine(CultureInfo.InvariantCulture, $"[{count}x] {first.Describe()}");
        }
        if (distinct.Count > maxDistinct) text.AppendLine(CultureInfo.InvariantCulture, $"… and {distinct.Count - maxDistinct} more distinct failures");
        return text.ToString();
    }
}
