using System.Text;
using OrleansOrchestrator.Agents.Serving;

namespace OrleansOrchestrator.Agents.Tests.Serving;

public sealed class InboundChannelsTests
{
    [Fact]
    public void Stdin_bytes_pass_through_without_the_channel_byte_even_across_fragments()
    {
        var channels = new InboundChannels(closeChannelAllowed: true);

        var first = channels.Read([0, (byte)'h', (byte)'i'], endOfMessage: false);
        var second = channels.Read("there"u8, endOfMessage: true);

        Assert.Equal(new Inbound(InboundKind.Stdin, 1, 2), first);
        // The next fragment of the same message has no channel byte of its own.
        Assert.Equal(new Inbound(InboundKind.Stdin, 0, 5), second);
    }

    [Fact]
    public void A_resize_is_read_once_its_message_is_complete()
    {
        var channels = new InboundChannels(closeChannelAllowed: true);
        var json = Encoding.UTF8.GetBytes("""{"Width":123,"Height":45}""");

        Assert.Equal(InboundKind.Nothing, channels.Read([4, .. json[..5]], endOfMessage: false).Kind);
        var resize = channels.Read(json[5..], endOfMessage: true);

        Assert.Equal(new Inbound(InboundKind.Resize, Size: new TerminalSize(123, 45)), resize);
    }

    [Theory]
    [InlineData("""{"Width":0,"Height":24}""")]
    [InlineData("""{"Width":-1,"Height":24}""")]
    [InlineData("""{"Width":70000,"Height":24}""")]
    [InlineData("""[1,2]""")]
    [InlineData("""null""")]
    [InlineData("""{"Width":80""")]
    public void A_resize_that_is_not_a_size_is_ignored(string json)
    {
        var channels = new InboundChannels(closeChannelAllowed: true);
        Assert.Equal(InboundKind.Nothing, channels.Read([4, .. Encoding.UTF8.GetBytes(json)], endOfMessage: true).Kind);
        // And the next message is read on its own.
        Assert.Equal(InboundKind.Stdin, channels.Read([0, 1], endOfMessage: true).Kind);
    }

    [Fact]
    public void An_oversized_resize_is_ignored_whatever_it_ends_with()
    {
        var channels = new InboundChannels(closeChannelAllowed: true);
        channels.Read([4, (byte)'{'], endOfMessage: false);
        for (var i = 0; i < 100; i++) channels.Read(new byte[100], endOfMessage: false);
        Assert.Equal(InboundKind.Nothing, channels.Read("""{"Width":80,"Height":24}"""u8, endOfMessage: true).Kind);
    }

    [Fact]
    public void Closing_stdin_is_v5_only_and_only_for_stdin()
    {
        Assert.Equal(InboundKind.CloseStdin, new InboundChannels(closeChannelAllowed: true).Read([255, 0], endOfMessage: true).Kind);
        Assert.Equal(InboundKind.Nothing, new InboundChannels(closeChannelAllowed: true).Read([255, 1], endOfMessage: true).Kind);
        Assert.Equal(InboundKind.Nothing, new InboundChannels(closeChannelAllowed: false).Read([255, 0], endOfMessage: true).Kind);
        // The channel byte in a fragment of its own.
        var split = new InboundChannels(closeChannelAllowed: true);
        Assert.Equal(InboundKind.Nothing, split.Read([255], endOfMessage: false).Kind);
        Assert.Equal(InboundKind.CloseStdin, split.Read([0], endOfMessage: true).Kind);
    }

    [Fact]
    public void The_servers_channels_and_unknown_ones_are_ignored()
    {
        var channels = new InboundChannels(closeChannelAllowed: true);
        foreach (byte channel in new byte[] { 1, 2, 3, 7, 254 })
            Assert.Equal(InboundKind.Nothing, channels.Read([channel, 1, 2, 3], endOfMessage: true).Kind);
    }

    [Fact]
    public void Random_fragments_never_throw_and_stdin_stays_within_the_fragment()
    {
        var random = new Random(815);
        var channels = new InboundChannels(closeChannelAllowed: true);
        for (var i = 0; i < 50_000; i++)
        {
            var fragment = new byte[random.Next(0, 400)];
            random.NextBytes(fragment);
            if (fragment.Length > 0 && random.Next(3) == 0) fragment[0] = (byte)random.Next(6);
            var inbound = channels.Read(fragment, endOfMessage: random.Next(3) > 0);
            Assert.InRange(inbound.Offset + inbound.Count, 0, fragment.Length);
        }
    }
}
