namespace OrleansOrchestrator.Agents.Networking.Proxy;

/// <summary>
/// Reads the part of <c>iptables-save</c> output that belongs to one agent: its chains, their rules, and the jumps
/// to them from the built-in chains. Pure (text in, text out), so it is unit-tested without a kernel.
/// </summary>
public static class IptablesState
{
    public static readonly string[] Tables = ["nat", "filter"];

    /// <summary>Our lines of one table's save output, in the order iptables printed them (declarations without counters).</summary>
    public static IReadOnlyList<string> OwnLines(string saved, ProxyChainNames names)
    {
        var lines = new List<string>();
        foreach (var raw in saved.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.StartsWith(':' + names.Prefix, StringComparison.Ordinal))
                lines.Add(line.Split(' ')[0]);
            else if (line.StartsWith("-A ", StringComparison.Ordinal) && (Chain(line).StartsWith(names.Prefix, StringComparison.Ordinal) || JumpTarget(line)?.StartsWith(names.Prefix, StringComparison.Ordinal) == true))
                lines.Add(line);
        }
        return lines;
    }

    /// <summary>The chains of ours that exist in one table's save output.</summary>
    public static IReadOnlyCollection<string> OwnChains(string saved, ProxyChainNames names) =>
        saved.Split('\n')
            .Where(l => l.StartsWith(':' + names.Prefix, StringComparison.Ordinal))
            .Select(l => l[1..].Split(' ')[0])
            .ToList();

    /// <summary>The jump rules from built-in chains to ours, as saved (e.g. <c>-A PREROUTING -m comment … -j OO-…-SERVICES</c>).</summary>
    public static IReadOnlyList<string> Jumps(string saved, ProxyChainNames names) =>
        saved.Split('\n')
            .Select(l => l.TrimEnd('\r'))
            .Where(l => l.StartsWith("-A ", StringComparison.Ordinal) && !Chain(l).StartsWith(names.Prefix, StringComparison.Ordinal)
                        && JumpTarget(l)?.StartsWith(names.Prefix, StringComparison.Ordinal) == true)
            .ToList();

    /// <summary>
    /// How many rules each of our chains holds in one table's save output. Compared with what we wrote, it tells
    /// whether a chain was flushed, deleted, or had rules added or removed behind our back (iptables rewrites the
    /// rules' text on save, so the counts are what can be compared without a read-back after every write).
    /// </summary>
    public static IReadOnlyDictionary<string, int> RuleCounts(string saved, ProxyChainNames names)
    {
        var counts = new SortedDictionary<string, int>(StringComparer.Ordinal);
        foreach (var line in saved.Split('\n'))
        {
            if (line.StartsWith(':' + names.Prefix, StringComparison.Ordinal)) counts.TryAdd(line[1..].Split(' ')[0], 0);
            else if (line.StartsWith("-A " + names.Prefix, StringComparison.Ordinal))
            {
                var chain = Chain(line);
                counts[chain] = counts.GetValueOrDefault(chain) + 1;
            }
        }
        return counts;
    }

    /// <summary>Whether the jump from <paramref name="from"/> to <paramref name="to"/> is present.</summary>
    public static bool HasJump(string saved, string from, string to) =>
        saved.Split('\n').Select(l => l.TrimEnd('\r')).Any(l => Chain(l) == from && l.StartsWith("-A ", StringComparison.Ordinal) && JumpTarget(l) == to);

    /// <summary>The chain an <c>-A CHAIN …</c> line appends to.</summary>
    public static string Chain(string line)
    {
        if (!line.StartsWith("-A ", StringComparison.Ordinal)) return "";
        var end = line.IndexOf(' ', 3);
        return end < 0 ? line[3..] : line[3..end];
    }

    /// <summary>The chain a rule jumps to (<c>-j X</c> at the end), if any.</summary>
    public static string? JumpTarget(string line)
    {
        var at = line.LastIndexOf(" -j ", StringComparison.Ordinal);
        if (at < 0) return null;
        var target = line[(at + 4)..];
        var space = target.IndexOf(' ');
        return space < 0 ? target : null;
    }
}
