using System.Threading.Channels;
using OrleansOrchestrator.Dashboard.ServiceClient;

namespace OrleansOrchestrator.Dashboard.Tests.Fakes;

/// <summary>What the dashboard asked to run: the pod, container, command and whether with a terminal.</summary>
public sealed record ExecCall(string Namespace, string Pod, string Container, IReadOnlyList<string> Command, bool Tty);

/// <summary>
/// A command "running" in a container as a test drives it: the test writes its output and ends it; the input and
/// terminal sizes the dashboard sent are recorded, and so is whether the dashboard closed the session.
/// </summary>
public sealed class FakeExecSession(ExecCall call) : IExecSession
{
    private readonly Lock _gate = new();
    private readonly Channel<byte[]> _output = Channel.CreateUnbounded<byte[]>();
    private readonly List<byte> _input = [];
    private readonly List<(int Columns, int Rows)> _sizes = [];
    private readonly TaskCompletionSource _disposed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ExecCall Call { get; } = call;

    public ExecOutcome? Outcome { get; private set; }

    public byte[] Input
    {
        get { lock (_gate) return [.. _input]; }
    }

    public IReadOnlyList<(int Columns, int Rows)> Sizes
    {
        get { lock (_gate) return _sizes.ToList(); }
    }

    public bool Disposed => _disposed.Task.IsCompleted;

    /// <summary>Output written by the test that the dashboard has not read yet.</summary>
    public int Unread => _output.Reader.Count;

    /// <summary>The container writes this (it reaches the dashboard in order).</summary>
    public void Write(byte[] output) => _output.Writer.TryWrite(output);

    /// <summary>The command ends: after the output written so far, the session reports <paramref name="outcome"/>.</summary>
    public void End(ExecOutcome outcome)
    {
        lock (_gate) _pendingOutcome = outcome;
        _output.Writer.TryComplete();
    }

    private ExecOutcome? _pendingOutcome;

    public async ValueTask<byte[]?> ReadOutput(CancellationToken cancellationToken)
    {
        if (await _output.Reader.WaitToReadAsync(cancellationToken) && _output.Reader.TryRead(out var output)) return output;
        lock (_gate) Outcome = _pendingOutcome;
        return null;
    }

    public Task SendInput(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
    {
        lock (_gate) _input.AddRange(bytes.ToArray());
        return Task.CompletedTask;
    }

    public Task Resize(int columns, int rows, CancellationToken cancellationToken)
    {
        lock (_gate) _sizes.Add((columns, rows));
        return Task.CompletedTask;
    }

    public ValueTask DisposeAsync()
    {
        _disposed.TrySetResult();
        _output.Writer.TryComplete();
        return ValueTask.CompletedTask;
    }
}
