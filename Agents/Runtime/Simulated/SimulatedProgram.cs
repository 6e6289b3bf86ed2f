using System.Globalization;
using System.Text.RegularExpressions;

namespace OrleansOrchestrator.Agents.Runtime.Simulated;

/// <summary>
/// How long a simulated container runs and how it exits, read from its command: a container whose command (with its
/// args, or the script of <c>sh -c</c>/<c>bash -c</c>) consists only of <c>sleep N</c>, <c>exit N</c>, <c>true</c>,
/// <c>false</c>, <c>echo …</c> and <c>:</c>, joined by <c>;</c>, <c>&amp;&amp;</c> or new lines (each optionally after
/// <c>exec</c>), ends as a shell would run it — after the sleeps, with the exit code; <c>$VAR</c> and <c>${VAR}</c>
/// read the container's environment (e.g. <c>exit $JOB_COMPLETION_INDEX</c>). Any other command, and no command,
/// runs until stopped. This is what lets jobs and restart policies be exercised on simulated nodes.
/// </summary>
public sealed partial record SimulatedProgram(TimeSpan Duration, int ExitCode)
{
    private static readonly string[] Shells = ["sh", "/bin/sh", "bash", "/bin/bash", "ash", "/bin/ash"];

    /// <summary>The program the command describes, or null when the container runs until stopped.</summary>
    public static SimulatedProgram? Of(IReadOnlyList<string>? command, IReadOnlyList<string>? args, IReadOnlyDictionary<string, string> env)
    {
        var argv = (command ?? []).Concat(args ?? []).ToList();
        if (argv.Count == 0) return null;
        var script = argv.Count >= 3 && Shells.Contains(argv[0]) && argv[1] == "-c" ? argv[2] : string.Join(' ', argv);
        script = Variable().Replace(script, m => env.GetValueOrDefault(m.Groups["braced"].Success ? m.Groups["braced"].Value : m.Groups["plain"].Value, ""));

        var duration = TimeSpan.Zero;
        var code = 0;
        foreach (var line in script.Split([';', '\n'], StringSplitOptions.TrimEntries))
        {
            // In "a && b", b runs only if a succeeded.
            foreach (var statement in line.Split("&&", StringSplitOptions.TrimEntries))
            {
                var words = statement.Split(' ', StringSplitOptions.RemoveEmptyEntries).ToList();
                if (words.Count > 0 && words[0] == "exec") words.RemoveAt(0);
                if (words.Count == 0) continue;
                switch (words[0])
                {
                    case "sleep" when words.Count == 2 && double.TryParse(words[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds >= 0:
                        duration += TimeSpan.FromSeconds(seconds);
                        code = 0;
                        break;
                    case "exit":
                        if (words.Count == 1) return new(duration, code);
                        return int.TryParse(words[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var exit) ? new(duration, exit & 0xFF) : null;
                    case "true" or ":" when words.Count == 1:
                        code = 0;
                        break;
                    case "false" when words.Count == 1:
                        code = 1;
                        break;
                    case "echo":
                        code = 0;
                        break;
                    default:
                        return null;
                }
                if (code != 0) break;
            }
        }
        return new(duration, code);
    }

    [GeneratedRegex(@"\$(?:\{(?<braced>[A-Za-z_][A-Za-z0-9_]*)\}|(?<plain>[A-Za-z_][A-Za-z0-9_]*))")]
    private static partial Regex Variable();
}
