using System.Text;
using OrleansOrchestrator.Silo.Api;

namespace OrleansOrchestrator.Silo.Tests.Api;

public class CompositeVersionTests
{
    [Fact]
    public void Encode_Positions_DecodeReturnsThem()
    {
        var positions = new Dictionary<string, long> { ["default"] = 12, ["kube-system"] = 7, ["team-a"] = 9_000_000_000 };

        Assert.True(CompositeVersion.TryDecode(CompositeVersion.Encode(positions), out var decoded));
        Assert.Equal(positions.OrderBy(p => p.Key, StringComparer.Ordinal), decoded.OrderBy(p => p.Key, StringComparer.Ordinal));
    }

    [Fact]
    public void Encode_NoPositions_RoundTripsToEmpty()
    {
        Assert.True(CompositeVersion.TryDecode(CompositeVersion.Encode(new Dictionary<string, long>()), out var decoded));
        Assert.Empty(decoded);
    }

    [Fact]
    public void Encode_SamePositionsInAnyOrder_SameText()
    {
        var a = new Dictionary<string, long> { ["b"] = 2, ["a"] = 1, ["c"] = 3 };
        var b = new Dictionary<string, long> { ["c"] = 3, ["a"] = 1, ["b"] = 2 };

        Assert.Equal(CompositeVersion.Encode(a), CompositeVersion.Encode(b));
    }

    [Fact]
    public void Encode_ManyNamespaces_UrlSafeWithoutPadding()
    {
        for (var n = 1; n < 40; n++)
        {
            var positions = Enumerable.Range(0, n).ToDictionary(i => $"ns-{i}?~>", i => (long)i * 977);

            var text = CompositeVersion.Encode(positions);

            Assert.Matches("^m[A-Za-z0-9_-]*$", text);
            Assert.True(CompositeVersion.TryDecode(text, out var decoded));
            Assert.Equal(n, decoded.Count);
        }
    }

    [Fact]
    public void Encode_DifferentPositions_DifferentText()
    {
        Assert.NotEqual(
            CompositeVersion.Encode(new Dictionary<string, long> { ["default"] = 5 }),
            CompositeVersion.Encode(new Dictionary<string, long> { ["default"] = 6 }));
    }

    private static string Wrap(string payload) =>
        "m" + Convert.ToBase64String(Encoding.UTF8.GetBytes(payload)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static TheoryData<string?> Garbage => new()
    {
        null,
        "",
        "12345",
        "0",
        "m!!!",
        "m@@@@",
        "x" + CompositeVersion.Encode(new Dictionary<string, long> { ["a"] = 1 })[1..],
        Wrap("default"),
        Wrap("default=abc"),
        Wrap("default=99999999999999999999999"),
        Wrap("default=1,=2x"),
    };

    [Theory]
    [MemberData(nameof(Garbage))]
    public void TryDecode_NotACompositeVersion_False(string? text)
    {
        Assert.False(CompositeVersion.TryDecode(text, out _));
    }

    [Fact]
    public void TryDecode_PlainCollectionVersion_FalseSoItIsReadAsANumber()
    {
        Assert.False(CompositeVersion.TryDecode("42", out var positions));
        Assert.Empty(positions);
    }
}
