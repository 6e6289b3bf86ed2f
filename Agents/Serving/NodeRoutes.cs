using System.Globalization;
using OrleansOrchestrator.Contracts.Streaming;

namespace OrleansOrchestrator.Agents.Serving;

/// <summary>A request to the node's server, read from its URL (see <see cref="NodeRoutes"/>).</summary>
internal abstract record NodeRoute(string Node, string PodUid);

/// <summary><c>GET /containerLogs/{node}/{podUid}/{container}?follow=&amp;tailLines=&amp;previous=</c></summary>
internal sealed record ContainerLogsRoute(string Node, string PodUid, string Container, bool Follow, int? TailLines, bool Previous)
    : NodeRoute(Node, PodUid);

/// <summary><c>GET /exec/…</c> (<see cref="Attach"/> false) or <c>GET /attach/…</c>.</summary>
internal sealed record ContainerStreamRoute(string Node, string PodUid, ExecRequest Request, bool Attach) : NodeRoute(Node, PodUid)
{
    /// <summary>How the endpoint names itself in messages: <c>exec</c> or <c>attach</c>.</summary>
    public string Verb => Attach ? "attach" : "exec";
}

/// <summary><c>GET /portForward/{node}/{podUid}?port=N</c></summary>
internal sealed record PortForwardRoute(string Node, string PodUid, int Port) : NodeRoute(Node, PodUid);

/// <summary>A request the server cannot serve, with the HTTP status and the message to answer with.</summary>
internal sealed class NodeRouteException(int statusCode, string message) : Exception(message)
{
    public int StatusCode { get; } = statusCode;
}

/// <summary>
/// Reads the node server's URLs (<see cref="AgentStreamPaths"/>), written for a hostile client: the URL, each path
/// segment and the command are bounded, and anything unexpected is a <see cref="NodeRouteException"/> (400 or 404).
/// </summary>
internal static class NodeRoutes
{
    public const int MaxUrlLength = 64 * 1024;
    public const int MaxSegmentLength = 253;
    public const int MaxCommandParts = 1024;

    public static NodeRoute Parse(string rawUrl)
    {
        if (rawUrl.Length > MaxUrlLength) throw new NodeRouteException(414, $"request URL longer than {MaxUrlLength} characters");
        var question = rawUrl.IndexOf('?');
        var path = question < 0 ? rawUrl : rawUrl[..question];
        var query = question < 0 ? "" : rawUrl[(question + 1)..];
        var segments = path.Trim('/').Split('/');
        if (segments.Length > 4) throw NotFound(path);
        for (var i = 0; i < segments.Length; i++)
        {
            segments[i] = Uri.UnescapeDataString(segments[i]);
            if (segments[i].Length is 0 or > MaxSegmentLength) throw NotFound(path);
        }

        var parameters = Query.Parse(query);
        return segments switch
        {
            ["containerLogs", var node, var uid, var container] => new ContainerLogsRoute(node, uid, container,
                parameters.Flag("follow"), parameters.TailLines(), parameters.Flag("previous")),
            ["exec", var node, var uid, var container] => new ContainerStreamRoute(node, uid, StreamRequest(container, parameters, withCommand: true), Attach: false),
            ["attach", var node, var uid, var container] => new ContainerStreamRoute(node, uid, StreamRequest(container, parameters, withCommand: false), Attach: true),
            ["portForward", var node, var uid] => new PortForwardRoute(node, uid, parameters.Port()),
            _ => throw NotFound(path),
        };
    }

    private static ExecRequest StreamRequest(string container, Query parameters, bool withCommand)
    {
        var command = withCommand ? parameters.All("command") : [];
        if (withCommand && command.Count == 0) throw new NodeRouteException(400, "you must specify at least one command for the container");
        var tty = parameters.Flag("tty");
        var request = new ExecRequest(container, command, parameters.Flag("stdin"), parameters.Flag("stdout"),
            // With a terminal there is no separate stderr (the kubelet's rule).
            parameters.Flag("stderr") && !tty, tty);
        if (!request.Stdin && !request.Stdout && !request.Stderr)
            throw new NodeRouteException(400, "you must specify at least one of stdin, stdout, stderr");
        return request;
    }

    private static NodeRouteException NotFound(string path) =>
        new(404, $"no such endpoint: {(path.Length > 100 ? path[..100] + "…" : path)}");

    /// <summary>A query string's parameters, names and values unescaped (<c>+</c> is a space), repeats kept in order.</summary>
    private sealed class Query
    {
        private readonly List<(string Name, string Value)> _pairs = [];

        public static Query Parse(string query)
        {
            var result = new Query();
            foreach (var pair in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
            {
                if (result._pairs.Count >= MaxCommandParts + 16) throw new NodeRouteException(400, $"more than {MaxCommandParts} command arguments");
                var equals = pair.IndexOf('=');
                var name = Unescape(equals < 0 ? pair : pair[..equals]);
                var value = equals < 0 ? "" : Unescape(pair[(equals + 1)..]);
                result._pairs.Add((name, value));
            }

            return result;
        }

        private static string Unescape(string text) => Uri.UnescapeDataString(text.Replace('+', ' '));

        public List<string> All(string name) => _pairs.Where(p => p.Name == name).Select(p => p.Value).ToList();

        private string? Single(string name) => _pairs.LastOrDefault(p => p.Name == name).Value;

        /// <summary>The kubelet's reading of a flag: <c>1</c> or <c>true</c>.</summary>
        public bool Flag(string name) => Single(name) is { } value && (value == "1" || value.Equals("true", StringComparison.OrdinalIgnoreCase));

        public int? TailLines() =>
            Single("tailLines") is { Length: > 0 } text
                ? int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var lines) ? lines : throw new NodeRouteException(400, $"invalid tailLines \"{Shorten(text)}\"")
                : null;

        public int Port()
        {
            var text = Single("port");
            if (string.IsNullOrEmpty(text)) throw new NodeRouteException(400, "a port is required (?port=N)");
            return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is > 0 and <= 65535
                ? port
                : throw new NodeRouteException(400, $"invalid port \"{Shorten(text)}\": must be between 1 and 65535");
        }

        private static string Shorten(string text) => text.Length > 20 ? text[..20] + "…" : text;
    }
}
