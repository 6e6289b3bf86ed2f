using OrleansOrchestrator.Contracts.Model;

namespace OrleansOrchestrator.Silo.Store;

/// <summary>
/// A collection's committed writes that are not yet released: durable and acknowledged to their writer, but held back
/// from lists and watches behind an earlier version still in flight — after a silo's death, behind a reservation its
/// writer will never settle, for up to <see cref="CollectionGrain.ReservationTimeout"/>. Watchers need the release
/// order; a controller deciding how many objects to create needs every write it was told succeeded. A ReplicaSet that
/// counted its pods from the released list alone saw none of the pods it had just created, and created them again
/// every pass until the stalled version expired (the chaos run: 1,267 pods of a ReplicaSet of 200).
/// Pure logic, not thread-safe: the owning grain serialises calls.
/// </summary>
public sealed class CommittedAhead
{
    private readonly Dictionary<string, (long Version, KubeObject? After)> _byName = new(StringComparer.Ordinal);

    /// <summary>How many objects have a committed change not yet released.</summary>
    public int Count => _byName.Count;

    /// <summary>Records the committed, unreleased change of <paramref name="name"/> at <paramref name="version"/> (<paramref name="after"/> null: deleted).</summary>
    public void Committed(string name, long version, KubeObject? after)
    {
        if (!_byName.TryGetValue(name, out var known) || known.Version < version) _byName[name] = (version, after);
    }

    /// <summary>The change of <paramref name="name"/> at <paramref name="version"/> was released: the list now holds it (or something newer is still ahead).</summary>
    public void Released(string name, long version)
    {
        if (_byName.TryGetValue(name, out var known) && known.Version <= version) _byName.Remove(name);
    }

    /// <summary>
    /// The objects as every committed write left them: <paramref name="released"/> (taken from the released list)
    /// with the objects changed since replaced by their newest committed state, and those that committed writes
    /// created or brought into the selection (<paramref name="wanted"/>) added; deleted ones and those that left it are gone.
    /// </summary>
    public List<KubeObject> Latest(IEnumerable<KubeObject> released, Func<KubeObject, bool> wanted)
    {
        var latest = released.Where(obj => !_byName.ContainsKey(obj.Metadata.Name!)).ToList();
        latest.AddRange(_byName.Values.Select(change => change.After).OfType<KubeObject>().Where(wanted));
        return latest;
    }
}
