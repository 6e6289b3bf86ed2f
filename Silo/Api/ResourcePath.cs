using OrleansOrchestrator.Contracts.Model;

namespace OrleansOrchestrator.Silo.Api;

/// <summary>
/// A request path of the resource API, taken apart:
/// <c>/api/v1[/namespaces/{ns}]/{plural}[/{name}[/{subresource}]]</c> and the same under <c>/apis/{group}/{version}</c>.
/// The namespace object itself is <c>/api/v1/namespaces/{name}[/status]</c>.
/// </summary>
public sealed record ResourcePath(ResourceKind Kind, string? Namespace, string? Name, string? Subresource)
{
    public static ResourcePath? Parse(string path)
    {
        var segments = path.Trim('/').Split('/');
        string group, version;
        int rest;
        if (segments is ["api", var v, ..]) (group, version, rest) = ("", v, 2);
        else if (segments is ["apis", var g, var v2, ..]) (group, version, rest) = (g, v2, 3);
        else return null;

        var tail = segments[rest..];
        string? ns = null;
        if (tail.Length >= 3 && tail[0] == "namespaces" && ResourceKinds.Find(group, tail[2]) is { Namespaced: true })
        {
            ns = tail[1];
            tail = tail[2..];
        }
        if (tail.Length is 0 or > 3) return null;
        var kind = ResourceKinds.Find(group, tail[0]);
        if (kind is null || kind.Version != version) return null;
        if (kind.Namespaced == (ns is null) && !(kind.Namespaced && tail.Length == 1)) return null;
        return new ResourcePath(kind, ns, tail.Length > 1 ? tail[1] : null, tail.Length > 2 ? tail[2] : null);
    }

    /// <summary>
    /// Kubernetes' rule for a name that will be a segment of a path (every kind's, in the URL and in a body): not
    /// "." or "..", and no "/" or "%". The problem as Kubernetes words it, or null.
    /// </summary>
    public static string? SegmentNameProblem(string name) => name switch
    {
        "." or ".." => $"may not be '{name}'",
        _ when name.Contains('/') => "may not contain '/'",
        _ when name.Contains('%') => "may not contain '%'",
        _ => null,
    };

    /// <summary>
    /// The first "." or ".." segment of a request target as the client sent it (percent-encoded dots too), or null.
    /// Read from the raw target because the server removes dot segments from the path it routes on.
    /// </summary>
    public static string? DotSegment(string rawTarget)
    {
        var path = rawTarget;
        if (!path.StartsWith('/') && path.IndexOf("://", StringComparison.Ordinal) is var scheme and >= 0)
        {
            // Absolute form (https://host/path): only the path counts.
            var slash = path.IndexOf('/', scheme + 3);
            path = slash < 0 ? "" : path[slash..];
        }
        var end = path.IndexOfAny(['?', '#']);
        if (end >= 0) path = path[..end];
        foreach (var segment in path.Split('/'))
        {
            // "%2E%2E" is the longest spelling of a dot segment.
            if (segment.Length is 0 or > 6) continue;
            var decoded = Uri.UnescapeDataString(segment);
            if (decoded is "." or "..") return decoded;
        }
        return null;
    }
}
