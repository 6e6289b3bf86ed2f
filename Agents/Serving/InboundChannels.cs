using System.Text.Json;
using OrleansOrchestrator.Contracts.Streaming;

namespace OrleansOrchestrator.Agents.Serving;

/// <summary>A terminal's size as kubectl sends it on the resize channel: <c>{"Width":80,"Height":24}</c>.</summary>
internal readonly record struct TerminalSize(ushort Width, ushort Height);

internal enum InboundKind { Nothing, Stdin, Resize, CloseStdin }

/// <summary>
/// What one received WebSocket fragment means: bytes for stdin (<see cref="Offset"/>, <see cref="Count"/> within the
/// fragment), a terminal size, stdin's end, or nothing to act on.
/// </summary>
internal readonly record struct Inbound(InboundKind Kind, int Offset = 0, int Count = 0, TerminalSize Size = default);

/// <summary>
/// Reads the client's side of the <c>v5.channel.k8s.io</c> (or v4) protocol from WebSocket fragments as they arrive,
/// without gathering a message: each message starts with its channel's byte, and stdin's bytes pass straight through
/// however long the message. Only a resize message is gathered, into a small fixed buffer; a longer one is ignored.
/// Written for a hostile peer: no input makes it allocate, and none throws.
/// </summary>
internal sealed class InboundChannels(bool closeChannelAllowed)
{
    public const int MaxResizeMessage = 256;

    private static readonly JsonSerializerOptions ResizeJson = new() { PropertyNameCaseInsensitive = true };

    private readonly byte[] _resize = new byte[MaxResizeMessage];
    private int _resizeLength;
    private bool _resizeTooLong;
    /// <summary>The channel of the message under way; -1 between messages.</summary>
    private int _channel = -1;

    /// <param name="fragment">What one receive returned.</param>
    /// <param name="endOfMessage">Whether the fragment ends its message.</param>
    public Inbound Read(ReadOnlySpan<byte> fragment, bool endOfMessage)
    {
        var offset = 0;
        if (_channel < 0)
        {
            if (fragment.IsEmpty)
            {
                return new Inbound(InboundKind.Nothing);
            }

            _channel = fragment[0];
            offset = 1;
            _resizeLength = 0;
            _resizeTooLong = false;
        }

        var channel = _channel;
        if (endOfMessage)
        {
            _channel = -1;
        }

        var payload = fragment[offset..];
        switch (channel)
        {
            case StreamChannels.Stdin:
                return payload.IsEmpty ? new Inbound(InboundKind.Nothing) : new Inbound(InboundKind.Stdin, offset, payload.Length);

            case StreamChannels.Resize:
                if (_resizeLength + payload.Length > _resize.Length)
                {
                    _resizeTooLong = true;
                }
                else
                {
                    payload.CopyTo(_resize.AsSpan(_resizeLength));
                    _resizeLength += payload.Length;
                }

                return endOfMessage && !_resizeTooLong && ParseSize(_resize.AsSpan(0, _resizeLength)) is { } size
                    ? new Inbound(InboundKind.Resize, Size: size)
                    : new Inbound(InboundKind.Nothing);

            case StreamChannels.Close when closeChannelAllowed:
                // [255, channel]: only stdin is the client's to close. The channel byte is the first payload byte.
                return offset < fragment.Length && payload[0] == StreamChannels.Stdin
                    ? new Inbound(InboundKind.CloseStdin)
                    : new Inbound(InboundKind.Nothing);

            default:
                // stdout, stderr and the error channel are the server's to write; unknown channels are ignored.
                return new Inbound(InboundKind.Nothing);
        }
    }

    /// <summary><c>{"Width":w,"Height":h}</c>; null for anything else, or for a size of zero.</summary>
    public static TerminalSize? ParseSize(ReadOnlySpan<byte> json)
    {
        try
        {
            var size = JsonSerializer.Deserialize<SizeMessage>(json, ResizeJson);
            return size is { Width: > 0, Height: > 0 } ? new TerminalSize(size.Width, size.Height) : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private sealed record SizeMessage(ushort Width, ushort Height);
}
