namespace OrleansOrchestrator.Dashboard.ServiceClient;

/// <summary>How an exec ended: the Status the container's agent sent (as kubectl reports it), or why none came.</summary>
/// <param name="Success">The command exited with 0.</param>
/// <param name="Message">What the user is told, e.g. "command terminated with exit code 1".</param>
/// <param name="ExitCode">The command's exit code when it is known.</param>
public sealed record ExecOutcome(bool Success, string Message, int? ExitCode)
{
    public static readonly ExecOutcome Exited = new(true, "the command exited (code 0)", 0);
}

/// <summary>
/// A command running in a container (<c>kubectl exec</c>): its input, its terminal's size, and its output in the
/// order the container wrote it. Disposing ends the session (the connection to the pod's agent is closed, the
/// command gets a hang-up).
/// </summary>
public interface IExecSession : IAsyncDisposable
{
    /// <summary>Sends keystrokes (or any bytes) to the command's stdin.</summary>
    Task SendInput(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken);

    /// <summary>Tells the command's terminal its new size (only meaningful with a tty).</summary>
    Task Resize(int columns, int rows, CancellationToken cancellationToken);

    /// <summary>
    /// The next piece of output (stdout and stderr as they arrive), or null once the session has ended; then
    /// <see cref="Outcome"/> says how. One reader at a time.
    /// </summary>
    ValueTask<byte[]?> ReadOutput(CancellationToken cancellationToken);

    /// <summary>How the session ended; null while it runs.</summary>
    ExecOutcome? Outcome { get; }
}
