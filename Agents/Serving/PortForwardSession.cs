using System.Net.Sockets;
using System.Net.WebSockets;

namespace OrleansOrchestrator.Agents.Serving;

/// <summary>
/// One forwarded connection: the client's WebSocket messages are the bytes to the pod's port, the pod's bytes come back
/// as binary messages. Either side's end closes that direction (a WebSocket close, a TCP half-close); the other side
/// then has <see cref="NodeServerOptions.PortForwardLinger"/> to finish before both are closed. Bounded as
/// <see cref="ChannelSession"/> is: one fixed buffer per direction, each write awaited.
/// </summary>
internal sealed class PortForwardSession(WebSocket socket, Socket pod, NodeServerOptions options)
{
    private const int BufferSize = 64 * 1024;

    private readonly IdleWatch _idle = new(options.IdleTimeout, options.Time);

    public async Task Run(CancellationToken stopping)
    {
        // Not linked to the agent's stop: cancelling a WebSocket's pending receive aborts it instead of closing it.
        using var pumps = new CancellationTokenSource();
        var toPod = ClientToPod(pumps.Token);
        var toClient = PodToClient(pumps.Token);
        var idle = _idle.UntilIdle(pumps.Token);
        var stop = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var onStop = stopping.Register(() => stop.TrySetResult());
        var stopped = stop.Task;
        try
        {
            var first = await Task.WhenAny(toPod, toClient, idle, stopped).ConfigureAwait(false);
            if ((first == toPod || first == toClient) && first.IsCompletedSuccessfully)
            {
                var other = first == toPod ? toClient : toPod;
                await Task.WhenAny(other, idle, stopped, Task.Delay(options.PortForwardLinger, options.Time, pumps.Token)).ConfigureAwait(false);
            }

            // Closing the pod's socket ends the pod-to-client pump (unless a send to a slow client is under way, which
            // gets the close timeout); only then may a close be sent on the WebSocket.
            pod.Dispose();
            if (await Finished(toClient).ConfigureAwait(false) && socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                using var closing = new CancellationTokenSource(options.CloseTimeout);
                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, first == idle ? "idle timeout" : first == stopped ? "the node agent is stopping" : null, closing.Token).ConfigureAwait(false);
                await Finished(toPod).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or IOException or ObjectDisposedException)
        {
            // The client went away while we closed.
        }
        finally
        {
            await pumps.CancelAsync().ConfigureAwait(false);
            pod.Dispose();
            socket.Abort();
            await ChannelSession.Quietly(toPod, toClient, idle).ConfigureAwait(false);
            socket.Dispose();
        }
    }

    private async Task ClientToPod(CancellationToken cancellationToken)
    {
        var buffer = new byte[BufferSize];
        while (true)
        {
            var received = await socket.ReceiveAsync(buffer.AsMemory(), cancellationToken).ConfigureAwait(false);
            if (received.MessageType == WebSocketMessageType.Close)
            {
                pod.Shutdown(SocketShutdown.Send); // the pod's server reads end of file, and may still answer
                return;
            }

            _idle.Touch();
            var sent = 0;
            while (sent < received.Count)
            {
                sent += await pod.SendAsync(buffer.AsMemory(sent, received.Count - sent), SocketFlags.None, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task PodToClient(CancellationToken cancellationToken)
    {
        var buffer = new byte[BufferSize];
        while (true)
        {
            var read = await pod.ReceiveAsync(buffer.AsMemory(), SocketFlags.None, cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, cancellationToken).ConfigureAwait(false);
                return;
            }

            await socket.SendAsync(buffer.AsMemory(0, read), WebSocketMessageType.Binary, endOfMessage: true, cancellationToken).ConfigureAwait(false);
            _idle.Touch();
        }
    }

    private async Task<bool> Finished(Task task)
    {
        await Task.WhenAny(task, Task.Delay(options.CloseTimeout, options.Time)).ConfigureAwait(false);
        return task.IsCompleted;
    }
}
