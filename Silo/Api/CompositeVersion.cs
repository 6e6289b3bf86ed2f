using System.Globalization;
using System.Text;

namespace OrleansOrchestrator.Silo.Api;

/// <summary>
/// The resourceVersion of a read that spans several collections (all namespaces): the position in each.
/// Versions are per collection (there is no single global counter to contend on), so a cross-namespace
/// list hands out one position per namespace and a watch resumes each from its own position. Opaque to
/// clients, as Kubernetes requires of resourceVersions; a single collection's version stays a plain number.
/// </summary>
public static class CompositeVersion
{
    private const string Prefix = "m";

    public static string Encode(IReadOnlyDictionary<string, long> positions) =>
        Prefix + Convert.ToBase64String(Encoding.UTF8.GetBytes(
                string.Join(",", positions.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}"))))
            .TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static bool TryDecode(string? text, out Dictionary<string, long> positions)
    {
        positions = new Dictionary<string, long>(StringComparer.Ordinal);
        if (text is null || !text.StartsWith(Prefix, StringComparison.Ordinal)) return false;
        try
        {
            var b64 = text[Prefix.Length..].Replace('-', '+').Replace('_', '/');
            b64 = b64.PadRight(b64.Length + (4 - b64.Length % 4) % 4, '=');
            var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(b64));
            foreach (var part in decoded.Split(',', StringSplitOptions.RemoveEmptyEntries))
            {
                var at = part.LastIndexOf('=');
                positions[part[..at]] = long.Parse(part[(at + 1)..], CultureInfo.InvariantCulture);
            }
            return true;
        }
        catch (Exception e) when (e is FormatException or ArgumentException or OverflowException)
        {
            return false;
        }
    }
}
