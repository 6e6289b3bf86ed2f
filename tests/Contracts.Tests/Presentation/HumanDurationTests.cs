using OrleansOrchestrator.Contracts.Presentation;

namespace OrleansOrchestrator.Contracts.Tests.Presentation;

public class HumanDurationTests
{
    private static readonly DateTimeOffset Now = new(2024, 6, 1, 12, 0, 0, TimeSpan.Zero);

    // The thresholds of k8s.io/apimachinery/pkg/util/duration.HumanDuration, which kubectl's AGE column uses.
    public static TheoryData<long, string> Thresholds => new()
    {
        { 0, "0s" },
        { 1, "1s" },
        { 45, "45s" },
        { 119, "119s" },
        { 120, "2m" },
        { 121, "2m1s" },
        { 3 * 60 + 12, "3m12s" },
        { 9 * 60 + 59, "9m59s" },
        { 10 * 60, "10m" },
        { 10 * 60 + 59, "10m" },
        { 179 * 60 + 59, "179m" },
        { 3 * 3600, "3h" },
        { 3 * 3600 + 59, "3h" },
        { 5 * 3600 + 20 * 60, "5h20m" },
        { 7 * 3600 + 59 * 60 + 59, "7h59m" },
        { 8 * 3600, "8h" },
        { 8 * 3600 + 30 * 60, "8h" },
        { 47 * 3600 + 59 * 60, "47h" },
        { 48 * 3600, "2d" },
        { 51 * 3600, "2d3h" },
        { 7 * 86400 + 23 * 3600, "7d23h" },
        { 8 * 86400, "8d" },
        { 8 * 86400 + 5 * 3600, "8d" },
        { 400L * 86400, "400d" },
        { 729L * 86400, "729d" },
        { 730L * 86400, "2y" },
        { 760L * 86400, "2y30d" },
        { 8L * 365 * 86400 - 1, "7y364d" },
        { 8L * 365 * 86400, "8y" },
        { 10L * 365 * 86400 + 100 * 86400, "10y" },
    };

    [Theory]
    [MemberData(nameof(Thresholds))]
    public void Format_Age_KubectlText(long seconds, string expected)
    {
        Assert.Equal(expected, HumanDuration.Format(TimeSpan.FromSeconds(seconds)));
    }

    [Fact]
    public void Format_FractionalSeconds_Truncated()
    {
        Assert.Equal("59s", HumanDuration.Format(TimeSpan.FromMilliseconds(59_999)));
        Assert.Equal("119s", HumanDuration.Format(TimeSpan.FromSeconds(119.9)));
    }

    [Theory]
    [InlineData(-500)]
    [InlineData(-1000)]
    [InlineData(-1500)]
    [InlineData(-1999)]
    public void Format_LessThanTwoSecondsInTheFuture_ZeroSecondsForClockSkew(int milliseconds)
    {
        Assert.Equal("0s", HumanDuration.Format(TimeSpan.FromMilliseconds(milliseconds)));
    }

    [Theory]
    [InlineData(-2)]
    [InlineData(-60)]
    public void Format_TwoSecondsOrMoreInTheFuture_Invalid(int seconds)
    {
        Assert.Equal("<invalid>", HumanDuration.Format(TimeSpan.FromSeconds(seconds)));
    }

    [Fact]
    public void Since_NoTimestamp_Unknown()
    {
        Assert.Equal("<unknown>", HumanDuration.Since(null, Now));
    }

    [Fact]
    public void Since_CreatedEarlier_AgeOfTheObject()
    {
        Assert.Equal("5h20m", HumanDuration.Since(Now.AddHours(-5).AddMinutes(-20), Now));
        Assert.Equal("3m12s", HumanDuration.Since(Now.AddMinutes(-3).AddSeconds(-12), Now));
    }
}
