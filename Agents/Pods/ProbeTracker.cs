using OrleansOrchestrator.Contracts.Model;

namespace OrleansOrchestrator.Agents.Pods;

public enum ProbeKind { Startup, Liveness, Readiness }

/// <summary>
/// The schedule and verdict of one probe of one container attempt, with Kubernetes' semantics: the first
/// run after <c>initialDelaySeconds</c>, then every <c>periodSeconds</c>; a verdict flips only after
/// <c>successThreshold</c> successes or <c>failureThreshold</c> failures in a row. Liveness and startup
/// start out passing-until-proven-failing; readiness starts out not ready. Pure logic over given times.
/// </summary>
public sealed class ProbeTracker(Probe probe, ProbeKind kind)
{
    private DateTimeOffset? _nextRun;
    private int _successes;
    private int _failures;

    public Probe Probe { get; } = probe;
    public ProbeKind Kind { get; } = kind;

    /// <summary>True once the probe has passed (startup, readiness) or while it has not failed (liveness).</summary>
    public bool Passing { get; private set; } = kind == ProbeKind.Liveness;

    /// <summary>The probe has failed <c>failureThreshold</c> times in a row.</summary>
    public bool Failed { get; private set; }

    public TimeSpan Timeout => TimeSpan.FromSeconds(Math.Max(1, Probe.TimeoutSeconds ?? 1));

    public bool IsDue(DateTimeOffset now, DateTimeOffset containerStartedAt)
    {
        _nextRun ??= containerStartedAt + TimeSpan.FromSeconds(Probe.InitialDelaySeconds ?? 0);
        return now >= _nextRun;
    }

    public void Record(bool success, DateTimeOffset now)
    {
        _nextRun = now + TimeSpan.FromSeconds(Math.Max(1, Probe.PeriodSeconds ?? 10));
        if (success)
        {
            _failures = 0;
            if (++_successes >= Math.Max(1, Probe.SuccessThreshold ?? 1))
            {
                Passing = true;
                Failed = false;
            }
        }
        else
        {
            _successes = 0;
            if (++_failures >= Math.Max(1, Probe.FailureThreshold ?? 3))
            {
                Passing = false;
                Failed = true;
            }
        }
    }
}
