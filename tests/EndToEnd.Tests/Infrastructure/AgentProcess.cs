using System.Diagnostics;
using System.Text;

namespace OrleansOrchestrator.EndToEnd.Tests.Infrastructure;

/// <summary>The node agent as its own process, joined to a silo through its gateway; can be killed and started again.</summary>
public sealed class AgentProcess(SiloProcess silo, IReadOnlyList<string> args) : IAsyncDisposable
{
    private readonly StringBuilder _output = new();
    private Process? _process;

    public string DataDir { get; } = Directory.CreateTempSubdirectory("oo-agent-").FullName;

    public string Output { get { lock (_output) return _output.ToString(); } }

    public async Task Start()
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { RepoPaths.AgentDll, "--gateway", $"127.0.0.1:{silo.GatewayPort}", "--data-dir", DataDir }.Concat(args))
            info.ArgumentList.Add(a);
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        void Collect(string? line)
        {
            if (line is null) return;
            lock (_output) _output.AppendLine(line);
            if (line.StartsWith("OrleansOrchestrator agent:", StringComparison.Ordinal)) started.TrySetResult();
        }
        process.OutputDataReceived += (_, e) => Collect(e.Data);
        process.ErrorDataReceived += (_, e) => Collect(e.Data);
        process.Exited += (_, _) => _ = ProcessExit.Report(process, _ => started.TrySetException(new InvalidOperationException($"the agent exited:\n{Output}")));
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;
        await started.Task.WaitAsync(TimeSpan.FromSeconds(60));
    }

    /// <summary>SIGKILL, as a crash.</summary>
    public async Task Kill()
    {
        if (_process is not { HasExited: false } p) return;
        p.Kill(entireProcessTree: true);
        await p.WaitForExitAsync();
    }

    /// <summary>SIGSTOP: the process hangs (as on a frozen machine or a long GC pause) while its containers run on.</summary>
    public Task Pause() => Signal("STOP");

    /// <summary>SIGCONT: the paused process goes on where it stopped.</summary>
    public Task Resume() => Signal("CONT");

    private async Task Signal(string signal)
    {
        if (_process is not { HasExited: false } p) throw new InvalidOperationException("the agent is not running");
        using var kill = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { $"-{signal}", p.Id.ToString(System.Globalization.CultureInfo.InvariantCulture) }, UseShellExecute = false })!;
        await kill.WaitForExitAsync();
        if (kill.ExitCode != 0) throw new InvalidOperationException($"kill -{signal} {p.Id} failed with {kill.ExitCode}");
    }

    public async ValueTask DisposeAsync()
    {
        await Kill();
        _process?.Dispose();
        try { Directory.Delete(DataDir, recursive: true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
