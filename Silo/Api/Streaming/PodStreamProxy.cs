using System.Net;
using System.Net.WebSockets;
using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Contracts.Streaming;
using OrleansOrchestrator.Silo.Api.Auth;
using OrleansOrchestrator.Silo.Api.Wire;

namespace OrleansOrchestrator.Silo.Api.Streaming;

/// <summary>
/// Opens the agent's side of <c>pods/exec</c>, <c>pods/attach</c> and <c>pods/portforward</c>, as the API server
/// reaches a kubelet: authorised as a <c>create</c> of the subresource, the pod seen through the caller's tenant (404
/// for anyone else's), the container checked against the pod's spec and phase. Every refusal comes before the client
/// is upgraded, so it reaches kubectl as a Status. The API's protocol adapters (WebSocket channels, SPDY) and the
/// dashboard's terminal all stream through here.
/// </summary>
public sealed class PodStreamProxy(ResourceService resources, IGrainFactory grains)
{
    private static readonly HttpMessageInvoker Agents = new(new SocketsHttpHandler
    {
        UseProxy = false,
        ConnectTimeout = TimeSpan.FromSeconds(10),
        // A stream is long-lived; pooling only spares the handshake of the next one.
        PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
    });

    /// <summary>An exec (with <see cref="ExecRequest.Command"/>) or attach (without) to the agent, speaking <see cref="StreamChannels.V5"/>.</summary>
    public async Task<WebSocket> OpenExec(Caller caller, string ns, string name, string? container, ExecQuery query, bool attach, CancellationToken cancellationToken)
    {
        var subresource = attach ? "attach" : "exec";
        await resources.Authorizer.Authorize(caller, "create", ResourceKinds.Pod, ns, name, subresource);
        if (!attach && query.Command.Count == 0) throw ApiException.BadRequest("you must specify at least 1 command");
        if (!query.Stdin && !query.Stdout && !query.Stderr) throw ApiException.BadRequest("you must specify at least 1 of stdin, stdout, stderr");
        var target = await PodTarget.Resolve(resources, grains, caller, ns, name, container);
        if (target.Pod.Status?.Phase is { } phase && phase is "Succeeded" or "Failed")
            throw ApiException.BadRequest($"cannot {(attach ? "attach to" : "exec into")} a container in a completed pod; current phase is {phase}");
        var request = new ExecRequest(target.Container, query.Command, query.Stdin, query.Stdout, query.Stderr, query.Tty);
        var path = attach ? AgentStreamPaths.Attach(target.Node, target.Uid, request) : AgentStreamPaths.Exec(target.Node, target.Uid, request);
        return await Connect(target, path, StreamChannels.V5, cancellationToken)
               ?? throw new ApiException(502, "BadGateway", $"the agent of node {target.Node} refused the {subresource}");
    }

    /// <summary>
    /// Checks once that the caller may forward the pod's ports; then each forwarded connection opens its own stream
    /// to the agent (a refusal then is a <see cref="PodStreamException"/> for that connection only).
    /// </summary>
    public async Task<PortForwardTarget> OpenPortForward(Caller caller, string ns, string name, CancellationToken cancellationToken)
    {
        await resources.Authorizer.Authorize(caller, "create", ResourceKinds.Pod, ns, name, "portforward");
        var target = await PodTarget.Resolve(resources, grains, caller, ns, name, container: null);
        if (target.Pod.Status?.Phase is not "Running")
            throw ApiException.BadRequest($"unable to forward port because pod is not running. Current status={target.Pod.Status?.Phase ?? "Pending"}");
        return new PortForwardTarget(
            async (port, ct) =>
            {
                try
                {
                    return await Connect(target, AgentStreamPaths.PortForward(target.Node, target.Uid, port), subProtocol: null, ct)
                           ?? throw new PodStreamException($"error forwarding port {port} to pod {target.Uid}: the agent refused");
                }
                catch (ApiException e)
                {
                    throw new PodStreamException(e.Message);
                }
            },
            ct => UntilGone(caller, ns, name, target.Uid, ct));
    }

    /// <summary>
    /// Returns once the pod is deleted, replaced or no longer running: a forward to it ends then, as the kubelet
    /// ends its streams, so that kubectl says "lost connection to pod" instead of refusing each new connection.
    /// </summary>
    private async Task UntilGone(Caller caller, string ns, string name, string uid, CancellationToken cancellationToken)
    {
        using var every = new PeriodicTimer(TimeSpan.FromSeconds(1));
        while (await every.WaitForNextTickAsync(cancellationToken))
        {
            try
            {
                var pod = (Pod)await resources.GetForAuthorizedSubresource(caller, ResourceKinds.Pod, ns, name);
                if (pod.Metadata.Uid != uid || pod.Metadata.DeletionTimestamp is not null || pod.Status?.Phase is not "Running") return;
            }
            catch (ApiException e) when (e.Code == 404)
            {
                return;
            }
        }
    }

    /// <summary>The agent's WebSocket; a refusal becomes the API's answer with the agent's own message.</summary>
    private static async Task<WebSocket?> Connect(PodTarget target, string path, string? subProtocol, CancellationToken cancellationToken)
    {
        var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("Authorization", $"Bearer {target.Endpoint.Token}");
        socket.Options.CollectHttpResponseDetails = true;
        // The stream's own traffic (or the client's pings) keeps it alive; the agent enforces the idle timeout.
        socket.Options.KeepAliveInterval = TimeSpan.FromSeconds(30);
        if (subProtocol is not null) socket.Options.AddSubProtocol(subProtocol);
        var uri = new Uri(WebSocketBase(target.Endpoint.BaseUrl) + path);
        try
        {
            await socket.ConnectAsync(uri, Agents, cancellationToken);
            return socket;
        }
        catch (WebSocketException e) when (socket.HttpStatusCode is var code && code != 0 && code != HttpStatusCode.SwitchingProtocols)
        {
            var message = socket.HttpResponseHeaders?.GetValueOrDefault(AgentStreamPaths.ErrorHeader)?.FirstOrDefault() ?? e.Message;
            socket.Dispose();
            throw code switch
            {
                HttpStatusCode.NotFound => new ApiException(404, "NotFound", message),
                HttpStatusCode.BadRequest => ApiException.BadRequest(message),
                HttpStatusCode.BadGateway => new PodStreamException(message),
                _ => new ApiException(503, "ServiceUnavailable", $"the agent of node {target.Node} answered {(int)code}: {message}"),
            };
        }
        catch (Exception e) when (e is WebSocketException or HttpRequestException)
        {
            socket.Dispose();
            throw target.AgentUnreachable(e);
        }
    }

    private static string WebSocketBase(string httpBase) =>
        httpBase.StartsWith("https://", StringComparison.Ordinal) ? "wss://" + httpBase["https://".Length..]
        : httpBase.StartsWith("http://", StringComparison.Ordinal) ? "ws://" + httpBase["http://".Length..]
        : httpBase;
}

/// <summary>The query of an exec or attach request: <c>command</c> repeated, and which streams the client wants.</summary>
public sealed record ExecQuery(IReadOnlyList<string> Command, bool Stdin, bool Stdout, bool Stderr, bool Tty)
{
    /// <summary>Kubernetes' limit on a command's parts is the request line's; ours is explicit.</summary>
    public const int MaxCommandParts = 1024;

    public static ExecQuery From(IQueryCollection query)
    {
        var command = query["command"];
        if (command.Count > MaxCommandParts) throw ApiException.BadRequest($"a command may have at most {MaxCommandParts} parts");
        // kubectl sends stdout and stderr explicitly; as Kubernetes, an absent flag is false.
        return new ExecQuery(command.Select(c => c ?? "").ToList(), Flag(query, "stdin"), Flag(query, "stdout"), Flag(query, "stderr"), Flag(query, "tty"));
    }

    private static bool Flag(IQueryCollection query, string name) => query[name].ToString() is "true" or "1";
}

/// <summary>A pod whose ports may be forwarded: each connection's stream to the agent, and when the pod is gone.</summary>
public sealed record PortForwardTarget(Func<int, CancellationToken, Task<WebSocket>> Open, Func<CancellationToken, Task> UntilPodGone);
