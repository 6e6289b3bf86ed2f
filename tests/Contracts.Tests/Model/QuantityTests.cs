using OrleansOrchestrator.Contracts.Model;

namespace OrleansOrchestrator.Contracts.Tests.Model;

public class QuantityTests
{
    public static TheoryData<string, decimal> Valid => new()
    {
        { "250m", 0.25m },
        { "1", 1m },
        { "1.5", 1.5m },
        { "0.5", 0.5m },
        { "100u", 0.0001m },
        { "5n", 0.000000005m },
        { "2k", 2000m },
        { "3M", 3_000_000m },
        { "1G", 1_000_000_000m },
        { "1T", 1_000_000_000_000m },
        { "128Ki", 131_072m },
        { "128Mi", 134_217_728m },
        { "1Gi", 1_073_741_824m },
        { "1.5Gi", 1_610_612_736m },
        { "1Ti", 1_099_511_627_776m },
        { "1e3", 1000m },
        { "1E3", 1000m },
        { "5e-3", 0.005m },
        { "12e+2", 1200m },
        { "-1", -1m },
        { "+2", 2m },
        { "0", 0m },
    };

    [Theory]
    [MemberData(nameof(Valid))]
    public void TryParse_KubernetesQuantity_ValueInBaseUnits(string text, decimal expected)
    {
        Assert.True(Quantity.TryParse(text, out var value));
        Assert.Equal(expected, value);
        Assert.Equal(expected, Quantity.Parse(text));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("abc")]
    [InlineData("Mi")]
    [InlineData("1 Gi")]
    [InlineData(" 1")]
    [InlineData("1K")]
    [InlineData("1kb")]
    [InlineData("1MB")]
    [InlineData("1.2.3")]
    [InlineData("1e")]
    [InlineData("1mi")]
    [InlineData("0x10")]
    [InlineData("1,5")]
    public void TryParse_NotAQuantity_False(string? text)
    {
        Assert.False(Quantity.TryParse(text, out _));
    }

    [Theory]
    [InlineData("99999999999E")]
    [InlineData("80000000000000000000000000000")]
    [InlineData("99999999999Ei")]
    [InlineData("1e99999999999")]
    [InlineData("1e-99999999999")]
    public void TryParse_BeyondWhatADecimalHolds_FalseNotThrown(string text)
    {
        Assert.False(Quantity.TryParse(text, out var value));
        Assert.Equal(0m, value);
    }

    [Fact]
    public void TryParse_LargestThatFits_Parsed()
    {
        Assert.True(Quantity.TryParse("79000000000E", out var value));
        Assert.Equal(79_000_000_000m * 1_000_000_000_000_000_000m, value);
    }

    [Fact]
    public void Parse_NotAQuantity_FormatExceptionQuotingTheInput()
    {
        var error = Assert.Throws<FormatException>(() => Quantity.Parse("12 cores"));

        Assert.Contains("\"12 cores\"", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("250m", 250)]
    [InlineData("1", 1000)]
    [InlineData("1.5", 1500)]
    [InlineData("2", 2000)]
    [InlineData("0.0001", 1)]
    [InlineData("100u", 1)]
    [InlineData("0", 0)]
    public void MilliValue_CpuQuantity_ThousandthsRoundedUp(string text, long expected)
    {
        Assert.Equal(expected, Quantity.MilliValue(text));
    }

    [Fact]
    public void TryParse_BinaryAndDecimalSuffixes_Differ()
    {
        Quantity.TryParse("1Mi", out var binary);
        Quantity.TryParse("1M", out var dec);

        Assert.True(binary > dec);
        Assert.Equal(48_576m, binary - dec);
    }
}
