using System.Globalization;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using OrleansOrchestrator.Silo.Api.Streaming.Spdy;

namespace OrleansOrchestrator.Silo.Api.Streaming;

/// <summary>
/// port-forward for kubectl's SPDY clients (<c>portforward.k8s.io</c>): per forwarded TCP connection the client opens
/// an error stream and a data stream sharing a <c>requestID</c> and naming the <c>port</c>; we open one agent WebSocket
/// for the pair and pump bytes both ways. A pair that cannot be forwarded gets the reason on its error stream (kubectl
/// prints it) while the connection carries on with the others.
/// </summary>
public static class SpdyPortForward
{
    public const string Protocol = "portforward.k8s.io";

    public static readonly IReadOnlyList<string> Protocols = [Protocol];

    public static Task Serve(Stream connection, Func<int, CancellationToken, Task<WebSocket>> openAgent, CancellationToken ct) =>
        Serve(connection, openAgent, SpdyOptions.Default, ct);

    public static async Task Serve(Stream connection, Func<int, CancellationToken, Task<WebSocket>> openAgent, SpdyOptions options, CancellationToken ct)
    {
        await using var spdy = new SpdyConnection(connection, options);
        using var lifetime = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var pairs = new Dictionary<string, PendingPair>();
        var forwards = new HashSet<Task>();
        var gate = new object();

        void OnStream(SpdyStream stream)
        {
            var type = stream.Headers["streamtype"];
            var requestId = stream.Headers["requestid"];
            if (requestId is null && type is "error" or "data")
            {
                // Clients older than requestID pair the streams by id: the error stream is opened just before its data stream.
                requestId = (type == "error" ? stream.Id : stream.Id - 2).ToString(CultureInfo.InvariantCulture);
            }
            if (type is not ("error" or "data") || requestId is null)
            {
                _ = stream.ResetAsync(SpdyWire.ProtocolError);
                return;
            }
            lock (gate)
            {
                if (!pairs.TryGetValue(requestId, out var pair))
                {
                    pair = new PendingPair(requestId);
                    pairs[requestId] = pair;
                    var started = WatchCreationAsync(pair, options.StreamCreationTimeout, lifetime.Token);
                    forwards.Add(started);
                    _ = started.ContinueWith(done => { lock (gate) forwards.Remove(done); }, TaskScheduler.Default);
                }
                if (!pair.Add(type, stream))
                {
                    _ = stream.ResetAsync(SpdyWire.ProtocolError);
                    return;
                }
                if (pair.Complete)
                    pairs.Remove(requestId);
            }
        }

        async Task WatchCreationAsync(PendingPair pair, TimeSpan timeout, CancellationToken token)
        {
            var complete = await pair.WaitAsync(timeout, token);
            lock (gate)
                pairs.Remove(pair.RequestId);
            if (!complete)
            {
                if (pair.Error is { } error)
                    await FailAsync(error, pair.Data, $"timed out waiting for the data stream of request {pair.RequestId}");
                else if (pair.Data is { } data)
                    await data.ResetAsync(SpdyWire.Cancel);
                return;
            }
            await ForwardAsync(pair.Error!, pair.Data!, openAgent, token);
        }

        var reading = spdy.Start(OnStream, lifetime.Token);
        try
        {
            await reading;
        }
        finally
        {
            await lifetime.CancelAsync();
            Task[] running;
            lock (gate)
                running = [.. forwards];
            try { await Task.WhenAll(running); } catch (OperationCanceledException) { }
        }
    }

    /// <summary>Serves port-forward for kubectl 1.31+, whose SPDY connection rides in a WebSocket (sub-protocol <see cref="SpdyUpgrade.PortForwardTunnelProtocol"/>).</summary>
    public static Task ServeTunnel(WebSocket tunnel, Func<int, CancellationToken, Task<WebSocket>> openAgent, CancellationToken ct) =>
        Serve(WebSocketStream.Create(tunnel, WebSocketMessageType.Binary, ownsWebSocket: true), openAgent, ct);

    /// <summary>A WebSocket upgrade offering the SPDY port-forward tunnel.</summary>
    public static bool IsTunnelRequest(HttpContext context) =>
        context.Request.Headers.Upgrade.ToString().Contains("websocket", StringComparison.OrdinalIgnoreCase)
        && context.Request.Headers.SecWebSocketProtocol.SelectMany(value => (value ?? "").Split(','))
            .Any(value => value.Trim() == SpdyUpgrade.PortForwardTunnelProtocol)
        && context.Features.Get<IHttpUpgradeFeature>() is { IsUpgradableRequest: true };

    /// <summary>
    /// Accepts the tunnel's WebSocket, naming its sub-protocol as kubectl requires. The handshake is ours: .NET's
    /// WebSocket accept refuses this sub-protocol name ('/' is not a token character in RFC 6455), kubectl insists on it.
    /// A request that is not a version-13 WebSocket handshake gets 400 and <see cref="PodStreamException"/>.
    /// </summary>
    public static async Task<WebSocket> AcceptTunnel(HttpContext context)
    {
        var key = context.Request.Headers.SecWebSocketKey.ToString();
        if (context.Request.Headers.SecWebSocketVersion.ToString() != "13" || key.Length is 0 or > 64)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            await context.Response.WriteAsync("a WebSocket upgrade needs Sec-WebSocket-Version: 13 and a Sec-WebSocket-Key", context.RequestAborted);
            throw new PodStreamException("not a WebSocket handshake");
        }
        var upgrade = context.Features.Get<IHttpUpgradeFeature>() ?? throw new InvalidOperationException("the request cannot be upgraded");
        var accept = Convert.ToBase64String(SHA1.HashData(Encoding.ASCII.GetBytes(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11")));
        context.Response.Headers.Upgrade = "websocket";
        context.Response.Headers.SecWebSocketAccept = accept;
        context.Response.Headers.SecWebSocketProtocol = SpdyUpgrade.PortForwardTunnelProtocol;
        var stream = await upgrade.UpgradeAsync();
        return WebSocket.CreateFromStream(stream, new WebSocketCreationOptions { IsServer = true, KeepAliveInterval = TimeSpan.FromSeconds(30) });
    }

    private static async Task ForwardAsync(SpdyStream error, SpdyStream data, Func<int, CancellationToken, Task<WebSocket>> openAgent, CancellationToken ct)
    {
        var portHeader = data.Headers["port"];
        if (!int.TryParse(portHeader, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
        {
            await FailAsync(error, data, $"invalid port header value: {portHeader}");
            return;
        }
        using var pairLifetime = CancellationTokenSource.CreateLinkedTokenSource(ct, error.Aborted, data.Aborted);
        WebSocket agent;
        try
        {
            agent = await openAgent(port, pairLifetime.Token);
        }
        catch (PodStreamException e)
        {
            await FailAsync(error, data, e.Message);
            return;
        }
        catch (OperationCanceledException)
        {
            return;
        }
        try
        {
            var upstream = ClientToAgentAsync(data, agent, pairLifetime.Token);
            var downstream = AgentToClientAsync(agent, data, pairLifetime.Token);
            await downstream;
            // The pod's side is done: tell the client (data FIN, and an empty error stream: no error).
            await data.CloseWriteAsync(pairLifetime.Token);
            await error.CloseWriteAsync(pairLifetime.Token);
            await upstream;
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or WebSocketException or ObjectDisposedException)
        {
            if (!data.IsReset)
                await data.ResetAsync(SpdyWire.Cancel);
            if (!error.IsReset)
                await error.ResetAsync(SpdyWire.Cancel);
        }
        finally
        {
            await SpdyExec.CloseAgentAsync(agent);
        }
    }

    private static async Task ClientToAgentAsync(SpdyStream data, WebSocket agent, CancellationToken ct)
    {
        var buffer = new byte[64 * 1024];
        while (true)
        {
            var read = await data.ReadAsync(buffer, ct);
            if (read == 0)
                break;
            await agent.SendAsync(buffer.AsMemory(0, read), WebSocketMessageType.Binary, true, ct);
        }
        if (data.IsReset)
            throw new IOException("the client reset the data stream");
        if (agent.State is WebSocketState.Open or WebSocketState.CloseReceived)
            await agent.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, ct);
    }

    private static async Task AgentToClientAsync(WebSocket agent, SpdyStream data, CancellationToken ct)
    {
        var buffer = new byte[64 * 1024];
        while (true)
        {
            var result = await agent.ReceiveAsync(buffer, ct);
            if (result.MessageType == WebSocketMessageType.Close)
                return;
            if (result.Count > 0)
                await data.WriteAsync(buffer.AsMemory(0, result.Count), ct);
        }
    }

    private static async Task FailAsync(SpdyStream error, SpdyStream? data, string message)
    {
        try
        {
            await error.WriteAsync(Encoding.UTF8.GetBytes(message), CancellationToken.None);
            await error.CloseWriteAsync(CancellationToken.None);
            if (data is not null)
                await data.CloseWriteAsync(CancellationToken.None);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or ObjectDisposedException or WebSocketException) { }
    }

    /// <summary>The two streams of one forwarded connection, as they arrive.</summary>
    private sealed class PendingPair(string requestId)
    {
        private readonly TaskCompletionSource _complete = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public string RequestId { get; } = requestId;
        public SpdyStream? Error { get; private set; }
        public SpdyStream? Data { get; private set; }
        public bool Complete => Error is not null && Data is not null;

        public bool Add(string type, SpdyStream stream)
        {
            if (type == "error" ? Error is not null : Data is not null)
                return false;
            if (type == "error") Error = stream; else Data = stream;
            if (Complete)
                _complete.TrySetResult();
            return true;
        }

        public async Task<bool> WaitAsync(TimeSpan timeout, CancellationToken ct)
        {
            try
            {
                await _complete.Task.WaitAsync(timeout, ct);
                return true;
            }
            catch (TimeoutException)
            {
                return false;
            }
            catch (OperationCanceledException)
            {
                return false;
            }
        }
    }
}
