namespace OrleansOrchestrator.Silo.Networking;

/// <summary>
/// A range of numbered values (a service range's address offsets, or node ports) of which each is held by at most
/// one owner (a Service's store key). Values are handed out at random, the way Kubernetes' allocators do it: an
/// address or port freed a moment ago is unlikely to be reused at once (clients and caches still pointing at the
/// old Service do not reach the new one), and concurrent clusters sharing a practice range rarely agree. Dynamic
/// picks prefer the upper part of the range and leave the lower band to values users ask for by number, as
/// Kubernetes' static/dynamic split does (KEP-3070, KEP-3668), so that a well-known static choice is seldom
/// already taken. Pure data structure; the allocator grain serialises its use.
/// </summary>
public sealed class AddressPool
{
    public enum TakeOutcome { Taken, AlreadyYours, NotInRange, AlreadyAllocated }

    private readonly long _first, _last, _staticEnd;
    private readonly HashSet<long> _reserved;
    private readonly Random _random;
    private readonly Dictionary<long, Holding> _held = [];

    private sealed class Holding(string owner)
    {
        public string Owner { get; } = owner;

        /// <summary>Repairs in a row that found no stored object holding the value.</summary>
        public int Missed { get; set; }
    }

    /// <param name="first">The lowest value that may be handed out.</param>
    /// <param name="last">The highest, inclusive.</param>
    /// <param name="staticBand">How many of the lowest values dynamic picks use only once the rest are gone.</param>
    /// <param name="reserved">Values never handed out nor taken on request (the DNS address; the silo's own ports).</param>
    public AddressPool(long first, long last, long staticBand, IEnumerable<long> reserved, Random random)
    {
        if (last < first) throw new ArgumentException($"empty range {first}-{last}");
        (_first, _last, _random) = (first, last, random);
        _staticEnd = Math.Min(last, first + Math.Max(0, staticBand) - 1);
        _reserved = [.. reserved.Where(InRange)];
    }

    /// <summary>Kubernetes' static band of a range of <paramref name="size"/>: size/<paramref name="divisor"/>, at least 16, at most <paramref name="max"/>.</summary>
    public static long StaticBand(long size, long divisor, long max) => Math.Min(Math.Max(16, size / divisor), max);

    public long Count => _last - _first + 1;

    /// <summary>Values held now (reserved ones not counted).</summary>
    public int HeldCount => _held.Count;

    public bool InRange(long value) => value >= _first && value <= _last;

    public bool IsReserved(long value) => _reserved.Contains(value);

    public string? Holder(long value) => _held.TryGetValue(value, out var holding) ? holding.Owner : null;

    /// <summary>Takes <paramref name="value"/> for <paramref name="owner"/>, if it is in range, not reserved and not someone else's.</summary>
    public TakeOutcome Take(long value, string owner)
    {
        if (!InRange(value)) return TakeOutcome.NotInRange;
        if (_reserved.Contains(value)) return TakeOutcome.AlreadyAllocated;
        if (_held.TryGetValue(value, out var holding))
            return holding.Owner == owner ? TakeOutcome.AlreadyYours : TakeOutcome.AlreadyAllocated;
        _held[value] = new Holding(owner);
        return TakeOutcome.Taken;
    }

    /// <summary>A free value for <paramref name="owner"/>, from the dynamic band first; null when the range is full.</summary>
    public long? TakeNext(string owner)
    {
        var found = _staticEnd < _last ? FreeBetween(_staticEnd + 1, _last) : null;
        found ??= FreeBetween(_first, _staticEnd);
        if (found is { } value) _held[value] = new Holding(owner);
        return found;
    }

    /// <summary>Gives <paramref name="value"/> back, only if <paramref name="owner"/> holds it (another owner's value is never released by mistake).</summary>
    public bool Release(long value, string owner)
    {
        if (!_held.TryGetValue(value, out var holding) || holding.Owner != owner) return false;
        _held.Remove(value);
        return true;
    }

    /// <summary>
    /// Brings the pool in line with what the store holds, as Kubernetes' repair loop does. Every stored value is
    /// held by its owner (<paramref name="conflicts"/> names a value two stored objects claim, or one out of range
    /// or reserved). A held value no stored object names is released only when two repairs in a row missed it:
    /// a value taken for a write still on its way to the store must survive the first look.
    /// </summary>
    public void Repair(IEnumerable<(long Value, string Owner)> stored, Action<long, string, string> conflicts)
    {
        var seen = new HashSet<long>();
        foreach (var (value, owner) in stored)
        {
            if (!InRange(value) || _reserved.Contains(value))
            {
                conflicts(value, owner, "outside the range that may be handed out");
                continue;
            }
            if (_held.TryGetValue(value, out var holding))
            {
                if (holding.Owner != owner)
                {
                    conflicts(value, owner, $"also held by {holding.Owner}");
                    continue;
                }
                holding.Missed = 0;
            }
            else
            {
                _held[value] = new Holding(owner);
            }
            seen.Add(value);
        }
        foreach (var (value, holding) in _held.Where(h => !seen.Contains(h.Key)).ToList())
            if (++holding.Missed >= 2) _held.Remove(value);
    }

    /// <summary>A free value in [from, to], scanning on from a random start and wrapping (a bitmap allocator's random scan).</summary>
    private long? FreeBetween(long from, long to)
    {
        var span = to - from + 1;
        if (span <= 0) return null;
        var start = _random.NextInt64(span);
        for (long i = 0; i < span; i++)
        {
            var value = from + (start + i) % span;
            if (!_held.ContainsKey(value) && !_reserved.Contains(value)) return value;
        }
        return null;
    }
}
