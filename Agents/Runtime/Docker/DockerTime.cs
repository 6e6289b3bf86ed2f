using System.Globalization;

namespace OrleansOrchestrator.Agents.Runtime.Docker;

/// <summary>The engine's timestamps: RFC 3339 with nanoseconds, and Go's zero time for "never".</summary>
internal static class DockerTime
{
    /// <summary>
    /// <c>2024-05-01T10:00:00.123456789Z</c> → that instant (to the 100 ns .NET keeps); <c>0001-01-01T00:00:00Z</c>
    /// (a container not yet started or not yet finished) → null.
    /// </summary>
    public static DateTimeOffset? Parse(string? text)
    {
        if (string.IsNullOrEmpty(text)
            || !DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time)
            || time.Year <= 1)
        {
            return null;
        }

        return time;
    }
}
