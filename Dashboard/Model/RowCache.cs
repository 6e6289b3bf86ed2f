using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Dashboard.ServiceClient;

namespace OrleansOrchestrator.Dashboard.Model;

/// <summary>
/// Rows of a grid, rebuilt per batch of changes but computed again only for objects whose resourceVersion
/// changed: with 5,000 pods a batch that touches ten of them costs ten row computations, not 5,000.
/// </summary>
public sealed class RowCache<TObject, TRow>(Func<TObject, TRow> toRow) where TObject : KubeObject
{
    private Dictionary<string, (string? Version, TRow Row)> _rows = new(StringComparer.Ordinal);

    /// <summary>Counts row computations, so a test can tell reuse from recomputation.</summary>
    public long Computed { get; private set; }

    public IEnumerable<TRow> Rows(IEnumerable<TObject> objects)
    {
        var next = new Dictionary<string, (string?, TRow)>(_rows.Count, StringComparer.Ordinal);
        foreach (var obj in objects)
        {
            var key = ResourceChange.ObjectKey(obj);
            var version = obj.Metadata.ResourceVersion;
            if (!_rows.TryGetValue(key, out var cached) || cached.Version != version)
            {
                cached = (version, toRow(obj));
                Computed++;
            }
            next[key] = cached;
        }
        _rows = next;
        return next.Values.Select(v => v.Item2);
    }
}
