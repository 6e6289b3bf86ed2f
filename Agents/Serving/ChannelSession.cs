using System.Net.WebSockets;
using System.Text;
using OrleansOrchestrator.Agents.Runtime;
using OrleansOrchestrator.Contracts.Streaming;

namespace OrleansOrchestrator.Agents.Serving;

/// <summary>
/// One exec or attach on the <c>v5.channel.k8s.io</c> protocol (or v4, which cannot close stdin): the client's stdin
/// and resize messages go to the engine's session, the process's stdout and stderr come back on their channels, and
/// when the process ends one Status on the error channel and a normal close end the WebSocket.
/// <para>
/// Bounded by construction: each direction copies through one fixed buffer and awaits each write before reading
/// again, so a slow reader on either side slows the writer instead of growing a queue. A session ends — and an exec'd
/// command is stopped — when the process ends, the client goes away, nothing moves for the idle timeout, or the
/// agent stops.
/// </para>
/// </summary>
internal sealed class ChannelSession(
    WebSocket socket, IContainerSession container, ContainerStreamRoute route, bool v5, NodeServerOptions options)
{
    private const int BufferSize = 32 * 1024;

    private readonly IdleWatch _idle = new(options.IdleTimeout, options.Time);

    public async Task Run(CancellationToken stopping)
    {
        // Not linked to the agent's stop: cancelling a WebSocket's pending receive aborts it, and a stopping agent still
        // closes its sessions properly (with a Status saying why).
        using var pumps = new CancellationTokenSource();
        var output = PumpOutput(pumps.Token);
        var input = PumpInput(pumps.Token);
        var idle = _idle.UntilIdle(pumps.Token);
        var stop = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var onStop = stopping.Register(() => stop.TrySetResult());
        var stopped = stop.Task;
        try
        {
            var first = await Task.WhenAny(output, input, idle, stopped).ConfigureAwait(false);
            string? status;
            if (first == output && output.IsCompletedSuccessfully)
            {
                status = await FinalStatus().ConfigureAwait(false);
            }
            else
            {
                // The session ends before the process: stop it (an exec'd command) or detach (attach), which also
                // ends the output pump's pending read; then say why, if the client is still there to hear it.
                await container.DisposeAsync().ConfigureAwait(false);
                status = first == input ? null
                    : first == stopped ? ExecStatus.Failed("the node agent is stopping")
                    : first == idle ? ExecStatus.Failed($"{route.Verb} session closed: nothing was sent or received for {options.IdleTimeout} (the node's streaming connection idle timeout)")
                    : ExecStatus.Failed($"error reading the container's output: {output.Exception?.GetBaseException().Message}");
                // Only one message may be sent at a time: the output pump must have stopped sending first.
                if (!await Finished(output).ConfigureAwait(false)) status = null;
            }

            using var closing = new CancellationTokenSource(options.CloseTimeout);
            if (status is not null && socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                await socket.SendAsync(StatusMessage(status), WebSocketMessageType.Binary, endOfMessage: true, closing.Token).ConfigureAwait(false);
            }

            if (socket.State is WebSocketState.Open or WebSocketState.CloseReceived && (status is not null || first == input))
            {
                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, closing.Token).ConfigureAwait(false);
                // The client's part of the close handshake arrives through the input pump.
                await Finished(input).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or IOException or ObjectDisposedException)
        {
            // The client went away while we closed.
        }
        finally
        {
            await pumps.CancelAsync().ConfigureAwait(false);
            await container.DisposeAsync().ConfigureAwait(false);
            socket.Abort();
            await Quietly(output, input, idle).ConfigureAwait(false);
            socket.Dispose();
        }
    }

    private async Task PumpOutput(CancellationToken cancellationToken)
    {
        var buffer = new byte[1 + BufferSize];
        while (true)
        {
            var read = await container.ReadOutput(buffer, 1, BufferSize, cancellationToken).ConfigureAwait(false);
            if (read.Ended)
            {
                return;
            }

            buffer[0] = read.FromStderr ? StreamChannels.Stderr : StreamChannels.Stdout;
            await socket.SendAsync(buffer.AsMemory(0, 1 + read.Count), WebSocketMessageType.Binary, endOfMessage: true, cancellationToken).ConfigureAwait(false);
            _idle.Touch();
        }
    }

    private async Task PumpInput(CancellationToken cancellationToken)
    {
        var buffer = new byte[BufferSize];
        var channels = new InboundChannels(closeChannelAllowed: v5);
        var stdinOpen = route.Request.Stdin;
        while (true)
        {
            var received = await socket.ReceiveAsync(buffer.AsMemory(), cancellationToken).ConfigureAwait(false);
            if (received.MessageType == WebSocketMessageType.Close)
            {
                return;
            }

            _idle.Touch();
            if (received.MessageType != WebSocketMessageType.Binary)
            {
                continue; // the channel protocols are binary
            }

            var inbound = channels.Read(buffer.AsSpan(0, received.Count), received.EndOfMessage);
            switch (inbound.Kind)
            {
                case InboundKind.Stdin when stdinOpen:
                    try
                    {
                        await container.WriteInput(buffer, inbound.Offset, inbound.Count, cancellationToken).ConfigureAwait(false);
                    }
                    catch (IOException)
                    {
                        stdinOpen = false; // the process has closed its stdin or ended; its output's end will say so
                    }

                    break;

                case InboundKind.CloseStdin when stdinOpen:
                    stdinOpen = false;
                    container.CloseInput();
                    break;

                case InboundKind.Resize when container.Tty:
                    await container.Resize(inbound.Size.Width, inbound.Size.Height, cancellationToken).ConfigureAwait(false);
                    break;
            }
        }
    }

    private async Task<string> FinalStatus()
    {
        using var wait = new CancellationTokenSource(options.CloseTimeout);
        try
        {
            return await container.ExitCode(wait.Token).ConfigureAwait(false) is { } code and not 0
                ? ExecStatus.Exited(code, route.Request.Command)
                : ExecStatus.Success();
        }
        catch (Exception e)
        {
            return ExecStatus.Failed($"cannot tell how the command ended: {e.Message}");
        }
    }

    private static ReadOnlyMemory<byte> StatusMessage(string status)
    {
        var message = new byte[1 + Encoding.UTF8.GetByteCount(status)];
        message[0] = StreamChannels.Error;
        Encoding.UTF8.GetBytes(status, message.AsSpan(1));
        return message;
    }

    private async Task<bool> Finished(Task task)
    {
        await Task.WhenAny(task, Task.Delay(options.CloseTimeout, options.Time)).ConfigureAwait(false);
        return task.IsCompleted;
    }

    internal static async Task Quietly(params Task[] tasks)
    {
        try
        {
            await Task.WhenAll(tasks).ConfigureAwait(false);
        }
        catch (Exception)
        {
            // Each ended as its peer went away or as it was stopped; the session's outcome is already decided.
        }
    }
}
