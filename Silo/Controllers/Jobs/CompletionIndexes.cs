using System.Globalization;
using System.Text;

namespace OrleansOrchestrator.Silo.Controllers.Jobs;

/// <summary>
/// A set of completion indexes as an indexed job's status writes it (<c>completedIndexes</c>, <c>failedIndexes</c>):
/// ascending ranges, <c>"1,3-5,7"</c>. Kubernetes writes two neighbours as <c>"1,2"</c> and three or more as a range.
/// </summary>
public sealed class CompletionIndexes
{
    private readonly SortedSet<int> _indexes;

    private CompletionIndexes(SortedSet<int> indexes) => _indexes = indexes;

    public static CompletionIndexes Empty => new([]);

    public int Count => _indexes.Count;

    public bool Contains(int index) => _indexes.Contains(index);

    public IEnumerable<int> All => _indexes;

    /// <summary>
    /// Reads a status' ranges, keeping only indexes below <paramref name="completions"/> (as Kubernetes does: what does not
    /// parse or is out of range is dropped, not an error).
    /// </summary>
    public static CompletionIndexes Parse(string? text, int completions)
    {
        var set = new SortedSet<int>();
        foreach (var part in (text ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var bounds = part.Split('-');
            if (!int.TryParse(bounds[0], NumberStyles.None, CultureInfo.InvariantCulture, out var first)) continue;
            var last = first;
            if (bounds.Length == 2 && !int.TryParse(bounds[1], NumberStyles.None, CultureInfo.InvariantCulture, out last)) continue;
            if (bounds.Length > 2) continue;
            for (var i = first; i <= last && i < completions; i++) set.Add(i);
        }
        return new CompletionIndexes(set);
    }

    public CompletionIndexes With(IEnumerable<int> more)
    {
        var set = new SortedSet<int>(_indexes);
        set.UnionWith(more);
        return new CompletionIndexes(set);
    }

    public override string ToString()
    {
        var text = new StringBuilder();
        using var e = _indexes.GetEnumerator();
        if (!e.MoveNext()) return "";
        int first = e.Current, last = first;
        void Flush()
        {
            if (text.Length > 0) text.Append(',');
            text.Append(first.ToString(CultureInfo.InvariantCulture));
            if (last > first) text.Append(last == first + 1 ? ',' : '-').Append(last.ToString(CultureInfo.InvariantCulture));
        }
        while (e.MoveNext())
        {
            if (e.Current == last + 1)
            {
                last = e.Current;
                continue;
            }
            Flush();
            first = last = e.Current;
        }
        Flush();
        return text.ToString();
    }
}
