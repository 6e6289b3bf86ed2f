using Cronos;

namespace OrleansOrchestrator.Contracts.Workloads;

/// <summary>
/// A CronJob's schedule as Kubernetes reads it: five fields (minute, hour, day of month, month, day of week) or one
/// of the macros <c>@yearly</c>, <c>@annually</c>, <c>@monthly</c>, <c>@weekly</c>, <c>@daily</c>, <c>@midnight</c>,
/// <c>@hourly</c>, in the CronJob's <c>timeZone</c> (UTC when unset). One parser for the silo's validation, its
/// controller and the dashboard's "next run".
/// </summary>
public sealed class CronSchedule
{
    private static readonly HashSet<string> Macros = new(StringComparer.Ordinal)
    {
        "@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly",
    };

    private readonly CronExpression _expression;

    private CronSchedule(CronExpression expression, TimeZoneInfo zone)
    {
        _expression = expression;
        Zone = zone;
    }

    public TimeZoneInfo Zone { get; }

    /// <summary>Parses a schedule, or says what is wrong with it in words a user can act on.</summary>
    public static CronSchedule? TryParse(string? schedule, string? timeZone, out string? problem)
    {
        problem = null;
        var text = (schedule ?? "").Trim();
        if (text.Length == 0) { problem = "empty spec string"; return null; }
        // Kubernetes refuses a time zone written into the schedule; it belongs in spec.timeZone.
        if (text.Contains("TZ", StringComparison.Ordinal))
        {
            problem = "cannot use TZ or CRON_TZ in schedule, use timeZone field instead";
            return null;
        }
        if (text.StartsWith('@') && !Macros.Contains(text)) { problem = $"unrecognized descriptor: {text}"; return null; }
        var fields = text.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
        if (!text.StartsWith('@') && fields.Length != 5)
        {
            // Worded as Kubernetes' cron parser words it, fields in Go's list format.
            problem = $"expected exactly 5 fields, found {fields.Length}: [{string.Join(' ', fields)}]";
            return null;
        }
        TimeZoneInfo zone;
        try
        {
            zone = string.IsNullOrEmpty(timeZone) ? TimeZoneInfo.Utc : TimeZoneInfo.FindSystemTimeZoneById(timeZone);
        }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            problem = $"unknown time zone {timeZone}";
            return null;
        }
        try
        {
            return new CronSchedule(CronExpression.Parse(text, CronFormat.Standard), zone);
        }
        catch (Exception e) when (e is CronFormatException or ArgumentException)
        {
            problem = e.Message;
            return null;
        }
    }

    /// <summary>The first scheduled time strictly after <paramref name="after"/>, or null if there is none.</summary>
    public DateTimeOffset? Next(DateTimeOffset after) =>
        _expression.GetNextOccurrence(after, Zone, inclusive: false);

    /// <summary>
    /// The scheduled times in (<paramref name="after"/>, <paramref name="until"/>]: the most recent of them (the run to
    /// start now) and how many there are, counted up to <paramref name="limit"/> + 1 only (past its limit Kubernetes
    /// just warns, so a year of minutes is never walked).
    /// </summary>
    public (DateTimeOffset? Latest, int Count) Missed(DateTimeOffset after, DateTimeOffset until, int limit = 100)
    {
        DateTimeOffset? latest = null;
        var count = 0;
        for (var t = Next(after); t is { } at && at <= until; t = Next(at))
        {
            latest = at;
            if (++count > limit) return (MostRecent(at, until), count);
        }
        return (latest, count);
    }

    /// <summary>
    /// The most recent scheduled time in [<paramref name="known"/>, <paramref name="until"/>], <paramref name="known"/>
    /// being one: looked for in windows that end at <paramref name="until"/> and double from a minute (the finest a
    /// schedule can be), so it takes a few steps however long ago <paramref name="known"/> was.
    /// </summary>
    private DateTimeOffset MostRecent(DateTimeOffset known, DateTimeOffset until)
    {
        for (var window = TimeSpan.FromMinutes(1); ; window *= 2)
        {
            var from = until - window > known ? until - window : known;
            DateTimeOffset? latest = null;
            for (var t = Next(from); t is { } at && at <= until; t = Next(at)) latest = at;
            if (latest is { } found) return found;
            if (from == known) return known;
        }
    }
}
