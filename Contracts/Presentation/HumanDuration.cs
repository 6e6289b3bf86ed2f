namespace OrleansOrchestrator.Contracts.Presentation;

/// <summary>Ages as kubectl prints them (<c>45s</c>, <c>3m12s</c>, <c>5h20m</c>, <c>12d</c>), same thresholds.</summary>
public static class HumanDuration
{
    public static string Since(DateTimeOffset? time, DateTimeOffset now) =>
        time is null ? "<unknown>" : Format(now - time.Value);

    public static string Format(TimeSpan d)
    {
        // Whole seconds truncated toward zero, as Go's int(d.Seconds()): up to 1.999s in the future counts as
        // -1 and still reads "0s", kubectl's tolerance for clock skew; 2s or more is "<invalid>".
        var seconds = d.Ticks / TimeSpan.TicksPerSecond;
        if (seconds < -1) return "<invalid>";
        if (seconds < 0) return "0s";
        if (seconds < 60 * 2) return $"{seconds}s";
        var minutes = seconds / 60;
        if (minutes < 10) return seconds % 60 == 0 ? $"{minutes}m" : $"{minutes}m{seconds % 60}s";
        if (minutes < 60 * 3) return $"{minutes}m";
        var hours = minutes / 60;
        if (hours < 8) return minutes % 60 == 0 ? $"{hours}h" : $"{hours}h{minutes % 60}m";
        if (hours < 48) return $"{hours}h";
        if (hours < 24 * 8) return hours % 24 == 0 ? $"{hours / 24}d" : $"{hours / 24}d{hours % 24}h";
        if (hours < 24 * 365 * 2) return $"{hours / 24}d";
        if (hours < 24 * 365 * 8) return (hours / 24) % 365 == 0 ? $"{hours / 24 / 365}y" : $"{hours / 24 / 365}y{(hours / 24) % 365}d";
        return $"{hours / 24 / 365}y";
    }
}
