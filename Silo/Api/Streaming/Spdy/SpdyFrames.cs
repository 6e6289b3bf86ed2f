namespace OrleansOrchestrator.Silo.Api.Streaming.Spdy;

/// <summary>A peer broke SPDY/3.1 (bad frame, bad length, bad header block): the connection cannot go on.</summary>
public sealed class SpdyProtocolException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>Frame types, flags and status codes of SPDY/3.1 (draft-mbelshe-httpbis-spdy-00 and the 3.1 amendment).</summary>
public static class SpdyWire
{
    public const ushort Version = 3;

    public const ushort SynStreamType = 1;
    public const ushort SynReplyType = 2;
    public const ushort RstStreamType = 3;
    public const ushort SettingsType = 4;
    public const ushort PingType = 6;
    public const ushort GoAwayType = 7;
    public const ushort HeadersType = 8;
    public const ushort WindowUpdateType = 9;

    public const byte FlagFin = 0x01;
    public const byte FlagUnidirectional = 0x02;

    // RST_STREAM status codes.
    public const uint ProtocolError = 1;
    public const uint InvalidStream = 2;
    public const uint RefusedStream = 3;
    public const uint Cancel = 5;
    public const uint InternalError = 6;
    public const uint FlowControlError = 7;
    public const uint StreamInUse = 8;

    // GOAWAY status codes.
    public const uint GoAwayOk = 0;
    public const uint GoAwayProtocolError = 1;
    public const uint GoAwayInternalError = 2;

    public const uint SettingsInitialWindowSize = 7;

    /// <summary>The largest value the 24-bit length of a frame can carry.</summary>
    public const int MaxWireLength = 0xFFFFFF;
}

/// <summary>A header block's name/value pairs (names lower case; a value may hold several values joined by NUL).</summary>
public sealed class SpdyHeaders(IReadOnlyList<KeyValuePair<string, string>> pairs)
{
    public static readonly SpdyHeaders Empty = new([]);

    public IReadOnlyList<KeyValuePair<string, string>> Pairs { get; } = pairs;

    public string? this[string name]
    {
        get
        {
            foreach (var pair in Pairs)
                if (string.Equals(pair.Key, name, StringComparison.OrdinalIgnoreCase))
                    return pair.Value;
            return null;
        }
    }
}

public abstract record SpdyFrame;

/// <summary>
/// A DATA frame. When <see cref="Pooled"/>, <see cref="Data"/> lies in an array rented from the shared pool by the
/// reader, and whoever takes the frame hands it back with <see cref="ReturnToPool"/> once the bytes are used.
/// </summary>
public sealed record SpdyDataFrame(int StreamId, byte Flags, ReadOnlyMemory<byte> Data, bool Pooled = false) : SpdyFrame
{
    public bool Fin => (Flags & SpdyWire.FlagFin) != 0;

    public void ReturnToPool()
    {
        if (Pooled)
            SpdyBuffers.Return(Data);
    }
}

/// <summary>Received DATA payloads are rented, so a stream of many megabytes costs the garbage collector nothing per frame.</summary>
internal static class SpdyBuffers
{
    public static ReadOnlyMemory<byte> Rent(int length) => System.Buffers.ArrayPool<byte>.Shared.Rent(length).AsMemory(0, length);

    public static void Return(ReadOnlyMemory<byte> rented)
    {
        if (System.Runtime.InteropServices.MemoryMarshal.TryGetArray(rented, out var segment) && segment.Array is { } array)
            System.Buffers.ArrayPool<byte>.Shared.Return(array);
    }
}

public sealed record SpdySynStreamFrame(int StreamId, int AssociatedStreamId, byte Priority, byte Flags, SpdyHeaders Headers) : SpdyFrame
{
    public bool Fin => (Flags & SpdyWire.FlagFin) != 0;
    public bool Unidirectional => (Flags & SpdyWire.FlagUnidirectional) != 0;
}

public sealed record SpdySynReplyFrame(int StreamId, byte Flags, SpdyHeaders Headers) : SpdyFrame;

public sealed record SpdyRstStreamFrame(int StreamId, uint Status) : SpdyFrame;

public sealed record SpdySettingsFrame(byte Flags, IReadOnlyList<SpdySetting> Entries) : SpdyFrame;

public readonly record struct SpdySetting(byte Flags, uint Id, uint Value);

public sealed record SpdyPingFrame(uint Id) : SpdyFrame;

public sealed record SpdyGoAwayFrame(int LastGoodStreamId, uint Status) : SpdyFrame;

public sealed record SpdyHeadersFrame(int StreamId, byte Flags, SpdyHeaders Headers) : SpdyFrame;

public sealed record SpdyWindowUpdateFrame(int StreamId, int Delta) : SpdyFrame;

/// <summary>A control frame of a type SPDY/3.1 does not define: the draft says to ignore it.</summary>
public sealed record SpdyUnknownControlFrame(ushort Type) : SpdyFrame;
