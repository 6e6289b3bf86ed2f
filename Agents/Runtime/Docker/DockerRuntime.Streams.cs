using System.Net;
using System.Net.Sockets;
using Docker.DotNet;
using Docker.DotNet.Models;

namespace OrleansOrchestrator.Agents.Runtime.Docker;

// kubectl exec, attach and port-forward on the engine: the exec and attach endpoints hijack the HTTP connection into
// the process's stdio; a forwarded port is a socket made inside the sandbox's network namespace.
public sealed partial class DockerRuntime
{
    // How long a forwarded connection may take to be accepted inside the pod (a full backlog, not a refusal).
    private static readonly TimeSpan PodConnectTimeout = TimeSpan.FromSeconds(10);

    public async Task<IContainerSession> StartExec(string id, InteractiveExec exec, CancellationToken cancellationToken)
    {
        var created = await docker.Exec.ExecCreateContainerAsync(
            id,
            new ContainerExecCreateParameters
            {
                Cmd = exec.Command.ToList(),
                AttachStdin = exec.Stdin,
                AttachStdout = exec.Stdout,
                // With a terminal there is one output stream; the engine sends it all as stdout.
                AttachStderr = exec.Stderr && !exec.Tty,
                Tty = exec.Tty,
            },
            cancellationToken).ConfigureAwait(false);
        var stream = await docker.Exec.StartAndAttachContainerExecAsync(created.ID, exec.Tty, cancellationToken).ConfigureAwait(false);
        return new DockerExecSession(docker, created.ID, stream, exec.Tty, exec.Stdin);
    }

    public async Task<IContainerSession> Attach(string id, AttachStreams streams, CancellationToken cancellationToken)
    {
        // Whether the stream is framed depends on the container's terminal, not on what the client asked for.
        var container = await docker.Containers.InspectContainerAsync(id, cancellationToken).ConfigureAwait(false);
        var tty = container.Config.Tty;
        var stream = await docker.Containers.AttachContainerAsync(
            id,
            tty,
            new ContainerAttachParameters
            {
                Stream = true,
                Stdin = streams.Stdin && container.Config.OpenStdin,
                Stdout = streams.Stdout,
                Stderr = streams.Stderr && !tty,
            },
            cancellationToken).ConfigureAwait(false);
        return new DockerAttachSession(docker, id, stream, tty, streams.Stdin && container.Config.OpenStdin);
    }

    public async Task<Socket> ConnectToPod(string sandboxId, int port, CancellationToken cancellationToken)
    {
        var sandbox = await TryInspect(sandboxId, cancellationToken).ConfigureAwait(false);
        if (sandbox is null || !sandbox.State.Running || sandbox.State.Pid <= 0)
        {
            throw new PodPortUnreachableException("the pod's sandbox is not running");
        }

        // Not the pod's IP: localhost inside the pod, where a server bound to 127.0.0.1 listens too.
        var socket = NetworkNamespace.CreateTcpSocket((int)sandbox.State.Pid, AddressFamily.InterNetwork);
        try
        {
            socket.NoDelay = true;
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(PodConnectTimeout);
            await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), deadline.Token).ConfigureAwait(false);
            return socket;
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException)
        {
            socket.Dispose();
            cancellationToken.ThrowIfCancellationRequested();
            // Worded as the Go dialer of containerd's port forwarder words it, which users know from kubectl.
            var reason = e is SocketException { SocketErrorCode: SocketError.ConnectionRefused } ? "connection refused"
                : e is OperationCanceledException ? "i/o timeout"
                : e.Message.ToLowerInvariant();
            throw new PodPortUnreachableException($"dial tcp4 127.0.0.1:{port}: connect: {reason}", e);
        }
    }

    /// <summary>The hijacked connection of an exec: the command stops with the session if it has not ended by itself.</summary>
    private sealed class DockerExecSession(DockerClient docker, string execId, MultiplexedStream stream, bool tty, bool stdin)
        : DockerStreamSession(stream, tty, stdin)
    {
        public override Task Resize(ushort width, ushort height, CancellationToken cancellationToken) =>
            BestEffort(() => docker.Exec.ResizeContainerExecTtyAsync(execId, new ContainerResizeParameters { Width = width, Height = height }, cancellationToken));

        public override async Task<int?> ExitCode(CancellationToken cancellationToken)
        {
            // The output ends when the process exits, but the engine may record the exit code a moment later.
            while (true)
            {
                var result = await docker.Exec.InspectContainerExecAsync(execId, cancellationToken).ConfigureAwait(false);
                if (!result.Running)
                {
                    return (int)result.ExitCode;
                }

                await Task.Delay(TimeSpan.FromMilliseconds(10), cancellationToken).ConfigureAwait(false);
            }
        }

        protected override async Task BeforeClose()
        {
            // The engine has no way to stop an exec, and closing its connection only closes the command's stdin (and
            // hangs up its terminal, which a shell may ignore): a dropped `kubectl exec … sleep 600` would live on.
            // Kill the command and whatever it started, by the host pid the engine reports (the agent runs in the host's
            // pid namespace, as a kubelet does).
            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                var result = await docker.Exec.InspectContainerExecAsync(execId, timeout.Token).ConfigureAwait(false);
                if (result.Running && result.Pid > 0)
                {
                    using var process = System.Diagnostics.Process.GetProcessById((int)result.Pid);
                    process.Kill(entireProcessTree: true);
                }
            }
            catch (Exception e) when (e is DockerApiException or ArgumentException or InvalidOperationException
                or System.ComponentModel.Win32Exception or OperationCanceledException or IOException or HttpRequestException)
            {
                // Gone already (ended by itself, or the exec was removed with its container), or the engine is unreachable.
            }
        }
    }

    /// <summary>The hijacked connection of an attach: closing it detaches and leaves the container running.</summary>
    private sealed class DockerAttachSession(DockerClient docker, string containerId, MultiplexedStream stream, bool tty, bool stdin)
        : DockerStreamSession(stream, tty, stdin)
    {
        public override Task Resize(ushort width, ushort height, CancellationToken cancellationToken) =>
            BestEffort(() => docker.Containers.ResizeContainerTtyAsync(containerId, new ContainerResizeParameters { Width = width, Height = height }, cancellationToken));

        public override Task<int?> ExitCode(CancellationToken cancellationToken) => Task.FromResult<int?>(null);
    }

    private abstract class DockerStreamSession(MultiplexedStream stream, bool tty, bool stdin) : IContainerSession
    {
        private int closed;
        private int inputClosed = stdin ? 0 : 1;

        public bool Tty => tty;

        public async Task<SessionOutput> ReadOutput(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count); // a read of 0 would look like the end of the output
            var read = await stream.ReadOutputAsync(buffer, offset, count, cancellationToken).ConfigureAwait(false);
            return new SessionOutput(read.Count, read.Target == MultiplexedStream.TargetStream.StandardError);
        }

        public Task WriteInput(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            Volatile.Read(ref inputClosed) == 1
                ? throw new IOException("the process's stdin is closed")
                : stream.WriteAsync(buffer, offset, count, cancellationToken);

        public void CloseInput()
        {
            // Half-closes the hijacked connection: the engine closes the process's stdin and goes on sending its output.
            if (Interlocked.Exchange(ref inputClosed, 1) == 0)
            {
                stream.CloseWrite();
            }
        }

        public abstract Task Resize(ushort width, ushort height, CancellationToken cancellationToken);

        public abstract Task<int?> ExitCode(CancellationToken cancellationToken);

        protected virtual Task BeforeClose() => Task.CompletedTask;

        protected static async Task BestEffort(Func<Task> resize)
        {
            try
            {
                await resize().ConfigureAwait(false);
            }
            catch (DockerApiException)
            {
                // The process or container has just ended; its output's end says so.
            }
        }

        public async ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref closed, 1) == 1)
            {
                return;
            }

            await BeforeClose().ConfigureAwait(false);
            // Also ends a pending read: the hijacked stream's reads do not all honour their token.
            stream.Dispose();
        }
    }
}
