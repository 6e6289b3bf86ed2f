using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using OrleansOrchestrator.Contracts.Streaming;
using OrleansOrchestrator.Silo.Api.Streaming.Spdy;

namespace OrleansOrchestrator.Silo.Api.Streaming;

/// <summary>
/// exec and attach for kubectl's SPDY clients: the client opens one SPDY stream per channel (header <c>streamType</c>:
/// error, stdin, stdout, stderr, resize); we relay them to the agent's <c>v5.channel.k8s.io</c> WebSocket and back.
/// Protocols: v4 (a Status JSON on the error stream, whence kubectl's exit code), v3 (adds resize) and v2 (the error
/// stream holds the message as text).
/// </summary>
public static class SpdyExec
{
    public const string V4 = "v4.channel.k8s.io";
    public const string V3 = "v3.channel.k8s.io";
    public const string V2 = "v2.channel.k8s.io";

    /// <summary>What <see cref="SpdyUpgrade.Accept"/> should offer for exec and attach, best first.</summary>
    public static readonly IReadOnlyList<string> Protocols = [V4, V3, V2];

    private const int MaxStatusBytes = 64 * 1024;
    private const int MaxResizeMessageBytes = 4 * 1024;

    public static Task Serve(Stream connection, string protocol, ExecRequest request, WebSocket agent, CancellationToken ct) =>
        Serve(connection, protocol, request, agent, SpdyOptions.Default with { ResetStreamOnOverflow = false }, ct);

    public static async Task Serve(Stream connection, string protocol, ExecRequest request, WebSocket agent, SpdyOptions options, CancellationToken ct)
    {
        if (!Protocols.Contains(protocol))
            throw new ArgumentException($"exec protocol {protocol} is not one of {string.Join(", ", Protocols)}", nameof(protocol));
        var expected = new HashSet<string> { "error" };
        if (request.Stdin) expected.Add("stdin");
        if (request.Stdout) expected.Add("stdout");
        if (request.Stderr) expected.Add("stderr");
        if (request.Tty && protocol != V2) expected.Add("resize");

        // stdin (wait policy): the only busy client→server stream, so the reader may wait for it without starving anyone.
        await using var spdy = new SpdyConnection(connection, options);
        var streams = new Dictionary<string, SpdyStream>();
        var arrived = Channel.CreateUnbounded<SpdyStream>();
        var reading = spdy.Start(stream => arrived.Writer.TryWrite(stream), ct);
        using var lifetime = CancellationTokenSource.CreateLinkedTokenSource(ct, spdy.Closed);
        try
        {
            using (var creation = CancellationTokenSource.CreateLinkedTokenSource(lifetime.Token))
            {
                creation.CancelAfter(options.StreamCreationTimeout);
                while (streams.Count < expected.Count)
                {
                    var stream = await arrived.Reader.ReadAsync(creation.Token);
                    var type = stream.Headers["streamtype"];
                    if (type is null || !expected.Contains(type) || streams.ContainsKey(type))
                    {
                        await stream.ResetAsync(SpdyWire.ProtocolError);
                        continue;
                    }
                    streams[type] = stream;
                }
            }

            var sendLock = new SemaphoreSlim(1, 1);
            var pumps = new List<Task>();
            if (streams.TryGetValue("stdin", out var stdin))
                pumps.Add(PumpStdinAsync(stdin, agent, sendLock, lifetime.Token));
            if (streams.TryGetValue("resize", out var resize))
                pumps.Add(PumpResizeAsync(resize, agent, sendLock, lifetime.Token));

            var status = await RelayAgentAsync(agent, streams, lifetime.Token);
            var error = streams["error"];
            var text = protocol == V4 ? status : StatusAsText(status);
            if (text.Length > 0)
                await error.WriteAsync(Encoding.UTF8.GetBytes(text), lifetime.Token);
            foreach (var stream in streams.Values)
                await stream.CloseWriteAsync(lifetime.Token);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or WebSocketException or ChannelClosedException)
        {
            // The client went away, stopped creating streams in time, or the agent broke: nothing more to tell anyone.
        }
        finally
        {
            await CloseAgentAsync(agent);
            await spdy.CloseAsync();
            try { await reading; } catch (OperationCanceledException) { }
        }
    }

    /// <summary>Relays the agent's channels to the client's streams until the agent ends; returns the Status JSON it ended with.</summary>
    private static async Task<string> RelayAgentAsync(WebSocket agent, Dictionary<string, SpdyStream> streams, CancellationToken ct)
    {
        var buffer = new byte[64 * 1024];
        var status = new MemoryStream();
        while (true)
        {
            // A message may come in several frames: its first byte is the channel, the rest goes where the channel says.
            var first = true;
            byte channel = 0;
            WebSocketReceiveResult result;
            do
            {
                result = await agent.ReceiveAsync(buffer, ct);
                if (result.MessageType == WebSocketMessageType.Close)
                    return status.Length > 0 ? Encoding.UTF8.GetString(status.ToArray())
                        : ExecStatus.Failed("the container's stream ended without a status");
                var data = buffer.AsMemory(0, result.Count);
                if (first)
                {
                    if (data.Length == 0)
                        continue;
                    channel = data.Span[0];
                    data = data[1..];
                    first = false;
                }
                switch (channel)
                {
                    case StreamChannels.Stdout when streams.TryGetValue("stdout", out var stdout):
                        await stdout.WriteAsync(data, ct);
                        break;
                    case StreamChannels.Stderr when streams.TryGetValue("stderr", out var stderr):
                        await stderr.WriteAsync(data, ct);
                        break;
                    case StreamChannels.Error:
                        if (status.Length + data.Length > MaxStatusBytes)
                            throw new IOException("the agent's status is too large");
                        status.Write(data.Span);
                        break;
                    case StreamChannels.Close when data.Length > 0:
                        var closed = data.Span[0] switch
                        {
                            StreamChannels.Stdout => "stdout",
                            StreamChannels.Stderr => "stderr",
                            _ => null,
                        };
                        if (closed is not null && streams.TryGetValue(closed, out var toClose))
                            await toClose.CloseWriteAsync(ct);
                        break;
                }
            }
            while (!result.EndOfMessage);
        }
    }

    private static async Task PumpStdinAsync(SpdyStream stdin, WebSocket agent, SemaphoreSlim sendLock, CancellationToken ct)
    {
        var buffer = new byte[32 * 1024 + 1];
        buffer[0] = StreamChannels.Stdin;
        try
        {
            while (true)
            {
                var read = await stdin.ReadAsync(buffer.AsMemory(1), ct);
                if (read == 0)
                    break;
                await SendAsync(agent, sendLock, buffer.AsMemory(0, read + 1), ct);
            }
            if (!stdin.IsReset)
                await SendAsync(agent, sendLock, new byte[] { StreamChannels.Close, StreamChannels.Stdin }, ct);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or WebSocketException or ObjectDisposedException) { }
    }

    /// <summary>The client writes terminal sizes as a stream of JSON objects; the agent wants one object per message.</summary>
    private static async Task PumpResizeAsync(SpdyStream resize, WebSocket agent, SemaphoreSlim sendLock, CancellationToken ct)
    {
        var splitter = new JsonObjectSplitter(MaxResizeMessageBytes);
        var buffer = new byte[4096];
        try
        {
            while (true)
            {
                var read = await resize.ReadAsync(buffer, ct);
                if (read == 0)
                    break;
                foreach (var json in splitter.Push(buffer.AsSpan(0, read)))
                {
                    var message = new byte[json.Length + 1];
                    message[0] = StreamChannels.Resize;
                    json.CopyTo(message, 1);
                    await SendAsync(agent, sendLock, message, ct);
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or WebSocketException or ObjectDisposedException or JsonException) { }
    }

    private static async Task SendAsync(WebSocket agent, SemaphoreSlim sendLock, ReadOnlyMemory<byte> message, CancellationToken ct)
    {
        await sendLock.WaitAsync(ct);
        try
        {
            await agent.SendAsync(message, WebSocketMessageType.Binary, true, ct);
        }
        finally
        {
            sendLock.Release();
        }
    }

    /// <summary>v2/v3 clients read the error stream as the failure's message (nothing at all for success).</summary>
    internal static string StatusAsText(string statusJson)
    {
        try
        {
            using var document = JsonDocument.Parse(statusJson);
            var root = document.RootElement;
            if (root.TryGetProperty("status", out var state) && state.ValueKind == JsonValueKind.String && state.GetString() == "Success")
                return "";
            return root.TryGetProperty("message", out var message) && message.ValueKind == JsonValueKind.String
                ? message.GetString() ?? "" : statusJson;
        }
        catch (JsonException)
        {
            return statusJson;
        }
    }

    internal static async Task CloseAgentAsync(WebSocket agent)
    {
        try
        {
            if (agent.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await agent.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, timeout.Token);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or WebSocketException or ObjectDisposedException) { }
        finally
        {
            if (agent.State != WebSocketState.Closed)
                agent.Abort();
            agent.Dispose();
        }
    }
}

/// <summary>Cuts a byte stream of concatenated JSON objects (as Go's json.Encoder writes them) into whole objects; bounded.</summary>
internal sealed class JsonObjectSplitter(int maxObjectBytes)
{
    private readonly List<byte> _current = [];
    private int _depth;
    private bool _inString;
    private bool _escaped;

    public List<byte[]> Push(ReadOnlySpan<byte> data)
    {
        var done = new List<byte[]>();
        foreach (var b in data)
        {
            if (_depth == 0 && b != (byte)'{')
            {
                if (b is (byte)' ' or (byte)'\n' or (byte)'\r' or (byte)'\t')
                    continue;
                throw new JsonException("resize stream holds something other than JSON objects");
            }
            _current.Add(b);
            if (_current.Count > maxObjectBytes)
                throw new JsonException($"resize message larger than {maxObjectBytes} bytes");
            if (_inString)
            {
                if (_escaped) _escaped = false;
                else if (b == (byte)'\\') _escaped = true;
                else if (b == (byte)'"') _inString = false;
                continue;
            }
            switch (b)
            {
                case (byte)'"': _inString = true; break;
                case (byte)'{': _depth++; break;
                case (byte)'}':
                    if (--_depth == 0)
                    {
                        done.Add([.. _current]);
                        _current.Clear();
                    }
                    break;
            }
        }
        return done;
    }
}
