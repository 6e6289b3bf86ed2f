using System.Text;
using OrleansOrchestrator.Silo.Api.Wire;

namespace OrleansOrchestrator.Silo.Api;

/// <summary>
/// Where the next page of a list across all namespaces starts (after <see cref="Name"/> in <see cref="Namespace"/>),
/// and the version of the first page, which every page of the list reports: a watch from it then replays whatever
/// changed while the pages were read, as it would after one unpaged list. Opaque to clients, as Kubernetes' tokens.
/// </summary>
public sealed record AllNamespacesContinue(string Version, string Namespace, string Name)
{
    public string Encode() => Convert.ToBase64String(Encoding.UTF8.GetBytes($"{Version}\n{Namespace}\n{Name}"));

    /// <exception cref="ApiException">400 when the token is not one this server issued.</exception>
    public static AllNamespacesContinue Decode(string token)
    {
        try
        {
            var parts = Encoding.UTF8.GetString(Convert.FromBase64String(token)).Split('\n');
            if (parts.Length == 3 && CompositeVersion.TryDecode(parts[0], out _) && parts[1].Length > 0 && parts[2].Length > 0)
                return new AllNamespacesContinue(parts[0], parts[1], parts[2]);
        }
        catch (FormatException)
        {
        }
        throw ApiException.BadRequest("invalid continue token");
    }
}
