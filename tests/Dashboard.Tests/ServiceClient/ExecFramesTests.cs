using System.Text;
using OrleansOrchestrator.Contracts.Streaming;
using OrleansOrchestrator.Dashboard.ServiceClient;

namespace OrleansOrchestrator.Dashboard.Tests.ServiceClient;

public sealed class ExecFramesTests
{
    [Fact]
    public void Stdin_Bytes_PrefixedWithChannelZero() =>
        Assert.Equal([0, (byte)'l', (byte)'s', (byte)'\r'], ExecFrames.Stdin("ls\r"u8));

    [Fact]
    public void Resize_Size_AsKubectlSendsIt()
    {
        var message = ExecFrames.Resize(120, 40);

        Assert.Equal(StreamChannels.Resize, message[0]);
        Assert.Equal("{\"Width\":120,\"Height\":40}", Encoding.ASCII.GetString(message, 1, message.Length - 1));
    }

    [Theory]
    [InlineData(0, 24)]
    [InlineData(80, 0)]
    [InlineData(-1, 24)]
    [InlineData(80, ExecFrames.MaxTerminalCells + 1)]
    public void Resize_ImpossibleSize_Refused(int columns, int rows) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => ExecFrames.Resize(columns, rows));

    [Fact]
    public void CloseStdin_IsTheV5CloseOfChannelZero() => Assert.Equal([255, 0], ExecFrames.CloseStdin());

    [Fact]
    public void Outcome_Success() => Assert.Equal(ExecOutcome.Exited, ExecFrames.OutcomeOf(Encoding.UTF8.GetBytes(ExecStatus.Success())));

    [Fact]
    public void Outcome_NonZeroExit_AsKubectlSaysIt()
    {
        var outcome = ExecFrames.OutcomeOf(Encoding.UTF8.GetBytes(ExecStatus.Exited(137, ["sh", "-c", "exit 137"])));

        Assert.Equal(new ExecOutcome(false, "command terminated with exit code 137", 137), outcome);
    }

    [Fact]
    public void Outcome_Failure_TheStatusMessage()
    {
        var outcome = ExecFrames.OutcomeOf(Encoding.UTF8.GetBytes(ExecStatus.Failed("container app is not running")));

        Assert.Equal(new ExecOutcome(false, "container app is not running", null), outcome);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not json")]
    [InlineData("[1,2]")]
    [InlineData("\"Success\"")]
    public void Outcome_NotAStatus_ProtocolError(string json) =>
        Assert.Throws<ExecProtocolException>(() => ExecFrames.OutcomeOf(Encoding.UTF8.GetBytes(json)));

    [Fact]
    public void Outcome_DeeplyNestedStatus_ProtocolErrorNotAStackOverflow()
    {
        var json = "{\"details\":" + new string('[', 5000) + new string(']', 5000) + "}";

        Assert.Throws<ExecProtocolException>(() => ExecFrames.OutcomeOf(Encoding.UTF8.GetBytes(json)));
    }

    [Fact]
    public void Reader_StdoutAndStderr_PassedOnWithoutTheirChannelByte()
    {
        var reader = new ExecFrameReader();

        Assert.Equal("hello"u8.ToArray(), reader.Read(Message(StreamChannels.Stdout, "hello"), endOfMessage: true).ToArray());
        Assert.Equal("oops"u8.ToArray(), reader.Read(Message(StreamChannels.Stderr, "oops"), endOfMessage: true).ToArray());
        Assert.Null(reader.Outcome);
    }

    [Fact]
    public void Reader_FragmentedMessage_LaterFragmentsAreTheSameChannelsData()
    {
        var reader = new ExecFrameReader();

        Assert.Equal("abc"u8.ToArray(), reader.Read(Message(StreamChannels.Stdout, "abc"), endOfMessage: false).ToArray());
        // The second fragment starts with a byte that would be a channel number: it is data.
        Assert.Equal("\u0003def"u8.ToArray(), reader.Read("\u0003def"u8.ToArray(), endOfMessage: true).ToArray());
        Assert.Null(reader.Outcome);
        Assert.Equal("x"u8.ToArray(), reader.Read(Message(StreamChannels.Stderr, "x"), endOfMessage: true).ToArray());
    }

    [Fact]
    public void Reader_StatusInFragments_OutcomeOnceWhole()
    {
        var reader = new ExecFrameReader();
        var status = Message(StreamChannels.Error, ExecStatus.Exited(2, ["false"]));

        Assert.True(reader.Read(status.AsMemory(0, 10), endOfMessage: false).IsEmpty);
        Assert.Null(reader.Outcome);
        Assert.True(reader.Read(status.AsMemory(10), endOfMessage: true).IsEmpty);

        Assert.Equal(2, reader.Outcome?.ExitCode);
    }

    [Fact]
    public void Reader_EmptyMessage_Ignored()
    {
        var reader = new ExecFrameReader();

        Assert.True(reader.Read(ReadOnlyMemory<byte>.Empty, endOfMessage: true).IsEmpty);
        Assert.Equal("a"u8.ToArray(), reader.Read(Message(StreamChannels.Stdout, "a"), endOfMessage: true).ToArray());
    }

    [Theory]
    [InlineData(StreamChannels.Stdin)]
    [InlineData(StreamChannels.Resize)]
    [InlineData(StreamChannels.Close)]
    [InlineData(7)]
    public void Reader_NotAnOutputChannel_ProtocolError(byte channel) =>
        Assert.Throws<ExecProtocolException>(() => new ExecFrameReader().Read(Message(channel, "x"), endOfMessage: true));

    [Fact]
    public void Reader_StatusLongerThanTheBound_RefusedBeforeItIsKept()
    {
        var reader = new ExecFrameReader();
        reader.Read(Message(StreamChannels.Error, "{\"message\":\""), endOfMessage: false);
        var chunk = new byte[16 * 1024];
        Array.Fill(chunk, (byte)'a');

        var error = Assert.Throws<ExecProtocolException>(() =>
        {
            for (var i = 0; i < 10; i++) reader.Read(chunk, endOfMessage: false);
        });
        Assert.Contains("longer than", error.Message);
    }

    [Fact]
    public void Reader_AnythingAfterTheStatus_ProtocolError()
    {
        var reader = new ExecFrameReader();
        reader.Read(Message(StreamChannels.Error, ExecStatus.Success()), endOfMessage: true);

        Assert.Throws<ExecProtocolException>(() => reader.Read(Message(StreamChannels.Stdout, "late"), endOfMessage: true));
    }

    /// <summary>A hostile or broken agent: random and mutated messages end in a protocol error at worst, never another exception.</summary>
    [Fact]
    public void Reader_RandomAndMutatedInput_OnlyProtocolErrors()
    {
        var random = new Random(20261202);
        byte[][] seeds =
        [
            Message(StreamChannels.Stdout, "hello\r\n"),
            Message(StreamChannels.Stderr, "err"),
            Message(StreamChannels.Error, ExecStatus.Exited(1, ["sh"])),
            Message(StreamChannels.Error, ExecStatus.Failed("gone")),
            Message(StreamChannels.Error, ExecStatus.Success()),
        ];
        for (var run = 0; run < 2000; run++)
        {
            var reader = new ExecFrameReader();
            try
            {
                for (var message = 0; message < 8; message++)
                {
                    var bytes = random.Next(3) == 0 ? RandomBytes(random) : Mutate(seeds[random.Next(seeds.Length)], random);
                    // Split into up to three fragments, as a WebSocket may deliver it.
                    var cut = bytes.Length == 0 ? 0 : random.Next(bytes.Length);
                    reader.Read(bytes.AsMemory(0, cut), endOfMessage: false);
                    reader.Read(bytes.AsMemory(cut), endOfMessage: true);
                }
            }
            catch (ExecProtocolException)
            {
            }
        }
    }

    private static byte[] RandomBytes(Random random)
    {
        var bytes = new byte[random.Next(64)];
        random.NextBytes(bytes);
        return bytes;
    }

    private static byte[] Mutate(byte[] seed, Random random)
    {
        var bytes = seed.ToArray();
        for (var i = random.Next(1, 4); i > 0 && bytes.Length > 0; i--) bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
        return random.Next(4) == 0 ? bytes[..random.Next(bytes.Length + 1)] : bytes;
    }

    private static byte[] Message(byte channel, string text) => [channel, .. Encoding.UTF8.GetBytes(text)];
}
