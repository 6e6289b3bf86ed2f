using System.Diagnostics;

namespace OrleansOrchestrator.EndToEnd.Tests.Infrastructure;

/// <summary>Reports a started process's exit once its output has been read to the end.</summary>
public static class ProcessExit
{
    /// <summary>
    /// <see cref="Process.Exited"/> can fire before the last redirected lines are read, so a start-up refusal would be
    /// reported without its reason: this waits for both streams' end first. It never throws (it runs unobserved, and
    /// the process may be disposed meanwhile); a process already disposed is not reported.
    /// </summary>
    public static async Task Report(Process process, Action<int> report)
    {
        int code;
        try
        {
            code = process.ExitCode;
            await process.WaitForExitAsync();
        }
        catch (Exception e) when (e is InvalidOperationException or ObjectDisposedException)
        {
            return;
        }
        report(code);
    }
}
