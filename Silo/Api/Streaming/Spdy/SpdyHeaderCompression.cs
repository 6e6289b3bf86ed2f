using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace OrleansOrchestrator.Silo.Api.Streaming.Spdy;

/// <summary>Bounds on a peer's header blocks: every count and length read from the wire is checked against them.</summary>
public sealed record SpdyHeaderLimits(int MaxPairs = 64, int MaxNameBytes = 256, int MaxValueBytes = 8 * 1024, int MaxBlockBytes = 32 * 1024)
{
    public static readonly SpdyHeaderLimits Default = new();
}

/// <summary>
/// Inflates a peer's header blocks. SPDY/3 compresses every header block of a connection (one direction) as one zlib
/// stream primed with <see cref="SpdyHeaderDictionary"/>, each block ending on a sync flush. System.IO.Compression
/// cannot set a preset dictionary, so the raw-deflate stream we inflate starts with a stored (uncompressed) block that
/// holds the dictionary: the inflater then has it in its window, where the peer's back-references point, and its output
/// (the dictionary) is read and dropped once.
/// </summary>
public sealed class SpdyHeaderInflater : IDisposable
{
    private readonly SpdyHeaderLimits _limits;
    private readonly FeedStream _input = new();
    private DeflateStream? _inflater;
    private bool _zlibHeaderSeen;

    public SpdyHeaderInflater(SpdyHeaderLimits? limits = null) => _limits = limits ?? SpdyHeaderLimits.Default;

    public SpdyHeaders Decode(ReadOnlySpan<byte> block)
    {
        if (!_zlibHeaderSeen)
        {
            if (block.Length < 2)
                throw new SpdyProtocolException("header block too short for its zlib header");
            var cmf = block[0];
            var flg = block[1];
            if ((cmf & 0x0F) != 8 || (cmf >> 4) > 7 || ((cmf << 8) | flg) % 31 != 0)
                throw new SpdyProtocolException("header block does not start with a zlib header");
            // The zlib header (2 bytes, 6 with the dictionary's id) comes whole in the first block, as every SPDY writer sends it.
            var zlibHeaderLength = (flg & 0x20) != 0 ? 6 : 2;
            if ((flg & 0x20) != 0)
            {
                if (block.Length < 6)
                    throw new SpdyProtocolException("header block too short for its zlib dictionary id");
                if (BinaryPrimitives.ReadUInt32BigEndian(block[2..6]) != SpdyHeaderDictionary.Adler32)
                    throw new SpdyProtocolException("header block asks for a dictionary other than SPDY/3's");
            }
            block = block[zlibHeaderLength..];
            _zlibHeaderSeen = true;

            var dictionary = SpdyHeaderDictionary.Bytes;
            var stored = new byte[5 + dictionary.Length];
            stored[0] = 0x00; // BFINAL=0, BTYPE=00 (stored), padding to the byte
            BinaryPrimitives.WriteUInt16LittleEndian(stored.AsSpan(1), (ushort)dictionary.Length);
            BinaryPrimitives.WriteUInt16LittleEndian(stored.AsSpan(3), (ushort)~dictionary.Length);
            dictionary.CopyTo(stored.AsSpan(5));
            _input.Append(stored);
            _inflater = new DeflateStream(_input, CompressionMode.Decompress, leaveOpen: true);
            var skip = new byte[dictionary.Length];
            ReadExactly(skip);
        }

        // Bytes the inflater has not taken yet stay in the feed (the peer's stream is continuous); a peer that sends
        // data the inflater never consumes cannot make this grow without bound.
        if (_input.Pending + block.Length > _limits.MaxBlockBytes + 64 * 1024)
            throw new SpdyProtocolException("header blocks are not being consumed");
        _input.Append(block);

        var budget = _limits.MaxBlockBytes;
        Span<byte> word = stackalloc byte[4];
        ReadExactly(word);
        var count = BinaryPrimitives.ReadUInt32BigEndian(word);
        if (count > (uint)_limits.MaxPairs)
            throw new SpdyProtocolException($"header block has {count} pairs, more than {_limits.MaxPairs}");
        budget -= 4;
        var pairs = new List<KeyValuePair<string, string>>((int)count);
        for (var i = 0; i < count; i++)
        {
            var name = ReadString(word, _limits.MaxNameBytes, ref budget, "name");
            if (name.Length == 0)
                throw new SpdyProtocolException("header block has an empty name");
            var value = ReadString(word, _limits.MaxValueBytes, ref budget, "value");
            pairs.Add(new(name, value));
        }
        return new SpdyHeaders(pairs);
    }

    private string ReadString(Span<byte> word, int max, ref int budget, string what)
    {
        ReadExactly(word);
        var length = BinaryPrimitives.ReadUInt32BigEndian(word);
        if (length > (uint)max)
            throw new SpdyProtocolException($"header {what} of {length} bytes, more than {max}");
        budget -= 4 + (int)length;
        if (budget < 0)
            throw new SpdyProtocolException($"header block larger than {_limits.MaxBlockBytes} bytes");
        Span<byte> bytes = length <= 512 ? stackalloc byte[(int)length] : new byte[length];
        ReadExactly(bytes);
        return Encoding.UTF8.GetString(bytes);
    }

    private void ReadExactly(Span<byte> destination)
    {
        try
        {
            while (destination.Length > 0)
            {
                var read = _inflater!.Read(destination);
                if (read == 0)
                    throw new SpdyProtocolException("header block ends before its headers");
                destination = destination[read..];
            }
        }
        catch (InvalidDataException e)
        {
            throw new SpdyProtocolException("header block does not inflate", e);
        }
    }

    public void Dispose() => _inflater?.Dispose();

    /// <summary>The compressed bytes received so far and not yet taken by the inflater; empty reads as "no more for now".</summary>
    private sealed class FeedStream : Stream
    {
        private byte[] _buffer = new byte[4096];
        private int _start;
        private int _end;

        public int Pending => _end - _start;

        public void Append(ReadOnlySpan<byte> data)
        {
            if (_end + data.Length > _buffer.Length)
            {
                var pending = _end - _start;
                var target = _buffer.Length >= pending + data.Length ? _buffer : new byte[Math.Max(_buffer.Length * 2, pending + data.Length)];
                Buffer.BlockCopy(_buffer, _start, target, 0, pending);
                _buffer = target;
                _start = 0;
                _end = pending;
            }
            data.CopyTo(_buffer.AsSpan(_end));
            _end += data.Length;
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            var n = Math.Min(buffer.Length, _end - _start);
            _buffer.AsSpan(_start, n).CopyTo(buffer);
            _start += n;
            if (_start == _end)
                _start = _end = 0;
            return n;
        }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}

/// <summary>
/// Writes our header blocks as one zlib stream (per connection) made of stored blocks only, each block ending on a
/// sync flush: valid deflate that every
/// SPDY reader inflates with the dictionary (Go's zlib reader included), at no compression — our blocks are a few
/// short headers. The first block carries the zlib header naming SPDY's dictionary.
/// </summary>
public sealed class SpdyHeaderDeflater
{
    private bool _zlibHeaderWritten;

    public byte[] Encode(SpdyHeaders headers)
    {
        var raw = new MemoryStream();
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(word, (uint)headers.Pairs.Count);
        raw.Write(word);
        foreach (var (name, value) in headers.Pairs)
        {
            foreach (var text in new[] { name.ToLowerInvariant(), value })
            {
                var bytes = Encoding.UTF8.GetBytes(text);
                BinaryPrimitives.WriteUInt32BigEndian(word, (uint)bytes.Length);
                raw.Write(word);
                raw.Write(bytes);
            }
        }
        var content = raw.GetBuffer().AsSpan(0, (int)raw.Length);

        var output = new MemoryStream(content.Length + 16);
        if (!_zlibHeaderWritten)
        {
            // CMF 0x78 (deflate, 32K window), FLG 0x20 (FDICT, level 0; 0x7820 is a multiple of 31), then the DICTID.
            output.Write([0x78, 0x20]);
            BinaryPrimitives.WriteUInt32BigEndian(word, SpdyHeaderDictionary.Adler32);
            output.Write(word);
            _zlibHeaderWritten = true;
        }
        Span<byte> storedHeader = stackalloc byte[5];
        do
        {
            var chunk = content[..Math.Min(content.Length, ushort.MaxValue)];
            storedHeader[0] = 0x00; // not final: the stream goes on with the next header block
            BinaryPrimitives.WriteUInt16LittleEndian(storedHeader[1..], (ushort)chunk.Length);
            BinaryPrimitives.WriteUInt16LittleEndian(storedHeader[3..], (ushort)~chunk.Length);
            output.Write(storedHeader);
            output.Write(chunk);
            content = content[chunk.Length..];
        }
        while (content.Length > 0);
        // End on a sync flush (an empty stored block), as zlib's Z_SYNC_FLUSH does: Go's inflater hands out a stored
        // block's bytes only once it has read the next block's header, so without it the last block never arrives.
        output.Write([0x00, 0x00, 0x00, 0xFF, 0xFF]);
        return output.ToArray();
    }
}
