using System.Diagnostics;

namespace OrleansOrchestrator.Bench.Infrastructure;

/// <summary>Runs commands (docker, runuser, pg_ctl) and answers their output; throws on a non-zero exit.</summary>
public static class Shell
{
    public static Task<string> Bash(string command, TimeSpan? timeout = null) => Run("bash", ["-c", command], timeout);

    public static async Task<string> Run(string file, IReadOnlyList<string> args, TimeSpan? timeout = null)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) info.ArgumentList.Add(a);
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        try
        {
            await process.WaitForExitAsync().WaitAsync(timeout ?? TimeSpan.FromMinutes(2));
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"`{file} {string.Join(' ', args)}` did not finish in time");
        }
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"`{file} {string.Join(' ', args)}` failed ({process.ExitCode}): {await output}{await error}");
        return await output;
    }

    /// <summary>Runs a command and answers its wall-clock time in milliseconds (and its output).</summary>
    public static async Task<(double Ms, string Output)> Timed(string file, params string[] args)
    {
        var start = Stopwatch.GetTimestamp();
        var output = await Run(file, args);
        return (Stopwatch.GetElapsedTime(start).TotalMilliseconds, output);
    }
}
