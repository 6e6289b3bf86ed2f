using System.Diagnostics;
using OrleansOrchestrator.Contracts.Workloads;

namespace OrleansOrchestrator.Contracts.Tests.Workloads;

public class CronScheduleTests
{
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static CronSchedule Parse(string schedule, string? zone = null) =>
        CronSchedule.TryParse(schedule, zone, out var problem) ?? throw new InvalidOperationException(problem);

    [Theory]
    [InlineData("", "empty spec string")]
    [InlineData("* * * *", "expected exactly 5 fields, found 4: [* * * *]")]
    [InlineData("@fortnightly", "unrecognized descriptor: @fortnightly")]
    [InlineData("TZ=UTC * * * * *", "cannot use TZ or CRON_TZ in schedule, use timeZone field instead")]
    [InlineData("CRON_TZ=UTC 0 * * * *", "cannot use TZ or CRON_TZ in schedule, use timeZone field instead")]
    public void TryParse_RefusesWhatKubernetesRefuses_InItsWords(string schedule, string message)
    {
        Assert.Null(CronSchedule.TryParse(schedule, null, out var problem));
        Assert.Equal(message, problem);
    }

    [Theory]
    [InlineData("*/1 * * * *", "2026-01-01T00:01:00Z")]
    [InlineData("@hourly", "2026-01-01T01:00:00Z")]
    [InlineData("@daily", "2026-01-02T00:00:00Z")]
    [InlineData("0 9 * * 1-5", "2026-01-01T09:00:00Z")]
    public void Next_StandardSyntaxAndMacros(string schedule, string next)
    {
        Assert.Equal(DateTimeOffset.Parse(next, System.Globalization.CultureInfo.InvariantCulture), Parse(schedule).Next(Start));
    }

    [Fact]
    public void Next_InATimeZone()
    {
        // Midnight in New York (UTC-5 in January) is 05:00 UTC.
        Assert.Equal(new DateTimeOffset(2026, 1, 1, 5, 0, 0, TimeSpan.Zero), Parse("0 0 * * *", "America/New_York").Next(Start));
    }

    [Fact]
    public void Missed_FewRuns_CountsThemAll_AndGivesTheLatest()
    {
        var (latest, count) = Parse("*/10 * * * *").Missed(Start, Start.AddMinutes(35));

        Assert.Equal((Start.AddMinutes(30), 3), (latest, count));
    }

    [Fact]
    public void Missed_NoRunInTheInterval_None()
    {
        Assert.Equal((null, 0), Parse("0 * * * *").Missed(Start, Start.AddMinutes(59)));
    }

    [Fact]
    public void Missed_MoreThanTheLimit_StopsCounting_ButStillGivesTheMostRecent()
    {
        // A year of minutes missed: counted only to 101, and the latest found without walking half a million of them.
        var until = Start.AddDays(365).AddSeconds(30);
        var clock = Stopwatch.StartNew();

        var (latest, count) = Parse("* * * * *").Missed(Start, until);

        Assert.Equal((Start.AddDays(365), 101), (latest, count));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1), $"took {clock.Elapsed}");
    }

    [Theory]
    [InlineData("* 0 * * *")] // every minute of one hour a day: the latest lies far behind a window that starts small
    [InlineData("30 6-16/4 * * 1-5")] // irregular gaps, from Kubernetes' comment on its own approximation
    [InlineData("0 0 29 2 *")] // leap days only
    public void Missed_MoreThanTheLimit_IrregularSchedules_TheSameLatestAsWalkingEveryRun(string text)
    {
        var schedule = Parse(text);
        var until = Start.AddYears(text == "0 0 29 2 *" ? 500 : 1).AddHours(13).AddMinutes(7);
        DateTimeOffset? walked = null;
        for (var t = schedule.Next(Start); t is { } at && at <= until; t = schedule.Next(at)) walked = at;

        var (latest, count) = schedule.Missed(Start, until);

        Assert.Equal(walked, latest);
        Assert.Equal(101, count);
    }
}
