namespace OrleansOrchestrator.Agents.Runtime;

/// <summary>A command to run in a container with its stdio connected (<c>kubectl exec</c>).</summary>
public sealed record InteractiveExec(IReadOnlyList<string> Command, bool Stdin, bool Stdout, bool Stderr, bool Tty);

/// <summary>Which of a running container's own streams to connect to (<c>kubectl attach</c>).</summary>
public sealed record AttachStreams(bool Stdin, bool Stdout, bool Stderr);

/// <summary>One read of a session's output: <see cref="Count"/> bytes of stdout or stderr; none = the output has ended.</summary>
public readonly record struct SessionOutput(int Count, bool FromStderr)
{
    public bool Ended => Count == 0;
}

/// <summary>
/// A live connection to a process in a container — an exec'd command or a container's main process — as the engine
/// gives it: one output stream (stdout and stderr told apart unless there is a terminal), one input stream that can be
/// closed (end of file), and the terminal's size. Reads and writes may run at the same time (one of each).
/// </summary>
public interface IContainerSession : IAsyncDisposable
{
    /// <summary>Whether the process has a terminal: its output is then one stream (stdout) and it can be resized.</summary>
    bool Tty { get; }

    /// <summary>The next piece of output, into <paramref name="buffer"/>; <see cref="SessionOutput.Ended"/> once the process's output is closed.</summary>
    Task<SessionOutput> ReadOutput(byte[] buffer, int offset, int count, CancellationToken cancellationToken);

    /// <summary>Writes to the process's stdin; returns when the engine has taken the bytes (a process that does not read slows the writer).</summary>
    Task WriteInput(byte[] buffer, int offset, int count, CancellationToken cancellationToken);

    /// <summary>Closes the process's stdin: it reads end of file.</summary>
    void CloseInput();

    /// <summary>Sets the terminal's size (only with <see cref="Tty"/>). Best effort: a process that has just ended is not an error.</summary>
    Task Resize(ushort width, ushort height, CancellationToken cancellationToken);

    /// <summary>
    /// Once the output has ended: the exec'd command's exit code (waiting for the engine to record it), or null for an
    /// attach, which has no command of its own.
    /// </summary>
    Task<int?> ExitCode(CancellationToken cancellationToken);
}

/// <summary>A port-forward could not connect inside the pod; the message says why, e.g. <c>… connection refused</c>.</summary>
public sealed class PodPortUnreachableException(string message, Exception? inner = null) : Exception(message, inner);
