using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using OrleansOrchestrator.Agents.Runtime;
using OrleansOrchestrator.Contracts.Streaming;

namespace OrleansOrchestrator.Agents.Serving;

/// <summary>
/// The node's HTTP server, as a kubelet's: the API server reaches it (with the node's secret as bearer token, see
/// <see cref="Contracts.Nodes.AgentEndpoint"/>) for what must come from the node itself:
/// <list type="bullet">
/// <item><c>GET /containerLogs/{node}/{podUid}/{container}?follow=&amp;tailLines=&amp;previous=</c>: the engine's output as it
/// comes (<c>kubectl logs</c>);</item>
/// <item><c>GET /exec/…</c>, <c>GET /attach/…</c>: a WebSocket on <c>v5.channel.k8s.io</c> (<see cref="ChannelSession"/>);</item>
/// <item><c>GET /portForward/{node}/{podUid}?port=N</c>: a WebSocket carrying one connection to the pod's port
/// (<see cref="PortForwardSession"/>).</item>
/// </list>
/// A streaming endpoint checks everything it can before upgrading — the node, the pod, the container, the port — and
/// refuses with an HTTP status whose message is in the <see cref="AgentStreamPaths.ErrorHeader"/> header and the body.
/// <para>
/// <see cref="HttpListener"/>'s managed implementation (Linux) upgrades to WebSockets itself
/// (<see cref="HttpListenerContext.AcceptWebSocketAsync(string?, int, TimeSpan)"/>), so the agent needs no web framework.
/// </para>
/// </summary>
public sealed partial class NodeServer : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Dictionary<string, IContainerRuntime> _nodes = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<Task, bool> _serving = new();
    private readonly string _token;
    private readonly NodeServerOptions _options;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private Task? _loop;

    public NodeServer(string address, string token, NodeServerOptions options, ILogger logger)
    {
        Port = FreeTcpPort(address);
        BaseUrl = $"http://{address}:{Port}";
        _listener.Prefixes.Add(BaseUrl + "/");
        _token = token;
        _options = options;
        _logger = logger;
    }

    public int Port { get; }
    public string BaseUrl { get; }

    public void AddNode(string node, IContainerRuntime runtime)
    {
        lock (_nodes) _nodes[node] = runtime;
    }

    public void Start()
    {
        _listener.Start();
        _loop = Task.Run(AcceptLoop);
    }

    private async Task AcceptLoop()
    {
        while (!_stop.IsCancellationRequested)
        {
            HttpListenerContext context;
            try { context = await _listener.GetContextAsync(); }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException) { break; }
            var serving = Task.Run(() => Serve(context));
            _serving[serving] = true;
            _ = serving.ContinueWith(done => _serving.TryRemove(done, out _), TaskScheduler.Default);
        }
    }

    private async Task Serve(HttpListenerContext context)
    {
        var response = context.Response;
        var upgraded = false;
        try
        {
            if (context.Request.Headers["Authorization"] != $"Bearer {_token}") throw new NodeRouteException(401, "Unauthorized");

            var route = NodeRoutes.Parse(context.Request.RawUrl ?? "/");
            IContainerRuntime? runtime;
            lock (_nodes) runtime = _nodes.GetValueOrDefault(route.Node);
            if (runtime is null) throw new NodeRouteException(404, $"node \"{route.Node}\" is not served here");

            switch (route)
            {
                case ContainerLogsRoute logs:
                    await ServeLogs(response, runtime, logs);
                    break;
                case ContainerStreamRoute stream:
                    upgraded = await ServeContainerStream(context, runtime, stream);
                    break;
                case PortForwardRoute forward:
                    upgraded = await ServePortForward(context, runtime, forward);
                    break;
            }
        }
        catch (NodeRouteException e)
        {
            await Refuse(response, e.StatusCode, e.Message);
        }
        catch (Exception e) when (e is HttpListenerException or IOException or OperationCanceledException or WebSocketException)
        {
            // The reader went away (kubectl logs -f interrupted) or the agent is stopping.
        }
        catch (Exception e)
        {
            LogServeFailed(_logger, e, context.Request.Url?.AbsolutePath);
            await Refuse(response, 500, $"internal error: {e.Message}");
        }
        finally
        {
            // An upgraded connection belongs to its WebSocket, which its session has closed.
            if (!upgraded)
            {
                try { response.Close(); }
                catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException) { }
            }
        }
    }

    private async Task ServeLogs(HttpListenerResponse response, IContainerRuntime runtime, ContainerLogsRoute route)
    {
        var attempts = (await runtime.ListPodContainers(route.PodUid, _stop.Token))
            .Where(c => c.Name == route.Container).OrderByDescending(c => c.Attempt).ToList();
        var container = route.Previous ? attempts.Skip(1).FirstOrDefault() : attempts.FirstOrDefault();
        if (container is null)
        {
            throw new NodeRouteException(400, route.Previous
                ? $"previous terminated container \"{route.Container}\" not found"
                : $"container \"{route.Container}\" is not running yet");
        }

        var follow = route.Follow && !route.Previous && container.State == ContainerRunState.Running;
        response.ContentType = "text/plain";
        response.SendChunked = true;
        await using var logs = await runtime.Logs(container.Id, follow, route.TailLines, _stop.Token);
        var buffer = new byte[8192];
        int read;
        while ((read = await logs.ReadAsync(buffer, _stop.Token)) > 0)
        {
            await response.OutputStream.WriteAsync(buffer.AsMemory(0, read), _stop.Token);
            await response.OutputStream.FlushAsync(_stop.Token);
        }
    }

    /// <returns>Whether the connection was upgraded (and is now closed by its session).</returns>
    private async Task<bool> ServeContainerStream(HttpListenerContext context, IContainerRuntime runtime, ContainerStreamRoute route)
    {
        if (!runtime.SupportsStreaming) throw new NodeRouteException(400, $"{route.Verb} is not supported by simulated nodes");
        var protocol = ChannelProtocol(context.Request);
        var container = (await runtime.ListPodContainers(route.PodUid, _stop.Token))
            .Where(c => c.Name == route.Request.Container)
            .MaxBy(c => c.Attempt);
        if (container is not { State: ContainerRunState.Running })
            throw new NodeRouteException(404, $"container not found (\"{route.Request.Container}\")");

        // Started before the upgrade, so that an engine's refusal is still an HTTP answer.
        IContainerSession session;
        try
        {
            session = route.Attach
                ? await runtime.Attach(container.Id, new AttachStreams(route.Request.Stdin, route.Request.Stdout, route.Request.Stderr), _stop.Token)
                : await runtime.StartExec(container.Id, new InteractiveExec(route.Request.Command, route.Request.Stdin, route.Request.Stdout, route.Request.Stderr, route.Request.Tty), _stop.Token);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // E.g. the container stopped between the look and the start (the engine's 409).
            throw new NodeRouteException(500, $"cannot {route.Verb} in container \"{route.Request.Container}\": {e.Message}");
        }

        WebSocket socket;
        try
        {
            socket = (await context.AcceptWebSocketAsync(protocol, receiveBufferSize: 16 * 1024, WebSocket.DefaultKeepAliveInterval)).WebSocket;
        }
        catch
        {
            await session.DisposeAsync();
            throw;
        }

        await new ChannelSession(socket, session, route, v5: protocol == StreamChannels.V5, _options).Run(_stop.Token);
        return true;
    }

    private async Task<bool> ServePortForward(HttpListenerContext context, IContainerRuntime runtime, PortForwardRoute route)
    {
        if (!runtime.SupportsStreaming) throw new NodeRouteException(400, "port forwarding is not supported by simulated nodes");
        if (!context.Request.IsWebSocketRequest) throw new NodeRouteException(400, "port forwarding needs a WebSocket upgrade");
        var sandbox = (await runtime.ListSandboxes(_stop.Token)).FirstOrDefault(s => s.Pod.Uid == route.PodUid && s.Running)
            ?? throw new NodeRouteException(404, $"pod not found (\"{route.PodUid}\")");

        // Connected before the upgrade: a refused port is an HTTP answer the API can pass on.
        Socket pod;
        try
        {
            pod = await runtime.ConnectToPod(sandbox.Id, route.Port, _stop.Token);
        }
        catch (PodPortUnreachableException e)
        {
            throw new NodeRouteException(502, $"error forwarding port {route.Port} to pod {route.PodUid}: {e.Message}");
        }

        WebSocket socket;
        try
        {
            socket = (await context.AcceptWebSocketAsync(subProtocol: null, receiveBufferSize: 16 * 1024, WebSocket.DefaultKeepAliveInterval)).WebSocket;
        }
        catch
        {
            pod.Dispose();
            throw;
        }

        await new PortForwardSession(socket, pod, _options).Run(_stop.Token);
        return true;
    }

    /// <summary>v5 when the client offers it (it can close stdin), else v4.</summary>
    private static string ChannelProtocol(HttpListenerRequest request)
    {
        if (!request.IsWebSocketRequest) throw new NodeRouteException(400, $"a WebSocket upgrade with protocol {StreamChannels.V5} is required");
        var offered = (request.Headers["Sec-WebSocket-Protocol"] ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        return offered.Contains(StreamChannels.V5) ? StreamChannels.V5
            : offered.Contains(StreamChannels.V4) ? StreamChannels.V4
            : throw new NodeRouteException(400, $"the WebSocket must offer protocol {StreamChannels.V5} (offered: {string.Join(", ", offered)})");
    }

    private static async Task Refuse(HttpListenerResponse response, int code, string message)
    {
        try
        {
            response.StatusCode = code;
            response.Headers[AgentStreamPaths.ErrorHeader] = AgentStreamPaths.HeaderSafe(message);
            response.ContentType = "text/plain; charset=utf-8";
            var bytes = Encoding.UTF8.GetBytes(message);
            response.ContentLength64 = bytes.Length;
            await response.OutputStream.WriteAsync(bytes);
        }
        catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException or IOException)
        {
            // Too late to answer (the logs had begun), or the client is gone.
        }
    }

    /// <summary>HttpListener cannot pick a port itself; the OS lends us a free one for a moment.</summary>
    private static int FreeTcpPort(string address)
    {
        using var probe = new TcpListener(IPAddress.Parse(address), 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        // Sessions end at once on the stop, each telling its client why and stopping its command: let them finish (each
        // within its close timeout) before the listener goes, which would cut their connections.
        await Task.WhenAny(ChannelSession.Quietly([.. _serving.Keys]), Task.Delay(_options.CloseTimeout * 2, _options.Time));
        _listener.Close();
        if (_loop is not null) await _loop;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Serving {Path} failed")]
    private static partial void LogServeFailed(ILogger logger, Exception exception, string? path);
}
