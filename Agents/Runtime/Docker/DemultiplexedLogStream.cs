using System.Runtime.InteropServices;
using Docker.DotNet;

namespace OrleansOrchestrator.Agents.Runtime.Docker;

/// <summary>
/// A container's stdout and stderr as one plain byte stream. Without a TTY the engine frames every chunk with an
/// 8-byte header naming its stream; <see cref="MultiplexedStream"/> strips the headers, this adapts it to a
/// <see cref="Stream"/> that a <see cref="StreamReader"/> (or an HTTP response) can read. Disposing it closes the
/// connection to the engine, which is how a follower stops following.
/// </summary>
internal sealed class DemultiplexedLogStream(MultiplexedStream source) : Stream
{
    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;

    public override async Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        // MultiplexedStream reports end of stream as a read of 0 bytes, so a 0-byte request must not reach it.
        if (count == 0)
        {
            return 0;
        }

        var result = await source.ReadOutputAsync(buffer, offset, count, cancellationToken).ConfigureAwait(false);
        return result.Count;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (MemoryMarshal.TryGetArray<byte>(buffer, out var segment))
        {
            return await ReadAsync(segment.Array!, segment.Offset, segment.Count, cancellationToken).ConfigureAwait(false);
        }

        var rented = new byte[buffer.Length];
        var read = await ReadAsync(rented, 0, rented.Length, cancellationToken).ConfigureAwait(false);
        rented.AsSpan(0, read).CopyTo(buffer.Span);
        return read;
    }

    public override int Read(byte[] buffer, int offset, int count) =>
        ReadAsync(buffer, offset, count, CancellationToken.None).GetAwaiter().GetResult();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            source.Dispose();
        }

        base.Dispose(disposing);
    }

    public override void Flush() { }
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
