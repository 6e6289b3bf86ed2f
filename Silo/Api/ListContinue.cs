using System.Globalization;
using System.Text;
using OrleansOrchestrator.Silo.Api.Wire;

namespace OrleansOrchestrator.Silo.Api;

/// <summary>
/// Where the next page of a list starts (after <see cref="Name"/> in <see cref="Namespace"/>; the namespace is the
/// list's own, or the one reached when listing across namespaces), and the version of the first page, which every
/// page of the list reports: a watch from it then replays whatever changed while the pages were read, as it would
/// after one unpaged list (Kubernetes serves every page from the first page's snapshot for the same reason). Opaque
/// to clients, as Kubernetes' tokens are.
/// </summary>
public sealed record ListContinue(string Version, string Namespace, string Name)
{
    public string Encode() => Convert.ToBase64String(Encoding.UTF8.GetBytes($"{Version}\n{Namespace}\n{Name}"));

    /// <exception cref="ApiException">400 when the token is not one this server issued.</exception>
    public static ListContinue Decode(string token)
    {
        try
        {
            var parts = Encoding.UTF8.GetString(Convert.FromBase64String(token)).Split('\n');
            if (parts.Length == 3 && IsVersion(parts[0]) && parts[2].Length > 0)
                return new ListContinue(parts[0], parts[1], parts[2]);
        }
        catch (FormatException)
        {
        }
        throw ApiException.BadRequest("invalid continue token");
    }

    private static bool IsVersion(string text) =>
        long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out _) || CompositeVersion.TryDecode(text, out _);
}
