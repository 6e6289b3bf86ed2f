using System.Buffers.Binary;
using OrleansOrchestrator.Silo.Api.Streaming.Spdy;

namespace OrleansOrchestrator.Silo.Tests.Api.Streaming;

public sealed class SpdyCodecTests
{
    private static SpdyHeaders Headers(params (string Name, string Value)[] pairs) =>
        new(pairs.Select(p => new KeyValuePair<string, string>(p.Name, p.Value)).ToList());

    private static async Task<List<SpdyFrame>> ReadAll(byte[] wire, int maxFrameLength = SpdyFrameReader.DefaultMaxFrameLength, SpdyHeaderLimits? limits = null)
    {
        using var reader = new SpdyFrameReader(new MemoryStream(wire), maxFrameLength, limits);
        var frames = new List<SpdyFrame>();
        while (await reader.ReadAsync(CancellationToken.None) is { } frame)
            frames.Add(frame);
        return frames;
    }

    private static byte[] SynStreamWithBlock(int streamId, byte[] block)
    {
        var frame = new byte[18 + block.Length];
        BinaryPrimitives.WriteUInt16BigEndian(frame, 0x8003);
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(2), SpdyWire.SynStreamType);
        var length = 10 + block.Length;
        frame[5] = (byte)(length >> 16); frame[6] = (byte)(length >> 8); frame[7] = (byte)length;
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(8), (uint)streamId);
        block.CopyTo(frame.AsSpan(18));
        return frame;
    }

    /// <summary>Two header blocks from one zlib stream primed with SPDY's dictionary (level 9, sync flushes), as Go's framer writes them.</summary>
    [Fact]
    public async Task Inflates_a_peers_dictionary_compressed_header_blocks_across_frames()
    {
        // Made with Python's zlib: compressobj(9, DEFLATED, 15, zdict=SPDY dictionary), each block then Z_SYNC_FLUSH.
        var first = Convert.FromHexString("78f9e3c6a7c202253a703a2b294a4dcc851625aca9a0808614cb45e01c6061606100a4398b20d198094ade8c0600000000ffff");
        var second = Convert.FromHexString("c2aa19540e2512d60b000000ffff");

        var frames = await ReadAll([.. SynStreamWithBlock(1, first), .. SynStreamWithBlock(3, second)]);

        var error = Assert.IsType<SpdySynStreamFrame>(frames[0]);
        Assert.Equal(1, error.StreamId);
        Assert.Equal("error", error.Headers["streamType"]);
        Assert.Equal("8080", error.Headers["port"]);
        Assert.Equal("0", error.Headers["requestID"]);
        var data = Assert.IsType<SpdySynStreamFrame>(frames[1]);
        Assert.Equal(3, data.StreamId);
        Assert.Equal("data", data.Headers["streamtype"]);
    }

    [Fact]
    public async Task Our_frames_read_back_as_written()
    {
        var writer = new SpdyFrameWriter();
        var wire = new MemoryStream();
        wire.Write(writer.SynStream(1, 0, 2, SpdyWire.FlagFin, Headers(("streamtype", "stdin"), ("x", new string('v', 70_000 / 2)))));
        wire.Write(writer.SynReply(1, 0, Headers(("a", "b"))));
        wire.Write(writer.Headers(1, 0, SpdyHeaders.Empty));
        wire.Write(writer.Data(1, "hello"u8, fin: true));
        wire.Write(writer.RstStream(5, SpdyWire.FlowControlError));
        wire.Write(writer.Settings([new SpdySetting(1, SpdyWire.SettingsInitialWindowSize, 65536)]));
        wire.Write(writer.Ping(7));
        wire.Write(writer.WindowUpdate(3, 1000));
        wire.Write(writer.GoAway(9, SpdyWire.GoAwayProtocolError));

        var frames = await ReadAll(wire.ToArray(), limits: new SpdyHeaderLimits(MaxValueBytes: 40_000, MaxBlockBytes: 64 * 1024));

        var syn = Assert.IsType<SpdySynStreamFrame>(frames[0]);
        Assert.Equal((1, 2, true), (syn.StreamId, (int)syn.Priority, syn.Fin));
        Assert.Equal("stdin", syn.Headers["streamtype"]);
        Assert.Equal(35_000, syn.Headers["x"]!.Length);
        Assert.Equal("b", Assert.IsType<SpdySynReplyFrame>(frames[1]).Headers["a"]);
        Assert.Empty(Assert.IsType<SpdyHeadersFrame>(frames[2]).Headers.Pairs);
        var data = Assert.IsType<SpdyDataFrame>(frames[3]);
        Assert.Equal((1, true, "hello"), (data.StreamId, data.Fin, System.Text.Encoding.ASCII.GetString(data.Data.Span)));
        Assert.Equal(new SpdyRstStreamFrame(5, SpdyWire.FlowControlError), frames[4]);
        var settings = Assert.IsType<SpdySettingsFrame>(frames[5]);
        Assert.Equal(new SpdySetting(1, SpdyWire.SettingsInitialWindowSize, 65536), Assert.Single(settings.Entries));
        Assert.Equal(new SpdyPingFrame(7), frames[6]);
        Assert.Equal(new SpdyWindowUpdateFrame(3, 1000), frames[7]);
        Assert.Equal(new SpdyGoAwayFrame(9, SpdyWire.GoAwayProtocolError), frames[8]);
    }

    [Fact]
    public async Task A_frame_longer_than_the_limit_is_refused_before_it_is_read()
    {
        var header = new byte[] { 0x00, 0x00, 0x00, 0x01, 0x00, 0xFF, 0xFF, 0xFF }; // DATA of 16 MiB, no payload follows
        var e = await Assert.ThrowsAsync<SpdyProtocolException>(() => ReadAll(header, maxFrameLength: 1024));
        Assert.Contains("more than 1024", e.Message);
    }

    [Fact]
    public async Task Header_blocks_beyond_their_bounds_are_refused()
    {
        var writer = new SpdyFrameWriter();
        var many = writer.SynStream(1, 0, 0, 0, Headers(Enumerable.Range(0, 100).Select(i => ($"h{i}", "v")).ToArray()));
        await Assert.ThrowsAsync<SpdyProtocolException>(() => ReadAll(many, limits: new SpdyHeaderLimits(MaxPairs: 10)));

        var longValue = new SpdyFrameWriter().SynStream(1, 0, 0, 0, Headers(("h", new string('v', 10_000))));
        await Assert.ThrowsAsync<SpdyProtocolException>(() => ReadAll(longValue, limits: new SpdyHeaderLimits(MaxValueBytes: 1000)));

        var wrongVersion = new SpdyFrameWriter().Ping(1);
        wrongVersion[1] = 2;
        await Assert.ThrowsAsync<SpdyProtocolException>(() => ReadAll(wrongVersion));
    }

    [Fact]
    public void Resize_messages_are_cut_into_whole_json_objects()
    {
        var splitter = new OrleansOrchestrator.Silo.Api.Streaming.JsonObjectSplitter(4096);
        var first = splitter.Push("{\"Width\":80,\"Height\":24}\n{\"Width\":1"u8);
        var second = splitter.Push("00,\"Height\":\"}\"}\n"u8);
        Assert.Equal("{\"Width\":80,\"Height\":24}", System.Text.Encoding.UTF8.GetString(Assert.Single(first)));
        Assert.Equal("{\"Width\":100,\"Height\":\"}\"}", System.Text.Encoding.UTF8.GetString(Assert.Single(second)));
    }

    /// <summary>Random and mutated frames: the reader throws nothing but its own exception and allocates within its bounds.</summary>
    [Fact]
    public async Task Mutated_and_random_frames_only_throw_the_protocol_exception_with_bounded_memory()
    {
        var writer = new SpdyFrameWriter();
        var python = Convert.FromHexString("78f9e3c6a7c202253a703a2b294a4dcc851625aca9a0808614cb45e01c6061606100a4398b20d198094ade8c0600000000ffff");
        byte[] valid =
        [
            .. SynStreamWithBlock(1, python),
            .. writer.Data(1, new byte[300], fin: false),
            .. writer.Settings([new SpdySetting(0, 7, 1)]),
            .. writer.Ping(3), .. writer.RstStream(1, 5), .. writer.WindowUpdate(1, 5), .. writer.GoAway(1, 0),
        ];
        var random = new Random(20261202);
        const int maxFrame = 64 * 1024;
        for (var i = 0; i < 3000; i++)
        {
            byte[] input;
            if (i % 3 == 0)
            {
                input = new byte[random.Next(0, 200)];
                random.NextBytes(input);
                if (input.Length > 2 && random.Next(2) == 0) { input[0] = 0x80; input[1] = 0x03; } // mostly control frames of version 3
            }
            else
            {
                input = (byte[])valid.Clone();
                for (var m = random.Next(1, 8); m > 0; m--)
                    input[random.Next(input.Length)] = (byte)random.Next(256);
                if (random.Next(4) == 0)
                    input = input[..random.Next(input.Length)];
            }
            var before = GC.GetAllocatedBytesForCurrentThread();
            try
            {
                await ReadAll(input, maxFrame);
            }
            catch (SpdyProtocolException)
            {
            }
            var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.True(allocated < 4 * 1024 * 1024, $"input {i} made the reader allocate {allocated} bytes");
        }
    }
}
