using System.Globalization;
using System.Text;
using System.Text.Json;
using OrleansOrchestrator.Contracts.Streaming;

namespace OrleansOrchestrator.Dashboard.ServiceClient;

/// <summary>The peer broke <see cref="StreamChannels.V5"/>: the session ends with this message.</summary>
public sealed class ExecProtocolException(string message) : Exception(message);

/// <summary>
/// The messages the dashboard sends on an exec's <see cref="StreamChannels.V5"/> WebSocket: each is the channel's
/// byte followed by its data.
/// </summary>
public static class ExecFrames
{
    /// <summary>No terminal is larger; a size outside 1..this is not sent.</summary>
    public const int MaxTerminalCells = 10_000;

    public static byte[] Stdin(ReadOnlySpan<byte> data)
    {
        var message = new byte[data.Length + 1];
        message[0] = StreamChannels.Stdin;
        data.CopyTo(message.AsSpan(1));
        return message;
    }

    /// <summary><c>[4, {"Width":cols,"Height":rows}]</c>, as kubectl sends a terminal's size.</summary>
    public static byte[] Resize(int columns, int rows)
    {
        if (columns is < 1 or > MaxTerminalCells || rows is < 1 or > MaxTerminalCells)
            throw new ArgumentOutOfRangeException(nameof(columns), $"a terminal of {columns}x{rows} cells");
        var json = string.Create(CultureInfo.InvariantCulture, $"{{\"Width\":{columns},\"Height\":{rows}}}");
        return [StreamChannels.Resize, .. Encoding.ASCII.GetBytes(json)];
    }

    /// <summary><c>[255, 0]</c>: the end of stdin.</summary>
    public static byte[] CloseStdin() => [StreamChannels.Close, StreamChannels.Stdin];

    /// <summary>
    /// What a <c>metav1.Status</c> on the error channel says, as kubectl reports it: success, "command terminated with
    /// exit code N" for a non-zero exit, or the Status' message.
    /// </summary>
    public static ExecOutcome OutcomeOf(ReadOnlySpan<byte> statusJson)
    {
        try
        {
            using var document = JsonDocument.Parse(statusJson.ToArray(), new JsonDocumentOptions { MaxDepth = 16 });
            var status = document.RootElement;
            if (status.ValueKind != JsonValueKind.Object) throw new ExecProtocolException("the container's agent sent a status that is not an object");
            if (Text(status, "status") == "Success") return ExecOutcome.Exited;
            var message = Text(status, "message");
            if (Text(status, "reason") == "NonZeroExitCode" && ExitCodeOf(status) is { } code)
                return new ExecOutcome(false, $"command terminated with exit code {code.ToString(CultureInfo.InvariantCulture)}", code);
            return new ExecOutcome(false, string.IsNullOrEmpty(message) ? "the command failed" : message, null);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            // InvalidOperationException: a string that is not valid UTF-8 (JsonDocument checks it only when read).
            throw new ExecProtocolException("the container's agent sent a status that is not JSON");
        }
    }

    private static int? ExitCodeOf(JsonElement status)
    {
        if (!status.TryGetProperty("details", out var details) || details.ValueKind != JsonValueKind.Object
            || !details.TryGetProperty("causes", out var causes) || causes.ValueKind != JsonValueKind.Array)
            return null;
        foreach (var cause in causes.EnumerateArray())
            if (cause.ValueKind == JsonValueKind.Object && Text(cause, "reason") == "ExitCode"
                && int.TryParse(Text(cause, "message"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var code))
                return code;
        return null;
    }

    private static string? Text(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}

/// <summary>
/// Reads the agent's side of an exec, one WebSocket fragment at a time, so that output is passed on as it arrives
/// and never buffered whole: stdout and stderr data is returned at once; the Status (the last message) is collected
/// up to <see cref="MaxStatusBytes"/> and then <see cref="Outcome"/> is set. Anything else is an
/// <see cref="ExecProtocolException"/>.
/// </summary>
public sealed class ExecFrameReader
{
    public const int MaxStatusBytes = 64 * 1024;

    private const int AtMessageStart = -1;
    private int _channel = AtMessageStart;
    private readonly MemoryStream _status = new();

    /// <summary>How the command ended, once its Status has been read whole.</summary>
    public ExecOutcome? Outcome { get; private set; }

    /// <summary>The output in this fragment (empty when it carries none).</summary>
    public ReadOnlyMemory<byte> Read(ReadOnlyMemory<byte> fragment, bool endOfMessage)
    {
        if (Outcome is not null) throw new ExecProtocolException("the container's agent sent more after the command's status");
        var data = fragment;
        if (_channel == AtMessageStart)
        {
            if (fragment.IsEmpty) return ReadOnlyMemory<byte>.Empty; // an empty message (or fragment) carries no channel yet
            _channel = fragment.Span[0];
            data = fragment[1..];
            if (_channel is not (StreamChannels.Stdout or StreamChannels.Stderr or StreamChannels.Error))
                throw new ExecProtocolException($"the container's agent sent on channel {_channel}, which is not an output channel");
        }
        var channel = _channel;
        if (endOfMessage) _channel = AtMessageStart;
        if (channel != StreamChannels.Error) return data;

        if (_status.Length + data.Length > MaxStatusBytes)
            throw new ExecProtocolException($"the container's agent sent a status longer than {MaxStatusBytes} bytes");
        _status.Write(data.Span);
        if (endOfMessage) Outcome = ExecFrames.OutcomeOf(_status.GetBuffer().AsSpan(0, (int)_status.Length));
        return ReadOnlyMemory<byte>.Empty;
    }
}
