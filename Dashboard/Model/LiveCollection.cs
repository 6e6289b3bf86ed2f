using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Dashboard.ServiceClient;

namespace OrleansOrchestrator.Dashboard.Model;

/// <summary>
/// The objects of one kind as a feed has reported them: a snapshot with changes applied in order. The
/// feed's shared cache and every page keep one, so both read a watch the same way.
/// </summary>
public sealed class LiveCollection<T> where T : KubeObject
{
    private readonly Dictionary<string, T> _items = new(StringComparer.Ordinal);

    public IReadOnlyCollection<T> Items => _items.Values;

    public int Count => _items.Count;

    /// <summary>Goes up with every applied change, so views can tell whether to recompute their rows.</summary>
    public long Revision { get; private set; }

    public T? Find(string? ns, string name) => _items.GetValueOrDefault($"{ns}/{name}");

    public void Load(IEnumerable<KubeObject> snapshot)
    {
        _items.Clear();
        foreach (var obj in snapshot.OfType<T>()) _items[ResourceChange.ObjectKey(obj)] = obj;
        Revision++;
    }

    public void Apply(ResourceChange change)
    {
        if (change.Object is not T obj) return;
        if (change.Type == ChangeType.Delete) _items.Remove(change.Key);
        else _items[change.Key] = obj;
        Revision++;
    }

    /// <summary>
    /// Makes the collection equal to a fresh listing and returns the changes that did it: what a watcher that
    /// lost its place (410) must tell its own subscribers after listing again.
    /// </summary>
    public IReadOnlyList<ResourceChange> Resync(IEnumerable<KubeObject> listing)
    {
        var fresh = listing.OfType<T>().ToDictionary(ResourceChange.ObjectKey, o => o, StringComparer.Ordinal);
        var changes = new List<ResourceChange>();
        foreach (var (key, old) in _items)
            if (!fresh.ContainsKey(key)) changes.Add(new ResourceChange(ChangeType.Delete, old));
        foreach (var (key, obj) in fresh)
            if (!_items.TryGetValue(key, out var old) || old.Metadata.ResourceVersion != obj.Metadata.ResourceVersion)
                changes.Add(new ResourceChange(ChangeType.Upsert, obj));
        foreach (var change in changes) Apply(change);
        return changes;
    }
}
