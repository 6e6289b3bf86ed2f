namespace OrleansOrchestrator.Agents.Pods;

/// <summary>
/// Kubernetes' crash-loop back-off for one container: the first restart is immediate, each further one
/// waits twice as long as the last (10 s, 20 s, 40 s … up to 5 min), and a container that ran for 10 min
/// before it stopped starts the series again. Pure logic over times the caller supplies.
/// </summary>
public sealed class RestartBackoff
{
    public static readonly TimeSpan Initial = TimeSpan.FromSeconds(10);
    public static readonly TimeSpan Cap = TimeSpan.FromMinutes(5);
    public static readonly TimeSpan ResetAfterRunning = TimeSpan.FromMinutes(10);

    private DateTimeOffset? _lastRestart;

    /// <summary>The wait before the restart after the one at <see cref="_lastRestart"/>; zero before any restart.</summary>
    public TimeSpan Delay { get; private set; } = TimeSpan.Zero;

    /// <summary>
    /// Whether an exited container may be restarted now. When it may, the restart is recorded and the next
    /// delay doubles; when not, <paramref name="retryAt"/> says when it may.
    /// </summary>
    public bool TryRestart(DateTimeOffset now, DateTimeOffset? lastStartedAt, DateTimeOffset? lastFinishedAt, out DateTimeOffset retryAt)
    {
        if (lastStartedAt is { } started && lastFinishedAt is { } finished && finished - started >= ResetAfterRunning)
        {
            Delay = TimeSpan.Zero;
            _lastRestart = null;
        }
        retryAt = (_lastRestart ?? now) + Delay;
        if (_lastRestart is not null && now < retryAt) return false;

        _lastRestart = now;
        Delay = Delay == TimeSpan.Zero ? Initial : TimeSpan.FromTicks(Math.Min(Delay.Ticks * 2, Cap.Ticks));
        return true;
    }
}
