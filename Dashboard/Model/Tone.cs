namespace OrleansOrchestrator.Dashboard.Model;

/// <summary>How a status reads at a glance; the chips map it to a colour and an icon.</summary>
public enum Tone { Neutral, Good, Working, Warning, Bad }

/// <summary>The one place that decides which statuses are good, in progress or bad.</summary>
public static class StatusTone
{
    public static Tone OfPodStatus(string status) => status switch
    {
        "Running" or "Succeeded" or "Completed" => Tone.Good,
        "Pending" or "ContainerCreating" or "PodInitializing" or "Terminating" => Tone.Working,
        _ when status.StartsWith("Init:", StringComparison.Ordinal) && !status.Contains("Err", StringComparison.Ordinal)
                                                                      && !status.Contains("BackOff", StringComparison.Ordinal) => Tone.Working,
        "Unknown" => Tone.Warning,
        _ => Tone.Bad,
    };

    public static Tone OfHealth(WorkloadHealth health) => health switch
    {
        WorkloadHealth.Healthy => Tone.Good,
        WorkloadHealth.Progressing => Tone.Working,
        WorkloadHealth.Paused => Tone.Warning,
        _ => Tone.Bad,
    };

    /// <summary>A Job's STATUS (<see cref="Contracts.Presentation.JobStatusText"/>).</summary>
    public static Tone OfJobStatus(string status) => status switch
    {
        "Complete" or "SuccessCriteriaMet" => Tone.Good,
        "Running" or "Terminating" => Tone.Working,
        "Suspended" => Tone.Warning,
        _ => Tone.Bad,
    };

    /// <summary>The phase of a PersistentVolumeClaim or PersistentVolume.</summary>
    public static Tone OfVolumePhase(string phase) => phase switch
    {
        "Bound" => Tone.Good,
        "Available" => Tone.Neutral,
        "Pending" or "Terminating" => Tone.Working,
        "Released" => Tone.Warning,
        _ => Tone.Bad,
    };

    public static Tone OfEventType(string? type) => type == "Warning" ? Tone.Warning : Tone.Neutral;

    /// <summary>An API answer's HTTP code: done, refused for what was asked (4xx), or the server's failure (5xx).</summary>
    public static Tone OfResponseCode(int code) => code switch
    {
        < 400 => Tone.Good,
        < 500 => Tone.Warning,
        _ => Tone.Bad,
    };
}
