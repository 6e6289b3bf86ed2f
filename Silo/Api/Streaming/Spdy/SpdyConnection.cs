using System.Buffers;
using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Threading.Channels;

namespace OrleansOrchestrator.Silo.Api.Streaming.Spdy;

/// <summary>Limits and timeouts of one SPDY connection; the defaults are the kubelet streaming server's.</summary>
public sealed record SpdyOptions
{
    /// <summary>A connection with no frame either way for this long is closed (kubelet: 4 hours).</summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromHours(4);

    /// <summary>How long a client may take to open the streams a request needs (kubelet: 30 seconds).</summary>
    public TimeSpan StreamCreationTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Streams open at once on one connection; more are refused (RST_STREAM REFUSED_STREAM).</summary>
    public int MaxStreams { get; init; } = 1024;

    /// <summary>
    /// Bytes received on one stream and not yet taken by its consumer. Advertised as the SPDY window; Go's spdystream
    /// (kubectl) ignores windows, so a stream that goes past it is either reset (<see cref="ResetStreamOnOverflow"/>:
    /// the frame reader never waits for one slow stream) or makes the reader wait (exec, where stdin is the only busy stream).
    /// </summary>
    public int StreamBufferBytes { get; init; } = 1024 * 1024;

    public bool ResetStreamOnOverflow { get; init; } = true;

    /// <summary>Bytes buffered over all streams of a connection; past it the reader waits for consumers (memory stays bounded).</summary>
    public int ConnectionBufferBytes { get; init; } = 64 * 1024 * 1024;

    public int MaxFrameLength { get; init; } = SpdyFrameReader.DefaultMaxFrameLength;

    /// <summary>Our DATA frames carry at most this many bytes, so that one stream's large write does not hold the line long.</summary>
    public int MaxDataFrameBytes { get; init; } = 64 * 1024;

    public SpdyHeaderLimits HeaderLimits { get; init; } = SpdyHeaderLimits.Default;

    public static readonly SpdyOptions Default = new();
}

/// <summary>
/// The server side of one SPDY/3.1 connection: one reader loop dispatches frames to streams, writes from any stream
/// go out whole and one at a time under a lock. Streams are opened by the client (odd ids); each gets an empty
/// SYN_REPLY at once, as the kubelet's server does, before the application sees it.
/// </summary>
public sealed class SpdyConnection : IAsyncDisposable
{
    private readonly Stream _transport;
    private readonly SpdyOptions _options;
    private readonly SpdyFrameReader _reader;
    private readonly SpdyFrameWriter _writer = new();
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly ConcurrentDictionary<int, SpdyStream> _streams = new();
    private readonly CancellationTokenSource _closed = new();
    private readonly CancellationTokenSource _idle = new();
    private long _bufferedBytes;
    private int _consumedSinceWindowUpdate;
    private TaskCompletionSource _spaceFreed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _lastStreamId;
    private Task? _run;

    public SpdyConnection(Stream transport, SpdyOptions? options = null)
    {
        _transport = transport;
        _options = options ?? SpdyOptions.Default;
        _reader = new SpdyFrameReader(transport, _options.MaxFrameLength, _options.HeaderLimits);
    }

    public SpdyOptions Options => _options;

    /// <summary>Cancelled when the connection ends (peer gone, GOAWAY, idle, protocol error, disposal).</summary>
    public CancellationToken Closed => _closed.Token;

    public int OpenStreams => _streams.Count;

    /// <summary>Starts reading; <paramref name="onStream"/> is called on the reader for every accepted stream and must not block.</summary>
    public Task Start(Action<SpdyStream> onStream, CancellationToken ct)
    {
        _idle.CancelAfter(_options.IdleTimeout);
        _run = RunAsync(onStream, ct);
        return _run;
    }

    private async Task RunAsync(Action<SpdyStream> onStream, CancellationToken ct)
    {
        using var lifetime = CancellationTokenSource.CreateLinkedTokenSource(ct, _idle.Token, _closed.Token);
        uint goAwayStatus = SpdyWire.GoAwayOk;
        try
        {
            // Advertise our buffers as windows, for peers that honour SPDY/3.1 flow control (spdystream does not).
            await SendAsync(_writer.Settings([new SpdySetting(0, SpdyWire.SettingsInitialWindowSize, (uint)_options.StreamBufferBytes)]), lifetime.Token);
            if (_options.ConnectionBufferBytes > 65536)
                await SendAsync(_writer.WindowUpdate(0, _options.ConnectionBufferBytes - 65536), lifetime.Token);
            while (true)
            {
                var frame = await _reader.ReadAsync(lifetime.Token);
                if (frame is null)
                    break;
                _idle.CancelAfter(_options.IdleTimeout);
                if (!await HandleAsync(frame, onStream, lifetime.Token))
                    break;
            }
        }
        catch (SpdyProtocolException)
        {
            goAwayStatus = SpdyWire.GoAwayProtocolError;
        }
        catch (OperationCanceledException) { }
        catch (IOException) { }
        catch (ObjectDisposedException) { }
        catch (WebSocketException) { } // the transport of kubectl 1.31+'s port-forward tunnel
        finally
        {
            await CloseAsync(goAwayStatus);
        }
    }

    private async Task<bool> HandleAsync(SpdyFrame frame, Action<SpdyStream> onStream, CancellationToken ct)
    {
        switch (frame)
        {
            case SpdyDataFrame data:
                var kept = false;
                try
                {
                    if (!_streams.TryGetValue(data.StreamId, out var target))
                        return true; // a stream we reset or closed: its late frames are dropped, as spdystream does
                    if (data.Data.Length > 0)
                    {
                        if (target.Buffered + data.Data.Length > _options.StreamBufferBytes)
                        {
                            if (_options.ResetStreamOnOverflow)
                            {
                                await target.ResetAsync(SpdyWire.FlowControlError);
                                return true;
                            }
                            await WaitForSpaceAsync(() => target.Buffered + data.Data.Length > _options.StreamBufferBytes && !target.IsReset, ct);
                        }
                        await WaitForSpaceAsync(() => Interlocked.Read(ref _bufferedBytes) + data.Data.Length > _options.ConnectionBufferBytes, ct);
                        kept = target.Enqueue(data);
                        if (kept)
                            Interlocked.Add(ref _bufferedBytes, data.Data.Length);
                    }
                    if (data.Fin)
                        target.RemoteFinished();
                    return true;
                }
                finally
                {
                    if (!kept)
                        data.ReturnToPool();
                }

            case SpdySynStreamFrame syn:
                if (syn.StreamId % 2 == 0 || syn.StreamId <= _lastStreamId)
                    throw new SpdyProtocolException($"stream id {syn.StreamId} is not a new client stream");
                _lastStreamId = syn.StreamId;
                if (_streams.Count >= _options.MaxStreams)
                {
                    await SendAsync(_writer.RstStream(syn.StreamId, SpdyWire.RefusedStream), ct);
                    return true;
                }
                var stream = new SpdyStream(this, syn.StreamId, syn.Headers);
                _streams[syn.StreamId] = stream;
                await SendBuiltAsync(writer => writer.SynReply(syn.StreamId, 0, SpdyHeaders.Empty), ct);
                if (syn.Fin || syn.Unidirectional)
                    stream.RemoteFinished();
                onStream(stream);
                return true;

            case SpdyRstStreamFrame rst:
                if (_streams.TryGetValue(rst.StreamId, out var reset))
                    reset.PeerReset();
                return true;

            case SpdyPingFrame ping:
                // Client-initiated pings carry odd ids; we send none, so every ping is the client's to echo.
                await SendAsync(_writer.Ping(ping.Id), ct);
                return true;

            case SpdyGoAwayFrame:
                return false;

            case SpdyHeadersFrame headers:
                if ((headers.Flags & SpdyWire.FlagFin) != 0 && _streams.TryGetValue(headers.StreamId, out var finished))
                    finished.RemoteFinished();
                return true;

            default: // SETTINGS, WINDOW_UPDATE (we do not hold our writes to the peer's window: spdystream sends none), SYN_REPLY, unknown
                return true;
        }
    }

    /// <summary>Waits while <paramref name="full"/> holds, woken each time a reader frees space.</summary>
    private async Task WaitForSpaceAsync(Func<bool> full, CancellationToken ct)
    {
        while (true)
        {
            // The signal is taken before the condition is checked: space freed in between completes this very signal.
            // Taken after, a reader that drained everything meanwhile would have completed an earlier one, and this
            // wait (on a signal no one completes any more) would stall the connection for good.
            var signal = Volatile.Read(ref _spaceFreed);
            if (!full()) return;
            await signal.Task.WaitAsync(ct);
        }
    }

    internal void Consumed(SpdyStream stream, int bytes)
    {
        Interlocked.Add(ref _bufferedBytes, -bytes);
        Interlocked.Exchange(ref _spaceFreed, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
        var connectionDelta = Interlocked.Add(ref _consumedSinceWindowUpdate, bytes);
        if (connectionDelta >= _options.ConnectionBufferBytes / 4 && Interlocked.CompareExchange(ref _consumedSinceWindowUpdate, 0, connectionDelta) == connectionDelta)
            SendInBackground(_writer.WindowUpdate(0, connectionDelta));
        var streamDelta = stream.TakeWindowUpdate(_options.StreamBufferBytes / 2);
        if (streamDelta > 0 && !stream.RemoteClosed)
            SendInBackground(_writer.WindowUpdate(stream.Id, streamDelta));
    }

    internal void Discarded(int bytes)
    {
        Interlocked.Add(ref _bufferedBytes, -bytes);
        Interlocked.Exchange(ref _spaceFreed, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
    }

    internal void Forget(SpdyStream stream) => _streams.TryRemove(new KeyValuePair<int, SpdyStream>(stream.Id, stream));

    internal SpdyFrameWriter Writer => _writer;

    private void SendInBackground(byte[] frame) => _ = SendQuietlyAsync(frame);

    private async Task SendQuietlyAsync(byte[] frame)
    {
        try { await SendAsync(frame, _closed.Token); }
        catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException or WebSocketException) { }
    }

    /// <summary>One DATA frame, built in a pooled buffer: a forward's bytes cost no allocation per frame.</summary>
    internal async Task SendDataAsync(int streamId, ReadOnlyMemory<byte> data, bool fin, CancellationToken ct)
    {
        var length = SpdyFrameWriter.DataFrameLength(data.Length);
        var frame = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            SpdyFrameWriter.WriteData(frame, streamId, data.Span, fin);
            await SendAsync(frame.AsMemory(0, length), ct);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(frame);
        }
    }

    /// <summary>Writes one frame whole; frames of concurrent writers never interleave.</summary>
    internal async Task SendAsync(ReadOnlyMemory<byte> frame, CancellationToken ct)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, _closed.Token);
        await _writeLock.WaitAsync(linked.Token);
        try
        {
            await _transport.WriteAsync(frame, linked.Token);
            await _transport.FlushAsync(linked.Token);
            _idle.CancelAfter(_options.IdleTimeout);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>Builds a frame under the write lock: header blocks form one zlib stream, so they must reach the wire in the order they were encoded.</summary>
    internal async Task SendBuiltAsync(Func<SpdyFrameWriter, byte[]> build, CancellationToken ct)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, _closed.Token);
        await _writeLock.WaitAsync(linked.Token);
        try
        {
            var built = build(_writer);
            await _transport.WriteAsync(built, linked.Token);
            await _transport.FlushAsync(linked.Token);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>Says goodbye (GOAWAY) and ends the connection: every stream's reader sees its end, every waiter is released.</summary>
    public async Task CloseAsync(uint goAwayStatus = SpdyWire.GoAwayOk)
    {
        if (_closed.IsCancellationRequested)
            return;
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await _writeLock.WaitAsync(timeout.Token);
            try
            {
                await _transport.WriteAsync(_writer.GoAway(_lastStreamId, goAwayStatus), timeout.Token);
                await _transport.FlushAsync(timeout.Token);
            }
            finally
            {
                _writeLock.Release();
            }
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException or NotSupportedException or WebSocketException) { }
        try { _closed.Cancel(); } catch (ObjectDisposedException) { }
        foreach (var stream in _streams.Values)
            stream.ConnectionClosed();
        _streams.Clear();
        try { await _transport.DisposeAsync(); } catch (Exception e) when (e is IOException or ObjectDisposedException or WebSocketException or OperationCanceledException) { }
    }

    public async ValueTask DisposeAsync()
    {
        await CloseAsync();
        if (_run is not null)
            try { await _run; } catch (OperationCanceledException) { }
        _reader.Dispose();
    }
}

/// <summary>
/// One client-opened stream: reads return what the client sent (0 at its FIN, reset or the connection's end), writes
/// become DATA frames. Reads are for one consumer at a time; writes may come from several.
/// </summary>
public sealed class SpdyStream
{
    private readonly SpdyConnection _connection;
    private readonly Channel<SpdyDataFrame> _incoming = Channel.CreateUnbounded<SpdyDataFrame>(new UnboundedChannelOptions { SingleReader = false, SingleWriter = true });
    private readonly CancellationTokenSource _aborted = new();
    private SpdyDataFrame? _currentFrame;
    private ReadOnlyMemory<byte> _current;
    private long _buffered;
    private int _consumedSinceWindowUpdate;
    private int _localClosed;
    private int _remoteClosed;
    private int _reset;

    internal SpdyStream(SpdyConnection connection, int id, SpdyHeaders headers)
    {
        _connection = connection;
        Id = id;
        Headers = headers;
    }

    public int Id { get; }

    public SpdyHeaders Headers { get; }

    /// <summary>Cancelled when either side resets the stream or the connection ends.</summary>
    public CancellationToken Aborted => _aborted.Token;

    public bool IsReset => Volatile.Read(ref _reset) != 0;

    public bool RemoteClosed => Volatile.Read(ref _remoteClosed) != 0;

    internal long Buffered => Interlocked.Read(ref _buffered);

    /// <summary>Takes the frame (and its pooled buffer) when the stream still reads; false leaves it with the caller.</summary>
    internal bool Enqueue(SpdyDataFrame frame)
    {
        if (RemoteClosed || IsReset || !_incoming.Writer.TryWrite(frame))
            return false;
        Interlocked.Add(ref _buffered, frame.Data.Length);
        return true;
    }

    internal void RemoteFinished()
    {
        Interlocked.Exchange(ref _remoteClosed, 1);
        _incoming.Writer.TryComplete();
        ForgetIfDone();
    }

    internal int TakeWindowUpdate(int threshold)
    {
        var pending = Volatile.Read(ref _consumedSinceWindowUpdate);
        return pending >= threshold && Interlocked.CompareExchange(ref _consumedSinceWindowUpdate, 0, pending) == pending ? pending : 0;
    }

    public async ValueTask<int> ReadAsync(Memory<byte> destination, CancellationToken ct)
    {
        if (_current.IsEmpty)
        {
            try
            {
                if (!await _incoming.Reader.WaitToReadAsync(ct) || !_incoming.Reader.TryRead(out _currentFrame))
                    return 0;
                _current = _currentFrame.Data;
            }
            catch (ChannelClosedException)
            {
                return 0;
            }
        }
        var n = Math.Min(destination.Length, _current.Length);
        _current[..n].CopyTo(destination);
        _current = _current[n..];
        if (_current.IsEmpty)
        {
            _currentFrame?.ReturnToPool();
            _currentFrame = null;
        }
        Interlocked.Add(ref _buffered, -n);
        Interlocked.Add(ref _consumedSinceWindowUpdate, n);
        _connection.Consumed(this, n);
        return n;
    }

    public async Task WriteAsync(ReadOnlyMemory<byte> data, CancellationToken ct)
    {
        var max = _connection.Options.MaxDataFrameBytes;
        while (data.Length > 0)
        {
            if (IsReset || Volatile.Read(ref _localClosed) != 0)
                throw new IOException($"stream {Id} is closed");
            var chunk = data[..Math.Min(max, data.Length)];
            await _connection.SendDataAsync(Id, chunk, fin: false, ct);
            data = data[chunk.Length..];
        }
    }

    /// <summary>Our side is done writing: an empty DATA frame with FIN (once).</summary>
    public async Task CloseWriteAsync(CancellationToken ct)
    {
        if (IsReset || Interlocked.Exchange(ref _localClosed, 1) != 0)
            return;
        try
        {
            await _connection.SendDataAsync(Id, ReadOnlyMemory<byte>.Empty, fin: true, ct);
        }
        finally
        {
            ForgetIfDone();
        }
    }

    public async Task ResetAsync(uint status)
    {
        if (Interlocked.Exchange(ref _reset, 1) != 0)
            return;
        Drop();
        try
        {
            await _connection.SendAsync(_connection.Writer.RstStream(Id, status), CancellationToken.None);
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException or WebSocketException) { }
    }

    internal void PeerReset()
    {
        if (Interlocked.Exchange(ref _reset, 1) == 0)
            Drop();
    }

    internal void ConnectionClosed()
    {
        Interlocked.Exchange(ref _remoteClosed, 1);
        _incoming.Writer.TryComplete();
        try { _aborted.Cancel(); } catch (ObjectDisposedException) { }
    }

    private void Drop()
    {
        _incoming.Writer.TryComplete();
        var dropped = 0L;
        while (_incoming.Reader.TryRead(out var frame))
        {
            dropped += frame.Data.Length;
            frame.ReturnToPool();
        }
        if (dropped > 0)
        {
            Interlocked.Add(ref _buffered, -dropped);
            _connection.Discarded((int)dropped);
        }
        try { _aborted.Cancel(); } catch (ObjectDisposedException) { }
        _connection.Forget(this);
    }

    private void ForgetIfDone()
    {
        if (Volatile.Read(ref _localClosed) != 0 && RemoteClosed)
            _connection.Forget(this);
    }
}
