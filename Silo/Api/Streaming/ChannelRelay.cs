using System.Net.WebSockets;

namespace OrleansOrchestrator.Silo.Api.Streaming;

/// <summary>
/// Relays one exec or attach between a client's WebSocket and the agent's, message by message (both speak
/// Kubernetes' channel protocol, so nothing needs translating). Each direction holds one buffer and waits for
/// each send: a slow reader slows the writer instead of growing a queue. Either side's close ends the session.
/// </summary>
public static class ChannelRelay
{
    private const int BufferBytes = 32 * 1024;

    public static async Task Run(WebSocket client, WebSocket agent, CancellationToken cancellationToken)
    {
        using var session = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var toAgent = Pump(client, agent, session.Token);
        var toClient = Pump(agent, client, session.Token);
        var first = await Task.WhenAny(toAgent, toClient);
        // The agent's close (the command ended) has been passed on; give the client a moment to answer it, so
        // that kubectl reads the exit status before the connection drops. A client that left needs no wait.
        if (first == toClient && client.State == WebSocketState.CloseSent)
            await Task.WhenAny(toAgent, Task.Delay(TimeSpan.FromSeconds(5), CancellationToken.None));
        await session.CancelAsync();
        await Ended(toAgent);
        await Ended(toClient);
    }

    private static async Task Pump(WebSocket from, WebSocket to, CancellationToken cancellationToken)
    {
        var buffer = new byte[BufferBytes];
        while (true)
        {
            var received = await from.ReceiveAsync(buffer, cancellationToken);
            if (received.MessageType == WebSocketMessageType.Close)
            {
                if (to.State is WebSocketState.Open or WebSocketState.CloseReceived)
                    await to.CloseOutputAsync(from.CloseStatus ?? WebSocketCloseStatus.NormalClosure, from.CloseStatusDescription, cancellationToken);
                return;
            }
            await to.SendAsync(buffer.AsMemory(0, received.Count), received.MessageType, received.EndOfMessage, cancellationToken);
        }
    }

    /// <summary>A pump stopped by the other side's end or by a dropped connection has nothing left to report.</summary>
    private static async Task Ended(Task pump)
    {
        try { await pump; }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException or ObjectDisposedException or IOException) { }
    }
}
