using System.Diagnostics;

namespace OrleansOrchestrator.Agents.Networking.Proxy;

/// <summary>The result of one host command.</summary>
public sealed record CommandResult(int ExitCode, string Output, string Error)
{
    public bool Succeeded => ExitCode == 0;
}

/// <summary>Runs host tools (iptables, ip) with argument arrays — no shell, so nothing in an argument is interpreted.</summary>
public static class HostCommand
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(60);

    public static async Task<CommandResult> Run(string program, IEnumerable<string> arguments, string? input = null, CancellationToken cancellationToken = default)
    {
        var info = new ProcessStartInfo(program)
        {
            RedirectStandardInput = input is not null,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments) info.ArgumentList.Add(argument);
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"{program} did not start");
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(DefaultTimeout);
        var output = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var error = process.StandardError.ReadToEndAsync(timeout.Token);
        if (input is not null)
        {
            await process.StandardInput.WriteAsync(input.AsMemory(), timeout.Token);
            process.StandardInput.Close();
        }
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
            throw;
        }
        return new CommandResult(process.ExitCode, await output, await error);
    }

    /// <summary>Runs and throws, with the tool's own message, when it fails.</summary>
    public static async Task<string> RunChecked(string program, IEnumerable<string> arguments, string? input = null, CancellationToken cancellationToken = default)
    {
        var list = arguments.ToList();
        var result = await Run(program, list, input, cancellationToken);
        if (!result.Succeeded)
            throw new HostCommandException($"{program} {string.Join(' ', list)} failed ({result.ExitCode}): {result.Error.Trim()}");
        return result.Output;
    }
}

public sealed class HostCommandException(string message) : Exception(message);
