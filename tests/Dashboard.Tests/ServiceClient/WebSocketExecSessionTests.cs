using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using OrleansOrchestrator.Contracts.Streaming;
using OrleansOrchestrator.Dashboard.ServiceClient;

namespace OrleansOrchestrator.Dashboard.Tests.ServiceClient;

/// <summary>
/// The session over a real WebSocket (two ends over loopback TCP): the test plays the pod's agent, sending the v5
/// messages an exec produces and reading what the dashboard sends.
/// </summary>
public sealed class WebSocketExecSessionTests : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    private WebSocket _agent = null!;
    private WebSocketExecSession _session = null!;
    private readonly List<IDisposable> _connections = [];

    public async Task InitializeAsync()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var client = new TcpClient();
        var accepting = listener.AcceptTcpClientAsync();
        await client.ConnectAsync(IPAddress.Loopback, ((IPEndPoint)listener.LocalEndpoint).Port);
        var server = await accepting;
        _connections.AddRange([client, server]);
        _agent = WebSocket.CreateFromStream(server.GetStream(), new WebSocketCreationOptions { IsServer = true, SubProtocol = StreamChannels.V5 });
        _session = new WebSocketExecSession(WebSocket.CreateFromStream(client.GetStream(), new WebSocketCreationOptions { IsServer = false, SubProtocol = StreamChannels.V5 }));
    }

    public async Task DisposeAsync()
    {
        await _session.DisposeAsync();
        _agent.Dispose();
        foreach (var connection in _connections) connection.Dispose();
    }

    [Fact]
    public async Task Output_ThenStatus_ChunksInOrderThenTheOutcome()
    {
        await AgentSends(StreamChannels.Stdout, "$ ");
        await AgentSends(StreamChannels.Stderr, "warning\n");
        await AgentSends(StreamChannels.Error, ExecStatus.Exited(3, ["sh"]));

        Assert.Equal("$ ", Encoding.UTF8.GetString((await Read())!));
        Assert.Equal("warning\n", Encoding.UTF8.GetString((await Read())!));
        Assert.Null(await Read());
        Assert.Equal(new ExecOutcome(false, "command terminated with exit code 3", 3), _session.Outcome);
    }

    [Fact]
    public async Task Output_LargerThanTheBuffer_ComesInBoundedPieces()
    {
        var big = new string('x', 3 * WebSocketExecSession.ReceiveBufferBytes);
        await AgentSends(StreamChannels.Stdout, big);
        await AgentSends(StreamChannels.Error, ExecStatus.Success());

        var received = new StringBuilder();
        while (await Read() is { } piece)
        {
            Assert.True(piece.Length <= WebSocketExecSession.ReceiveBufferBytes);
            received.Append(Encoding.UTF8.GetString(piece));
        }
        Assert.Equal(big, received.ToString());
        Assert.True(_session.Outcome?.Success);
    }

    [Fact]
    public async Task Close_WithoutStatus_EndsSayingSo()
    {
        await _agent.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", CancellationToken.None);

        Assert.Null(await Read());
        Assert.Equal("the connection to the container closed without the command's status", _session.Outcome?.Message);
    }

    [Fact]
    public async Task Connection_Lost_EndsSayingSo()
    {
        _agent.Abort();
        foreach (var connection in _connections) connection.Dispose();

        Assert.Null(await Read());
        Assert.StartsWith("the connection to the container was lost", _session.Outcome?.Message);
    }

    [Fact]
    public async Task Agent_BreaksTheProtocol_EndsWithTheReason()
    {
        await _agent.SendAsync(new byte[] { 9, 1, 2 }, WebSocketMessageType.Binary, true, CancellationToken.None);

        Assert.Null(await Read());
        Assert.Contains("channel 9", _session.Outcome?.Message);
    }

    [Fact]
    public async Task Input_AndResize_ReachTheAgentAsV5Messages()
    {
        await _session.Resize(100, 30, CancellationToken.None);
        await _session.SendInput("hostname\r"u8.ToArray(), CancellationToken.None);

        Assert.Equal(Message(StreamChannels.Resize, "{\"Width\":100,\"Height\":30}"), await AgentReceives());
        Assert.Equal(Message(StreamChannels.Stdin, "hostname\r"), await AgentReceives());
    }

    [Fact]
    public async Task Input_LargePaste_SplitIntoBoundedMessagesInOrder()
    {
        var paste = Enumerable.Range(0, 70_000).Select(i => (byte)('0' + i % 10)).ToArray();

        var sending = _session.SendInput(paste, CancellationToken.None);
        var received = new List<byte>();
        while (received.Count < paste.Length)
        {
            var message = await AgentReceives();
            Assert.True(message.Length <= WebSocketExecSession.MaxInputMessageBytes);
            Assert.Equal(StreamChannels.Stdin, message[0]);
            received.AddRange(message.AsSpan(1));
        }
        await sending.WaitAsync(Patience);
        Assert.Equal(paste, received);
    }

    [Fact]
    public async Task Dispose_ClosesTheConnection()
    {
        await _session.DisposeAsync();

        var buffer = new byte[16];
        var result = await _agent.ReceiveAsync(buffer, CancellationToken.None).WaitAsync(Patience);
        Assert.Equal(WebSocketMessageType.Close, result.MessageType);
        Assert.Equal(WebSocketCloseStatus.NormalClosure, result.CloseStatus);
    }

    [Fact]
    public async Task Input_AfterTheEnd_GoesNowhereWithoutFailing()
    {
        await AgentSends(StreamChannels.Error, ExecStatus.Success());
        Assert.Null(await Read());

        await _session.SendInput("ls\r"u8.ToArray(), CancellationToken.None);
        await _session.Resize(80, 24, CancellationToken.None);
    }

    private async Task<byte[]?> Read() => await _session.ReadOutput(CancellationToken.None).AsTask().WaitAsync(Patience);

    private Task AgentSends(byte channel, string text) => _agent.SendAsync(Message(channel, text), WebSocketMessageType.Binary, true, CancellationToken.None);

    private static byte[] Message(byte channel, string text) => [channel, .. Encoding.UTF8.GetBytes(text)];

    private async Task<byte[]> AgentReceives()
    {
        var message = new MemoryStream();
        var buffer = new byte[64 * 1024];
        WebSocketReceiveResult result;
        do
        {
            result = await _agent.ReceiveAsync(buffer, CancellationToken.None).WaitAsync(Patience);
            message.Write(buffer, 0, result.Count);
        } while (!result.EndOfMessage);
        return message.ToArray();
    }
}
