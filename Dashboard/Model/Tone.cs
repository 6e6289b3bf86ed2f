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

    public static Tone OfEventType(string? type) => type == "Warning" ? Tone.Warning : Tone.Neutral;
}
