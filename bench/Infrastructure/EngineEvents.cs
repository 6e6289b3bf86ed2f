using System.Diagnostics;
using System.Text.Json;

namespace OrleansOrchestrator.Bench.Infrastructure;

/// <summary>
/// The Docker engine's create and start events for containers carrying a label, as they happen
/// (<c>docker events</c>), kept by pod name, container type (the agent's <c>io.kubernetes.docker.type</c>:
/// podsandbox or container) and action, with the engine's own nanosecond timestamps — to split a pod's
/// start-up into its steps on the node.
/// </summary>
public sealed class EngineEvents : IDisposable
{
    private readonly Process _process;
    private readonly Dictionary<(string Pod, string Type, string Action), long> _first = new();

    public EngineEvents(string label)
    {
        var info = new ProcessStartInfo("docker") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "events", "--filter", "type=container", "--filter", "event=create", "--filter", "event=start",
                     "--filter", $"label={label}", "--format", "{{json .}}" })
            info.ArgumentList.Add(a);
        _process = Process.Start(info)!;
        _process.OutputDataReceived += (_, e) => Record(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        Thread.Sleep(300); // let the stream subscribe before anything starts
    }

    /// <summary>Now, on the engine's clock (Unix nanoseconds; same machine).</summary>
    public static long NowNanos() => (DateTimeOffset.UtcNow - DateTimeOffset.UnixEpoch).Ticks * 100;

    private void Record(string? line)
    {
        if (string.IsNullOrEmpty(line)) return;
        try
        {
            using var doc = JsonDocument.Parse(line);
            var root = doc.RootElement;
            var attributes = root.GetProperty("Actor").GetProperty("Attributes");
            if (!attributes.TryGetProperty("io.kubernetes.pod.name", out var pod) || !attributes.TryGetProperty("io.kubernetes.docker.type", out var type)) return;
            var key = (pod.GetString()!, type.GetString()!, root.GetProperty("Action").GetString()!);
            var at = root.GetProperty("timeNano").GetInt64();
            lock (_first) _first.TryAdd(key, at);
        }
        catch (JsonException) { }
    }

    /// <summary>The engine's time of the first such event, Unix nanoseconds.</summary>
    public long? At(string pod, string type, string action)
    {
        lock (_first) return _first.TryGetValue((pod, type, action), out var at) ? at : null;
    }

    public void Dispose()
    {
        try { if (!_process.HasExited) _process.Kill(); } catch (InvalidOperationException) { }
        _process.WaitForExit(5000);
        _process.Dispose();
    }
}
