using System.Net.WebSockets;
using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Contracts.Streaming;
using OrleansOrchestrator.Silo.Api.Auth;
using OrleansOrchestrator.Silo.Api.Wire;

namespace OrleansOrchestrator.Silo.Api.Streaming;

/// <summary>
/// <c>…/pods/{name}/exec</c>, <c>/attach</c> and <c>/portforward</c>: negotiates the client's protocol — WebSocket
/// channels (kubectl 1.30+ for exec, attach and cp), SPDY/3.1 (older kubectl, and port-forward, which newer kubectl
/// tunnels through a WebSocket) — then streams through <see cref="PodStreamProxy"/> to the pod's agent. Refusals
/// come before the upgrade, as Status objects.
/// </summary>
public sealed class PodStreamEndpoint(PodStreamProxy proxy, Authorizer authorizer)
{
    /// <summary>The channel protocols spoken with WebSocket clients, best first (v4 lacks only stdin's close).</summary>
    private static readonly string[] ChannelProtocols = [StreamChannels.V5, StreamChannels.V4];

    /// <summary>How the kubelet's streaming server keeps a quiet stream's connection alive.</summary>
    private static readonly TimeSpan KeepAlive = TimeSpan.FromSeconds(30);

    public static bool Handles(ResourceKind kind, string? subresource) =>
        kind == ResourceKinds.Pod && subresource is "exec" or "attach" or "portforward";

    public async Task Serve(HttpContext context, Caller caller, string ns, string name, string subresource)
    {
        if (context.Request.Method is not ("GET" or "POST")) throw ApiException.MethodNotAllowed(context.Request.Method);
        // As Kubernetes: who may comes before what was asked (a read-only user's plain POST is a 403, not "Upgrade request required").
        await authorizer.Authorize(caller, "create", ResourceKinds.Pod, ns, name, subresource);
        var ct = context.RequestAborted;
        var query = context.Request.Query;
        if (subresource == "portforward")
        {
            await ServePortForward(context, caller, ns, name, ct);
            return;
        }
        var container = query["container"].ToString() is { Length: > 0 } asked ? asked : null;
        var execQuery = ExecQuery.From(query);
        var attach = subresource == "attach";
        if (context.WebSockets.IsWebSocketRequest)
        {
            var protocol = Negotiate(context.WebSockets.WebSocketRequestedProtocols, ChannelProtocols);
            using var agent = await proxy.OpenExec(caller, ns, name, container, execQuery, attach, ct);
            using var client = await context.WebSockets.AcceptWebSocketAsync(new WebSocketAcceptContext { SubProtocol = protocol, KeepAliveInterval = KeepAlive });
            await ChannelRelay.Run(client, agent, ct);
            return;
        }
        if (SpdyUpgrade.IsSpdyUpgrade(context.Request))
        {
            // Negotiated before the agent starts the command: a client we cannot speak with must not run anything.
            Negotiate(SpdyUpgrade.ClientProtocols(context.Request), SpdyExec.Protocols);
            using var agent = await proxy.OpenExec(caller, ns, name, container, execQuery, attach, ct);
            var (connection, protocol) = await SpdyUpgrade.Accept(context, SpdyExec.Protocols);
            await using (connection)
                await SpdyExec.Serve(connection, protocol, new ExecRequest(container ?? "", execQuery.Command, execQuery.Stdin, execQuery.Stdout, execQuery.Stderr, execQuery.Tty), agent, ct);
            return;
        }
        throw UpgradeRequired();
    }

    /// <summary>
    /// Port-forward over SPDY, or SPDY inside a WebSocket (kubectl 1.31+); the forward ends when its pod goes away, so
    /// that kubectl reports the lost connection instead of failing each new one.
    /// </summary>
    private async Task ServePortForward(HttpContext context, Caller caller, string ns, string name, CancellationToken ct)
    {
        var tunnel = SpdyPortForward.IsTunnelRequest(context);
        if (!tunnel && !SpdyUpgrade.IsSpdyUpgrade(context.Request)) throw UpgradeRequired();
        if (!tunnel) Negotiate(SpdyUpgrade.ClientProtocols(context.Request), SpdyPortForward.Protocols);
        var target = await proxy.OpenPortForward(caller, ns, name, ct);
        using var session = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var podGone = EndWhenGone(target, session);
        try
        {
            if (tunnel)
            {
                await SpdyPortForward.ServeTunnel(await SpdyPortForward.AcceptTunnel(context), target.Open, session.Token);
                return;
            }
            var (connection, _) = await SpdyUpgrade.Accept(context, SpdyPortForward.Protocols);
            await using (connection)
                await SpdyPortForward.Serve(connection, target.Open, session.Token);
        }
        finally
        {
            await session.CancelAsync();
            await podGone;
        }
    }

    private static async Task EndWhenGone(PortForwardTarget target, CancellationTokenSource session)
    {
        try
        {
            await target.UntilPodGone(session.Token);
            await session.CancelAsync();
        }
        catch (OperationCanceledException)
        {
            // The forward ended first.
        }
    }

    /// <summary>The first protocol of the client's list that we speak, as Kubernetes' handshake picks it.</summary>
    private static string Negotiate(IEnumerable<string> offered, IReadOnlyList<string> supported) =>
        offered.FirstOrDefault(supported.Contains)
        ?? throw new ApiException(403, "Forbidden",
            $"unable to upgrade: unable to negotiate protocol: client supports [{string.Join(' ', offered)}], server supports [{string.Join(' ', supported)}]");

    private static ApiException UpgradeRequired() => ApiException.BadRequest("Upgrade request required");
}
