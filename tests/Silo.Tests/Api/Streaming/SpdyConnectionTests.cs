using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using OrleansOrchestrator.Contracts.Streaming;
using OrleansOrchestrator.Silo.Api.Streaming;
using OrleansOrchestrator.Silo.Api.Streaming.Spdy;

namespace OrleansOrchestrator.Silo.Tests.Api.Streaming;

/// <summary>The multiplexer and the exec bridge against a raw SPDY peer on loopback TCP (the frames a client would send).</summary>
public sealed class SpdyConnectionTests
{
    private static SpdyHeaders Headers(params (string Name, string Value)[] pairs) =>
        new(pairs.Select(p => new KeyValuePair<string, string>(p.Name, p.Value)).ToList());

    private static async Task<(NetworkStream Client, NetworkStream Server)> SocketPair()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var client = new TcpClient();
        var accepting = listener.AcceptTcpClientAsync();
        await client.ConnectAsync(IPAddress.Loopback, ((IPEndPoint)listener.LocalEndpoint).Port);
        var server = await accepting;
        return (client.GetStream(), server.GetStream());
    }

    /// <summary>Frames from the server until <paramref name="until"/> matches one (or the connection ends).</summary>
    private static async Task<List<SpdyFrame>> ReadUntil(SpdyFrameReader reader, Func<SpdyFrame, bool> until)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var frames = new List<SpdyFrame>();
        while (await reader.ReadAsync(timeout.Token) is { } frame)
        {
            frames.Add(frame);
            if (until(frame))
                break;
        }
        return frames;
    }

    [Fact]
    public async Task A_stream_whose_consumer_stalls_is_reset_while_the_others_go_on()
    {
        var (client, server) = await SocketPair();
        var options = SpdyOptions.Default with { StreamBufferBytes = 64 * 1024 };
        await using var connection = new SpdyConnection(server, options);
        var streams = new System.Collections.Concurrent.ConcurrentDictionary<int, SpdyStream>();
        _ = connection.Start(stream => streams[stream.Id] = stream, CancellationToken.None);

        var writer = new SpdyFrameWriter();
        using var reader = new SpdyFrameReader(client);
        await client.WriteAsync(writer.SynStream(1, 0, 0, 0, Headers(("streamtype", "data"))));
        await client.WriteAsync(writer.SynStream(3, 0, 0, 0, Headers(("streamtype", "data"))));
        for (var i = 0; i < 10; i++) // 320 KiB to a stream nobody reads
            await client.WriteAsync(writer.Data(1, new byte[32 * 1024], fin: false));
        await client.WriteAsync(writer.Data(3, "still flowing"u8, fin: true));

        var reset = await ReadUntil(reader, frame => frame is SpdyRstStreamFrame);
        Assert.Equal(new SpdyRstStreamFrame(1, SpdyWire.FlowControlError), reset[^1]);
        Assert.Contains(reset, frame => frame is SpdySynReplyFrame { StreamId: 3 });
        var other = streams[3];
        var buffer = new byte[100];
        var read = await other.ReadAsync(buffer, CancellationToken.None);
        Assert.Equal("still flowing", System.Text.Encoding.ASCII.GetString(buffer, 0, read));
        Assert.Equal(0, await other.ReadAsync(buffer, CancellationToken.None));
    }

    [Fact]
    public async Task Received_bytes_arrive_intact_while_their_pooled_buffers_are_reused_by_other_streams()
    {
        // Payload buffers go back to the shared pool as soon as a reader has copied them, and when a reset stream drops
        // what it held: given back too early, a buffer refilled by the next frame would corrupt what a reader sees.
        var (client, server) = await SocketPair();
        await using var connection = new SpdyConnection(server, SpdyOptions.Default with { StreamBufferBytes = 256 * 1024, ResetStreamOnOverflow = false });
        var streams = new System.Collections.Concurrent.ConcurrentDictionary<int, SpdyStream>();
        _ = connection.Start(stream => streams[stream.Id] = stream, CancellationToken.None);
        var writer = new SpdyFrameWriter();
        using var reader = new SpdyFrameReader(client);
        await client.WriteAsync(writer.SynStream(1, 0, 0, 0, Headers(("streamtype", "data"))));
        await client.WriteAsync(writer.SynStream(3, 0, 0, 0, Headers(("streamtype", "data"))));
        await ReadUntil(reader, frame => frame is SpdySynReplyFrame { StreamId: 3 });

        static byte Expected(long offset) => (byte)(offset * 7 % 251);
        var sent = 0L;
        var received = new List<byte>();
        var reading = Task.Run(async () =>
        {
            var buffer = new byte[1000]; // smaller than any frame: a frame is copied out over several reads
            int n;
            while ((n = await streams[1].ReadAsync(buffer, CancellationToken.None)) > 0)
                received.AddRange(buffer.AsSpan(0, n).ToArray());
        });
        for (var i = 0; i < 200; i++)
        {
            var frame = new byte[1500 + i * 97 % 30_000];
            for (var j = 0; j < frame.Length; j++) frame[j] = Expected(sent + j);
            sent += frame.Length;
            await client.WriteAsync(writer.Data(1, frame, fin: false));
            await client.WriteAsync(writer.Data(3, Enumerable.Repeat((byte)0xEE, 4096).ToArray(), fin: false)); // never read
            if (i == 20)
                await client.WriteAsync(writer.RstStream(3, SpdyWire.Cancel)); // its buffered frames go back to the pool
        }
        await client.WriteAsync(writer.Data(1, ReadOnlySpan<byte>.Empty, fin: true));
        await reading.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(sent, received.Count);
        var firstWrong = Enumerable.Range(0, received.Count).FirstOrDefault(k => received[k] != Expected(k), -1);
        Assert.True(firstWrong < 0, $"byte {firstWrong} of {sent} differs from what was sent");
    }

    [Fact]
    public async Task Pings_are_echoed_and_a_protocol_error_ends_the_connection_with_goaway()
    {
        var (client, server) = await SocketPair();
        await using var connection = new SpdyConnection(server);
        _ = connection.Start(_ => { }, CancellationToken.None);
        using var reader = new SpdyFrameReader(client);
        var writer = new SpdyFrameWriter();

        await client.WriteAsync(writer.Ping(41));
        Assert.Contains(new SpdyPingFrame(41), await ReadUntil(reader, frame => frame is SpdyPingFrame));

        await client.WriteAsync(writer.SynStream(2, 0, 0, 0, SpdyHeaders.Empty)); // even ids are the server's
        var end = await ReadUntil(reader, frame => frame is SpdyGoAwayFrame);
        Assert.Equal(SpdyWire.GoAwayProtocolError, Assert.IsType<SpdyGoAwayFrame>(end[^1]).Status);
        Assert.Null(await reader.ReadAsync(CancellationToken.None));
    }

    [Fact]
    public async Task An_exec_client_that_never_opens_its_streams_is_dropped_and_the_agent_closed()
    {
        var (client, server) = await SocketPair();
        var (agentOurs, agentTheirs) = await SocketPair();
        using var agent = WebSocket.CreateFromStream(agentOurs, new WebSocketCreationOptions { IsServer = false });
        using var fakeAgent = WebSocket.CreateFromStream(agentTheirs, new WebSocketCreationOptions { IsServer = true });
        var options = SpdyOptions.Default with { StreamCreationTimeout = TimeSpan.FromMilliseconds(300), ResetStreamOnOverflow = false };
        var request = new ExecRequest("c", ["sh"], Stdin: true, Stdout: true, Stderr: true, Tty: false);

        var serving = SpdyExec.Serve(server, SpdyExec.V4, request, agent, options, CancellationToken.None);
        using var reader = new SpdyFrameReader(client);
        await client.WriteAsync(new SpdyFrameWriter().SynStream(1, 0, 0, 0, Headers(("streamtype", "error")))); // and nothing more

        var frames = await ReadUntil(reader, frame => frame is SpdyGoAwayFrame);
        Assert.IsType<SpdyGoAwayFrame>(frames[^1]);
        await serving.WaitAsync(TimeSpan.FromSeconds(30));
        var received = await fakeAgent.ReceiveAsync(new byte[16], CancellationToken.None);
        Assert.Equal(WebSocketMessageType.Close, received.MessageType);
    }

    /// <summary>The exec bridge's mapping, frame by frame: what a v4 client sends reaches the agent as v5 messages and back.</summary>
    [Fact]
    public async Task Exec_maps_client_streams_to_the_agents_v5_channels_and_back()
    {
        var (client, server) = await SocketPair();
        var (agentOurs, agentTheirs) = await SocketPair();
        using var agent = WebSocket.CreateFromStream(agentOurs, new WebSocketCreationOptions { IsServer = false });
        using var fakeAgent = WebSocket.CreateFromStream(agentTheirs, new WebSocketCreationOptions { IsServer = true });
        var request = new ExecRequest("c", ["sh"], Stdin: true, Stdout: true, Stderr: false, Tty: true);
        var serving = SpdyExec.Serve(server, SpdyExec.V4, request, agent, CancellationToken.None);
        var writer = new SpdyFrameWriter();
        using var reader = new SpdyFrameReader(client);
        var streamIds = new Dictionary<string, int> { ["error"] = 1, ["stdin"] = 3, ["stdout"] = 5, ["resize"] = 7 };
        foreach (var (type, id) in streamIds)
            await client.WriteAsync(writer.SynStream(id, 0, 0, 0, Headers(("streamtype", type))));

        await client.WriteAsync(writer.Data(7, "{\"Width\":100,\"Height\":40}\n"u8, fin: false));
        await client.WriteAsync(writer.Data(3, "ls\n"u8, fin: true));
        var buffer = new byte[1024];
        async Task<string> Receive()
        {
            var result = await fakeAgent.ReceiveAsync(buffer, CancellationToken.None);
            return $"{buffer[0]}:{System.Text.Encoding.UTF8.GetString(buffer, 1, result.Count - 1)}";
        }
        var received = new[] { await Receive(), await Receive(), await Receive() };
        Assert.Contains($"{StreamChannels.Resize}:{{\"Width\":100,\"Height\":40}}", received);
        Assert.Equal($"{StreamChannels.Stdin}:ls\n", received.First(m => m.StartsWith($"{StreamChannels.Stdin}:")));
        Assert.Equal($"{StreamChannels.Close}:\0", received.Last(m => !m.StartsWith($"{StreamChannels.Resize}:")));

        await fakeAgent.SendAsync(new byte[] { StreamChannels.Stdout, (byte)'h', (byte)'i' }, WebSocketMessageType.Binary, true, CancellationToken.None);
        var status = ExecStatus.Exited(2, ["sh"]);
        await fakeAgent.SendAsync((byte[])[StreamChannels.Error, .. System.Text.Encoding.UTF8.GetBytes(status)], WebSocketMessageType.Binary, true, CancellationToken.None);
        await fakeAgent.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);

        var frames = await ReadUntil(reader, frame => frame is SpdyGoAwayFrame);
        var data = frames.OfType<SpdyDataFrame>().ToList();
        Assert.Equal("hi", string.Concat(data.Where(f => f.StreamId == 5).Select(f => System.Text.Encoding.UTF8.GetString(f.Data.Span))));
        Assert.Equal(status, string.Concat(data.Where(f => f.StreamId == 1).Select(f => System.Text.Encoding.UTF8.GetString(f.Data.Span))));
        Assert.All(streamIds.Values, id => Assert.Contains(data, f => f.StreamId == id && f.Fin));
        await serving.WaitAsync(TimeSpan.FromSeconds(30));
    }

    [Fact]
    public void Negotiation_picks_the_clients_first_supported_protocol()
    {
        Assert.Equal(SpdyExec.V4, SpdyUpgrade.Negotiate(["v5.channel.k8s.io", "v4.channel.k8s.io", "v3.channel.k8s.io"], SpdyExec.Protocols));
        Assert.Equal(SpdyExec.V3, SpdyUpgrade.Negotiate(["v3.channel.k8s.io", "v4.channel.k8s.io"], SpdyExec.Protocols));
        Assert.Null(SpdyUpgrade.Negotiate(["v5.channel.k8s.io", "channel.k8s.io"], SpdyExec.Protocols));
        Assert.Equal("", SpdyUpgrade.Negotiate([], SpdyPortForward.Protocols));
    }
}
