using System.Diagnostics;
using System.Text;

namespace OrleansOrchestrator.EndToEnd.Tests.Infrastructure;

public sealed record KubectlResult(int ExitCode, string Stdout, string Stderr)
{
    public string All => Stdout + Stderr;
}

/// <summary>
/// A real kubectl binary of a fixed version, pointed at one silo, with its own discovery cache so that
/// tests never see another server's (or another run's) cached API.
/// </summary>
public sealed class Kubectl(string version, string kubeconfig, string? token = null)
{
    public const string Directory = "/usr/lib/google-cloud-sdk/bin";

    private readonly string _cacheDir = System.IO.Directory.CreateTempSubdirectory("oo-kubectl-cache-").FullName;

    public string Version { get; } = version;

    public string Binary => Path.Combine(Directory, $"kubectl.{Version}");

    public async Task<KubectlResult> Run(string arguments, string? stdin = null, TimeSpan? timeout = null)
    {
        var info = new ProcessStartInfo(Binary)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = stdin is not null,
            UseShellExecute = false,
        };
        info.ArgumentList.Add($"--kubeconfig={kubeconfig}");
        info.ArgumentList.Add($"--cache-dir={_cacheDir}");
        if (token is not null) info.ArgumentList.Add($"--token={token}");
        foreach (var a in SplitArguments(arguments)) info.ArgumentList.Add(a);
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (stdin is not null)
        {
            await process.StandardInput.WriteAsync(stdin);
            process.StandardInput.Close();
        }
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(60));
        try { await process.WaitForExitAsync(cts.Token); }
        catch (OperationCanceledException)
        {
            process.Kill(true);
            throw new TimeoutException($"kubectl {arguments} did not finish: {await stdout}{await stderr}");
        }
        return new KubectlResult(process.ExitCode, await stdout, await stderr);
    }

    /// <summary>Runs and requires success, returning stdout.</summary>
    public async Task<string> Ok(string arguments, string? stdin = null)
    {
        var result = await Run(arguments, stdin);
        Assert.True(result.ExitCode == 0, $"kubectl {arguments} failed ({result.ExitCode}):\n{result.All}");
        return result.Stdout;
    }

    /// <summary>Starts a long-running kubectl (e.g. <c>get -w</c>) whose output lines the test reads as they come.</summary>
    public StreamingKubectl Start(string arguments)
    {
        var info = new ProcessStartInfo(Binary) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
        info.ArgumentList.Add($"--kubeconfig={kubeconfig}");
        info.ArgumentList.Add($"--cache-dir={_cacheDir}");
        if (token is not null) info.ArgumentList.Add($"--token={token}");
        foreach (var a in SplitArguments(arguments)) info.ArgumentList.Add(a);
        return new StreamingKubectl(Process.Start(info)!);
    }

    private static IEnumerable<string> SplitArguments(string arguments)
    {
        var current = new StringBuilder();
        var quoted = false;
        foreach (var c in arguments)
        {
            if (c == '\'') { quoted = !quoted; continue; }
            if (c == ' ' && !quoted)
            {
                if (current.Length > 0) yield return current.ToString();
                current.Clear();
                continue;
            }
            current.Append(c);
        }
        if (current.Length > 0) yield return current.ToString();
    }
}

public sealed class StreamingKubectl : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    public StreamingKubectl(Process process)
    {
        _process = process;
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (_output) _output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_output) _output.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public string Output { get { lock (_output) return _output.ToString(); } }

    public bool HasExited => _process.HasExited;

    /// <summary>A line on kubectl's stdin (for <c>attach -i</c>).</summary>
    public async Task WriteLine(string line)
    {
        await _process.StandardInput.WriteLineAsync(line);
        await _process.StandardInput.FlushAsync();
    }

    public void Dispose()
    {
        if (!_process.HasExited) _process.Kill(true);
        _process.Dispose();
    }
}
