using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace OrleansOrchestrator.Silo.Api.Streaming.Spdy;

/// <summary>
/// Reads SPDY/3.1 frames from a peer that may be hostile: the 24-bit length is checked against
/// <paramref name="maxFrameLength"/> before anything is allocated, every field is checked against its frame's length,
/// header blocks go through the connection's <see cref="SpdyHeaderInflater"/> (which bounds them).
/// Anything malformed throws <see cref="SpdyProtocolException"/>; a clean end of the transport between frames returns null.
/// </summary>
public sealed class SpdyFrameReader(Stream transport, int maxFrameLength = SpdyFrameReader.DefaultMaxFrameLength, SpdyHeaderLimits? headerLimits = null) : IDisposable
{
    public const int DefaultMaxFrameLength = 1024 * 1024;
    private const int MaxSettings = 64;

    private readonly SpdyHeaderInflater _inflater = new(headerLimits);
    private readonly byte[] _header = new byte[8];

    public async ValueTask<SpdyFrame?> ReadAsync(CancellationToken ct)
    {
        if (!await FillAsync(_header, allowCleanEnd: true, ct))
            return null;
        var length = (_header[5] << 16) | (_header[6] << 8) | _header[7];
        var flags = _header[4];
        if (length > maxFrameLength)
            throw new SpdyProtocolException($"frame of {length} bytes, more than {maxFrameLength}");
        if ((_header[0] & 0x80) == 0)
        {
            var streamId = (int)(BinaryPrimitives.ReadUInt32BigEndian(_header) & 0x7FFFFFFF);
            if (streamId == 0)
                throw new SpdyProtocolException("data frame on stream 0");
            if (length == 0)
                return new SpdyDataFrame(streamId, flags, ReadOnlyMemory<byte>.Empty);
            var data = SpdyBuffers.Rent(length);
            try
            {
                await FillAsync(MemoryMarshal.AsMemory(data), allowCleanEnd: false, ct);
            }
            catch
            {
                SpdyBuffers.Return(data);
                throw;
            }
            return new SpdyDataFrame(streamId, flags, data, Pooled: true);
        }
        var payload = new byte[length];
        await FillAsync(payload, allowCleanEnd: false, ct);
        var version = (ushort)(BinaryPrimitives.ReadUInt16BigEndian(_header) & 0x7FFF);
        if (version != SpdyWire.Version)
            throw new SpdyProtocolException($"SPDY version {version}, only {SpdyWire.Version} is spoken");
        var type = BinaryPrimitives.ReadUInt16BigEndian(_header.AsSpan(2));
        return Parse(type, flags, payload);
    }

    /// <summary>Parses one control frame's payload; exposed for tests that feed frames without a transport.</summary>
    internal SpdyFrame Parse(ushort type, byte flags, ReadOnlySpan<byte> payload)
    {
        switch (type)
        {
            case SpdyWire.SynStreamType:
                Need(payload, 10, "SYN_STREAM");
                return new SpdySynStreamFrame(StreamId(payload), StreamId(payload[4..]), (byte)(payload[8] >> 5), flags,
                    _inflater.Decode(payload[10..]));
            case SpdyWire.SynReplyType:
                Need(payload, 4, "SYN_REPLY");
                return new SpdySynReplyFrame(StreamId(payload), flags, _inflater.Decode(payload[4..]));
            case SpdyWire.RstStreamType:
                Exactly(payload, 8, "RST_STREAM");
                return new SpdyRstStreamFrame(StreamId(payload), BinaryPrimitives.ReadUInt32BigEndian(payload[4..]));
            case SpdyWire.SettingsType:
            {
                Need(payload, 4, "SETTINGS");
                var count = BinaryPrimitives.ReadUInt32BigEndian(payload);
                if (count > MaxSettings || payload.Length != 4 + count * 8)
                    throw new SpdyProtocolException($"SETTINGS frame of {payload.Length} bytes does not hold {count} entries");
                var entries = new SpdySetting[count];
                for (var i = 0; i < count; i++)
                {
                    var entry = payload.Slice(4 + i * 8, 8);
                    entries[i] = new SpdySetting(entry[0], (uint)((entry[1] << 16) | (entry[2] << 8) | entry[3]),
                        BinaryPrimitives.ReadUInt32BigEndian(entry[4..]));
                }
                return new SpdySettingsFrame(flags, entries);
            }
            case SpdyWire.PingType:
                Exactly(payload, 4, "PING");
                return new SpdyPingFrame(BinaryPrimitives.ReadUInt32BigEndian(payload));
            case SpdyWire.GoAwayType:
                // SPDY/2's GOAWAY has no status; accept both shapes rather than fail on a goodbye.
                if (payload.Length != 4 && payload.Length != 8)
                    throw new SpdyProtocolException($"GOAWAY frame of {payload.Length} bytes");
                return new SpdyGoAwayFrame(StreamId(payload), payload.Length == 8 ? BinaryPrimitives.ReadUInt32BigEndian(payload[4..]) : 0);
            case SpdyWire.HeadersType:
                Need(payload, 4, "HEADERS");
                return new SpdyHeadersFrame(StreamId(payload), flags, _inflater.Decode(payload[4..]));
            case SpdyWire.WindowUpdateType:
                Exactly(payload, 8, "WINDOW_UPDATE");
                var delta = (int)(BinaryPrimitives.ReadUInt32BigEndian(payload[4..]) & 0x7FFFFFFF);
                if (delta == 0)
                    throw new SpdyProtocolException("WINDOW_UPDATE with a delta of 0");
                return new SpdyWindowUpdateFrame(StreamId(payload), delta);
            default:
                return new SpdyUnknownControlFrame(type);
        }
    }

    private static int StreamId(ReadOnlySpan<byte> bytes) => (int)(BinaryPrimitives.ReadUInt32BigEndian(bytes) & 0x7FFFFFFF);

    private static void Need(ReadOnlySpan<byte> payload, int length, string frame)
    {
        if (payload.Length < length)
            throw new SpdyProtocolException($"{frame} frame of {payload.Length} bytes, at least {length} expected");
    }

    private static void Exactly(ReadOnlySpan<byte> payload, int length, string frame)
    {
        if (payload.Length != length)
            throw new SpdyProtocolException($"{frame} frame of {payload.Length} bytes, {length} expected");
    }

    private async ValueTask<bool> FillAsync(Memory<byte> buffer, bool allowCleanEnd, CancellationToken ct)
    {
        var filled = 0;
        while (filled < buffer.Length)
        {
            var read = await transport.ReadAsync(buffer[filled..], ct);
            if (read == 0)
            {
                if (filled == 0 && allowCleanEnd)
                    return false;
                throw new SpdyProtocolException("connection ended inside a frame");
            }
            filled += read;
        }
        return true;
    }

    public void Dispose() => _inflater.Dispose();
}

/// <summary>Serialises frames; the header-block deflater is per connection, so one writer per connection, used under its write lock.</summary>
public sealed class SpdyFrameWriter
{
    private readonly SpdyHeaderDeflater _deflater = new();

    public byte[] Data(int streamId, ReadOnlySpan<byte> data, bool fin)
    {
        var frame = new byte[DataFrameLength(data.Length)];
        WriteData(frame, streamId, data, fin);
        return frame;
    }

    public static int DataFrameLength(int dataLength) => 8 + dataLength;

    /// <summary>Writes a DATA frame into <paramref name="frame"/> (<see cref="DataFrameLength"/> bytes): the hot path fills a pooled buffer.</summary>
    public static void WriteData(Span<byte> frame, int streamId, ReadOnlySpan<byte> data, bool fin)
    {
        if (data.Length > SpdyWire.MaxWireLength)
            throw new ArgumentOutOfRangeException(nameof(data), "a DATA frame holds at most 16 MiB");
        BinaryPrimitives.WriteUInt32BigEndian(frame, (uint)streamId & 0x7FFFFFFF);
        WriteFlagsAndLength(frame, fin ? SpdyWire.FlagFin : (byte)0, data.Length);
        data.CopyTo(frame[8..]);
    }

    public byte[] SynStream(int streamId, int associatedStreamId, byte priority, byte flags, SpdyHeaders headers)
    {
        var block = _deflater.Encode(headers);
        var frame = Control(SpdyWire.SynStreamType, flags, 10 + block.Length);
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(8), (uint)streamId);
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(12), (uint)associatedStreamId);
        frame[16] = (byte)(priority << 5);
        block.CopyTo(frame.AsSpan(18));
        return frame;
    }

    public byte[] SynReply(int streamId, byte flags, SpdyHeaders headers) => WithHeaders(SpdyWire.SynReplyType, streamId, flags, headers);

    public byte[] Headers(int streamId, byte flags, SpdyHeaders headers) => WithHeaders(SpdyWire.HeadersType, streamId, flags, headers);

    public byte[] RstStream(int streamId, uint status) => TwoWords(SpdyWire.RstStreamType, (uint)streamId, status);

    public byte[] WindowUpdate(int streamId, int delta) => TwoWords(SpdyWire.WindowUpdateType, (uint)streamId, (uint)delta);

    public byte[] GoAway(int lastGoodStreamId, uint status) => TwoWords(SpdyWire.GoAwayType, (uint)lastGoodStreamId, status);

    public byte[] Ping(uint id)
    {
        var frame = Control(SpdyWire.PingType, 0, 4);
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(8), id);
        return frame;
    }

    public byte[] Settings(IReadOnlyList<SpdySetting> entries)
    {
        var frame = Control(SpdyWire.SettingsType, 0, 4 + entries.Count * 8);
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(8), (uint)entries.Count);
        for (var i = 0; i < entries.Count; i++)
        {
            var at = frame.AsSpan(12 + i * 8);
            BinaryPrimitives.WriteUInt32BigEndian(at, entries[i].Id & 0xFFFFFF);
            at[0] = entries[i].Flags;
            BinaryPrimitives.WriteUInt32BigEndian(at[4..], entries[i].Value);
        }
        return frame;
    }

    private byte[] WithHeaders(ushort type, int streamId, byte flags, SpdyHeaders headers)
    {
        var block = _deflater.Encode(headers);
        var frame = Control(type, flags, 4 + block.Length);
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(8), (uint)streamId);
        block.CopyTo(frame.AsSpan(12));
        return frame;
    }

    private static byte[] TwoWords(ushort type, uint first, uint second)
    {
        var frame = Control(type, 0, 8);
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(8), first & 0x7FFFFFFF);
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(12), second);
        return frame;
    }

    private static byte[] Control(ushort type, byte flags, int length)
    {
        var frame = new byte[8 + length];
        BinaryPrimitives.WriteUInt16BigEndian(frame, 0x8000 | SpdyWire.Version);
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(2), type);
        WriteFlagsAndLength(frame, flags, length);
        return frame;
    }

    private static void WriteFlagsAndLength(Span<byte> frame, byte flags, int length)
    {
        frame[4] = flags;
        frame[5] = (byte)(length >> 16);
        frame[6] = (byte)(length >> 8);
        frame[7] = (byte)length;
    }
}
