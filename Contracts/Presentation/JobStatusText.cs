using OrleansOrchestrator.Contracts.Model;

namespace OrleansOrchestrator.Contracts.Presentation;

/// <summary>
/// The STATUS, COMPLETIONS and DURATION cells of <c>kubectl get jobs</c>, derived as Kubernetes' table printer
/// (printJob) derives them: one place for the API's table and the dashboard's jobs grid.
/// </summary>
public static class JobStatusText
{
    /// <summary>The job's first true terminal condition, else what it is doing.</summary>
    public static string Of(Job job)
    {
        bool Has(string type) => job.Status?.Conditions?.Any(c => c.Type == type && c.Status == "True") == true;
        if (Has("Complete")) return "Complete";
        if (Has("Failed")) return "Failed";
        if (job.Metadata.DeletionTimestamp is not null) return "Terminating";
        if (Has("Suspended")) return "Suspended";
        if (Has("FailureTarget")) return "FailureTarget";
        if (Has("SuccessCriteriaMet")) return "SuccessCriteriaMet";
        return "Running";
    }

    /// <summary>Succeeded of wanted: <c>0/1</c>, or <c>0/1 of 3</c> for a work-queue job (no completions, parallel pods).</summary>
    public static string Completions(Job job)
    {
        var succeeded = job.Status?.Succeeded ?? 0;
        if (job.Spec.Completions is { } completions) return $"{succeeded}/{completions}";
        return job.Spec.Parallelism is int parallelism and > 1 ? $"{succeeded}/1 of {parallelism}" : $"{succeeded}/1";
    }

    /// <summary>From start to completion, or to <paramref name="now"/> while it runs; empty before it started.</summary>
    public static string Duration(Job job, DateTimeOffset now) => job.Status switch
    {
        { StartTime: null } or null => "",
        { CompletionTime: null, StartTime: { } start } => HumanDuration.Format(now - start),
        { CompletionTime: { } end, StartTime: { } start } => HumanDuration.Format(end - start),
    };
}
