using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace OrleansOrchestrator.Silo.Api.Streaming;

/// <summary>
/// The HTTP/1.1 upgrade to SPDY/3.1 that kubectl's SPDY clients (exec, attach, cp, port-forward) ask for, with the
/// sub-protocol negotiated as Kubernetes' <c>httpstream.Handshake</c> does over <c>X-Stream-Protocol-Version</c>.
/// </summary>
public static class SpdyUpgrade
{
    public const string Protocol = "SPDY/3.1";
    public const string ProtocolVersionHeader = "X-Stream-Protocol-Version";
    public const string AcceptedProtocolVersionsHeader = "X-Accepted-Stream-Protocol-Versions";

    /// <summary>The WebSocket sub-protocol of kubectl 1.31+'s port-forward, which carries SPDY frames inside a WebSocket.</summary>
    public const string PortForwardTunnelProtocol = "SPDY/3.1+portforward.k8s.io";

    public static bool IsSpdyUpgrade(HttpRequest request) =>
        request.Headers.Upgrade.Any(value => value is not null && value.Split(',').Any(part => part.Trim().Equals(Protocol, StringComparison.OrdinalIgnoreCase)))
        && request.HttpContext.Features.Get<IHttpUpgradeFeature>() is { IsUpgradableRequest: true };

    /// <summary>The client's protocols in its order of preference (each header line may also hold a comma-separated list).</summary>
    public static IReadOnlyList<string> ClientProtocols(HttpRequest request) =>
        request.Headers[ProtocolVersionHeader]
            .SelectMany(value => (value ?? "").Split(','))
            .Select(value => value.Trim())
            .Where(value => value.Length > 0)
            .ToList();

    /// <summary>The first of the client's protocols that the server speaks; null when none (or when the client names none: "").</summary>
    public static string? Negotiate(IReadOnlyList<string> clientProtocols, IReadOnlyList<string> serverProtocols)
    {
        if (clientProtocols.Count == 0)
            return "";
        return clientProtocols.FirstOrDefault(serverProtocols.Contains);
    }

    /// <summary>
    /// Answers 101 Switching Protocols and returns the upgraded connection, or, when the client and we share no
    /// protocol, answers 403 with Kubernetes' message and throws <see cref="PodStreamException"/> (nothing more to write).
    /// A client that names no protocol gets the empty protocol, as with the kubelet (the oldest exec protocol).
    /// </summary>
    public static async Task<(Stream Connection, string Protocol)> Accept(HttpContext context, IReadOnlyList<string> serverProtocols)
    {
        var upgrade = context.Features.Get<IHttpUpgradeFeature>();
        if (upgrade is not { IsUpgradableRequest: true })
            throw new InvalidOperationException("the request cannot be upgraded; check IsSpdyUpgrade first");
        var clientProtocols = ClientProtocols(context.Request);
        var protocol = Negotiate(clientProtocols, serverProtocols);
        if (protocol is null)
        {
            var message = $"unable to upgrade: unable to negotiate protocol: client supports [{string.Join(" ", clientProtocols)}], server supports [{string.Join(" ", serverProtocols)}]";
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            foreach (var supported in serverProtocols)
                context.Response.Headers.Append(AcceptedProtocolVersionsHeader, supported);
            context.Response.ContentType = "text/plain; charset=utf-8";
            await context.Response.WriteAsync(message, context.RequestAborted);
            throw new PodStreamException(message);
        }
        context.Response.Headers.Upgrade = Protocol;
        if (protocol.Length > 0)
            context.Response.Headers[ProtocolVersionHeader] = protocol;
        var connection = await upgrade.UpgradeAsync();
        return (connection, protocol);
    }
}
