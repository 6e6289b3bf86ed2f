using System.Net.WebSockets;

namespace OrleansOrchestrator.Dashboard.ServiceClient;

/// <summary>
/// An exec over the pod agent's <see cref="Contracts.Streaming.StreamChannels.V5"/> WebSocket. Output is read in
/// pieces of at most <see cref="ReceiveBufferBytes"/>; the reader's pace is the socket's, so a slow browser slows the
/// container's output instead of filling memory.
/// </summary>
public sealed class WebSocketExecSession(WebSocket socket) : IExecSession
{
    public const int ReceiveBufferBytes = 16 * 1024;

    /// <summary>Input larger than this goes in several messages (a paste), each well under any peer's limit.</summary>
    public const int MaxInputMessageBytes = 32 * 1024;

    private static readonly TimeSpan CloseTimeout = TimeSpan.FromSeconds(2);

    private readonly byte[] _buffer = new byte[ReceiveBufferBytes];
    private readonly ExecFrameReader _frames = new();
    // A WebSocket allows one send at a time; keystrokes and resizes come from different calls.
    private readonly SemaphoreSlim _sending = new(1, 1);
    private int _disposed;

    public ExecOutcome? Outcome { get; private set; }

    public async ValueTask<byte[]?> ReadOutput(CancellationToken cancellationToken)
    {
        while (Outcome is null)
        {
            WebSocketReceiveResult result;
            try
            {
                result = await socket.ReceiveAsync(_buffer, cancellationToken);
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested && e is WebSocketException or OperationCanceledException or ObjectDisposedException)
            {
                Outcome = new ExecOutcome(false, $"the connection to the container was lost ({e.Message})", null);
                break;
            }
            if (result.MessageType == WebSocketMessageType.Close)
            {
                Outcome = new ExecOutcome(false, "the connection to the container closed without the command's status", null);
                break;
            }
            try
            {
                if (result.MessageType != WebSocketMessageType.Binary)
                    throw new ExecProtocolException("the container's agent sent a text message; v5.channel.k8s.io is binary");
                var output = _frames.Read(_buffer.AsMemory(0, result.Count), result.EndOfMessage);
                if (_frames.Outcome is { } outcome) Outcome = outcome;
                else if (!output.IsEmpty) return output.ToArray();
            }
            catch (ExecProtocolException e)
            {
                Outcome = new ExecOutcome(false, e.Message, null);
            }
        }
        return null;
    }

    /// <summary>Input after the session ended goes nowhere (as keystrokes into a closed terminal); the reader reports the end.</summary>
    public async Task SendInput(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
    {
        for (var offset = 0; offset < bytes.Length; offset += MaxInputMessageBytes - 1)
            await Send(ExecFrames.Stdin(bytes.Span.Slice(offset, Math.Min(MaxInputMessageBytes - 1, bytes.Length - offset))), cancellationToken);
    }

    public Task Resize(int columns, int rows, CancellationToken cancellationToken) => Send(ExecFrames.Resize(columns, rows), cancellationToken);

    private async Task Send(byte[] message, CancellationToken cancellationToken)
    {
        await _sending.WaitAsync(cancellationToken);
        try
        {
            if (Outcome is null && socket.State == WebSocketState.Open)
                await socket.SendAsync(message, WebSocketMessageType.Binary, endOfMessage: true, cancellationToken);
        }
        catch (Exception e) when (e is WebSocketException or ObjectDisposedException)
        {
        }
        finally
        {
            _sending.Release();
        }
    }

    /// <summary>Closes the connection: the agent ends the command's stream (a shell gets a hang-up).</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        using var timeout = new CancellationTokenSource(CloseTimeout);
        var sending = false;
        try
        {
            sending = await _sending.WaitAsync(CloseTimeout);
            if (sending && socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", timeout.Token);
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            // A peer that is gone or slow to take the close frame: the socket is aborted below either way.
        }
        finally
        {
            socket.Dispose();
            if (sending) _sending.Release();
        }
    }
}
