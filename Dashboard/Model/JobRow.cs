using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Contracts.Presentation;

namespace OrleansOrchestrator.Dashboard.Model;

/// <summary>A Job as the grid shows it: the STATUS, COMPLETIONS and DURATION of <c>kubectl get jobs</c>, and whether it is suspended.</summary>
public sealed record JobRow(
    string Namespace, string Name, string Status, Tone Tone, string Completions, bool Suspended, bool Finished,
    DateTimeOffset? Started, DateTimeOffset? Created, Job Job)
{
    public static JobRow From(Job job)
    {
        var status = JobStatusText.Of(job);
        return new JobRow(job.Metadata.Namespace ?? "", job.Metadata.Name ?? "", status, StatusTone.OfJobStatus(status),
            JobStatusText.Completions(job), job.Spec.Suspend == true, IsFinished(job), job.Status?.StartTime, job.Metadata.CreationTimestamp, job);
    }

    /// <summary>The DURATION cell as of <paramref name="now"/> (a running job's grows).</summary>
    public string Duration(DateTimeOffset now) => JobStatusText.Duration(Job, now);

    /// <summary>Complete or Failed: nothing more will run, so suspending means nothing any more.</summary>
    public static bool IsFinished(Job job) =>
        job.Status?.Conditions?.Any(c => c.Type is "Complete" or "Failed" && c.Status == "True") == true;
}
