using System.Text;
using System.Text.RegularExpressions;

namespace OrleansOrchestrator.Agents.Networking.Proxy;

/// <summary>
/// Reads the part of <c>iptables-save</c> output that belongs to one agent: its chains, their rules, and the jumps
/// to them from the built-in chains. Pure (text in, text out), so it is unit-tested without a kernel.
/// </summary>
public static partial class IptablesState
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

    /// <summary>
    /// The chain prefixes of the other agents whose chains are in <paramref name="saved"/> (any table's save
    /// output): <c>OO-</c>, six upper-case hex digits and a dash, as <see cref="ProxyChainNames.For"/> makes them.
    /// </summary>
    public static IReadOnlySet<string> OtherOwners(string saved, ProxyChainNames names) =>
        saved.Split('\n')
            .Where(l => l.StartsWith(':'))
            .Select(l => OwnerPrefix.Match(l[1..]))
            .Where(m => m.Success && m.Value != names.Prefix)
            .Select(m => m.Value)
            .ToHashSet(StringComparer.Ordinal);

    /// <summary>
    /// The <c>iptables-restore --noflush</c> input that removes every chain of <paramref name="owners"/> and the
    /// jumps to them from <paramref name="savedByTable"/> (table name → that table's save output), in one
    /// transaction per table: chains emptied, jumps deleted, chains deleted. Null when none of them has a chain.
    /// </summary>
    public static string? RemovalScript(IReadOnlyDictionary<string, string> savedByTable, IReadOnlyCollection<ProxyChainNames> owners)
    {
        var script = new StringBuilder();
        foreach (var (table, saved) in savedByTable)
        {
            var chains = owners.SelectMany(o => OwnChains(saved, o)).ToList();
            var jumps = owners.SelectMany(o => Jumps(saved, o)).ToList();
            if (chains.Count == 0 && jumps.Count == 0) continue;
            script.Append('*').Append(table).Append('\n');
            foreach (var chain in chains) script.Append(':').Append(chain).Append(" - [0:0]\n");
            foreach (var jump in jumps) script.Append("-D ").Append(jump[3..]).Append('\n');
            foreach (var chain in chains) script.Append("-X ").Append(chain).Append('\n');
            script.Append("COMMIT\n");
        }
        return script.Length == 0 ? null : script.ToString();
    }

    [GeneratedRegex("^OO-[0-9A-F]{6}-")]
    private static partial Regex OwnerPrefixPattern();

    private static readonly Regex OwnerPrefix = OwnerPrefixPattern();

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
