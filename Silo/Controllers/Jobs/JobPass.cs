using OrleansOrchestrator.Contracts.Model;

namespace OrleansOrchestrator.Silo.Controllers.Jobs;

/// <summary>
/// One pass of the job controller, decided by <see cref="JobPlanner.Plan"/>: a status to write first (it records
/// the finished pods not yet counted and any interim condition, so that nothing is lost if the pass stops half-way),
/// then what to do to pods, then <see cref="JobPlanner.Settle"/> with what the pod writes achieved.
/// </summary>
public sealed record JobPass
{
    /// <summary>The status to store before any pod is touched.</summary>
    public required JobStatus Status { get; init; }

    /// <summary>Pods whose tracking finalizer goes: their end is recorded in <see cref="Status"/> (or needs no counting).</summary>
    public IReadOnlyList<Pod> ReleaseFinalizers { get; init; } = [];

    /// <summary>Active pods of a finished job: deleted keeping the finalizer, so each is counted as failed once it terminates.</summary>
    public IReadOnlyList<Pod> Delete { get; init; } = [];

    /// <summary>Active pods not wanted (suspended, too many, duplicate index): finalizer released first, so they count as nothing.</summary>
    public IReadOnlyList<Pod> DeleteUncounted { get; init; } = [];

    /// <summary>New pods to create: their completion index, or null for a non-indexed job.</summary>
    public IReadOnlyList<int?> Create { get; init; } = [];

    /// <summary>The terminal condition (Complete or Failed) to add once every finished pod is counted and none is terminating.</summary>
    public Condition? Finish { get; init; }

    /// <summary>Pods being deleted that have not finished, counting this pass' deletions.</summary>
    public int Terminating { get; init; }

    /// <summary>Too many finished pods to record in one pass: the rest wait for the next, and the job cannot finish in this one.</summary>
    public bool ReachedMaxUncounted { get; init; }

    /// <summary>When to look again at the latest (a back-off ending, the active deadline, the TTL after finishing).</summary>
    public TimeSpan? LookAgainIn { get; init; }

    /// <summary>Events about the job: (type, reason, message).</summary>
    public IReadOnlyList<(string Type, string Reason, string Message)> Events { get; init; } = [];
}
