using OrleansOrchestrator.Contracts.Model;

namespace OrleansOrchestrator.Silo.Controllers.StatefulSets;

/// <summary>What one pass of the StatefulSet controller sees.</summary>
public sealed record StatefulSetInput
{
    /// <summary>The StatefulSet, defaulted as the API stores it.</summary>
    public required StatefulSet Set { get; init; }

    /// <summary>The pods it controls, in any state.</summary>
    public required IReadOnlyList<Pod> Pods { get; init; }

    /// <summary>The claims of its namespace that exist, by name.</summary>
    public required IReadOnlyDictionary<string, PersistentVolumeClaim> Claims { get; init; }

    /// <summary>The revision the pods below the partition stay at, and its template.</summary>
    public required string CurrentRevision { get; init; }

    public required PodTemplateSpec CurrentTemplate { get; init; }

    /// <summary>The revision of the set's template, that pods are updated to.</summary>
    public required string UpdateRevision { get; init; }

    public required PodTemplateSpec UpdateTemplate { get; init; }

    public int CollisionCount { get; init; }

    public required DateTimeOffset Now { get; init; }
}

/// <summary>One write the controller makes.</summary>
public abstract record StatefulAction;

/// <summary>Creates the pod, after those of its claims that do not exist yet.</summary>
public sealed record CreatePod(Pod Pod, IReadOnlyList<PersistentVolumeClaim> Claims) : StatefulAction;

/// <summary>Creates claims a pod is missing (one deleted while the pod waited for it).</summary>
public sealed record CreateClaims(Pod Pod, IReadOnlyList<PersistentVolumeClaim> Claims) : StatefulAction;

/// <summary>Deletes a pod: a finished one (recreated next pass), one a scale-down condemns, or one a rolling update replaces.</summary>
public sealed record DeletePod(Pod Pod, DeletionCause Cause) : StatefulAction;

/// <summary>Restores a pod's identity labels.</summary>
public sealed record UpdatePod(Pod Pod) : StatefulAction;

/// <summary>Sets a claim's owner references as the retention policy wants.</summary>
public sealed record UpdateClaim(PersistentVolumeClaim Claim) : StatefulAction;

public enum DeletionCause
{
    Finished,
    ScaleDown,
    Update,
}

/// <summary>
/// The writes of one pass, in phases. With <see cref="Burst"/> (Parallel pod management) the writes of a phase run
/// at once, in slow-start batches, and a phase with a failure stops the pass; otherwise (OrderedReady) they run one
/// after another and the first failure stops the pass.
/// </summary>
public sealed record StatefulSetStep
{
    public required IReadOnlyList<IReadOnlyList<StatefulAction>> Phases { get; init; }

    public required bool Burst { get; init; }

    /// <summary>The status to report, as Kubernetes computes it before the writes land.</summary>
    public required StatefulSetStatus Status { get; init; }

    /// <summary>When to look again without a wake: a pod about to become available, or a claim being deleted that blocks a pod.</summary>
    public TimeSpan? RecheckAfter { get; init; }

    public IEnumerable<StatefulAction> Actions => Phases.SelectMany(p => p);
}
