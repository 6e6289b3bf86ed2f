using System.Globalization;
using OrleansOrchestrator.Contracts.Model;

namespace OrleansOrchestrator.Silo.Controllers.Deployments;

/// <summary>
/// What the rollout planner and the status calculator need to know about one ReplicaSet of a Deployment.
/// <see cref="From"/> reads it off a stored ReplicaSet.
/// </summary>
/// <param name="Revision">The <c>deployment.kubernetes.io/revision</c> annotation; 0 when absent or unreadable.</param>
public sealed record ReplicaSetState(
    string Name,
    int SpecReplicas,
    int StatusReplicas,
    int AvailableReplicas,
    long Revision,
    DateTimeOffset CreationTimestamp)
{
    public int ReadyReplicas { get; init; }

    /// <summary>The <c>deployment.kubernetes.io/desired-replicas</c> annotation, when present and a non-negative integer.</summary>
    public int? DesiredReplicasAnnotation { get; init; }

    /// <summary>The <c>deployment.kubernetes.io/max-replicas</c> annotation, when present and a non-negative integer.</summary>
    public int? MaxReplicasAnnotation { get; init; }

    public long Generation { get; init; }

    public long ObservedGeneration { get; init; }

    /// <summary>Its <c>deletionTimestamp</c> is set: never counted for or picked by history cleanup.</summary>
    public bool IsDeleting { get; init; }

    /// <summary>Its <c>ReplicaFailure</c> condition, which the Deployment's status reports.</summary>
    public Condition? ReplicaFailure { get; init; }

    /// <summary>A spec change the ReplicaSet controller has not seen yet (cleanup waits for it).</summary>
    public bool IsUnobserved => Generation > ObservedGeneration;

    public static ReplicaSetState From(ReplicaSet replicaSet)
    {
        ArgumentNullException.ThrowIfNull(replicaSet);
        var meta = replicaSet.Metadata;
        var status = replicaSet.Status;
        return new ReplicaSetState(
            meta.Name ?? "",
            replicaSet.Spec.Replicas ?? 1,
            status?.Replicas ?? 0,
            status?.AvailableReplicas ?? 0,
            long.TryParse(Annotation(meta, DeploymentAnnotations.Revision), NumberStyles.None, CultureInfo.InvariantCulture, out var revision) ? revision : 0,
            meta.CreationTimestamp ?? DateTimeOffset.MinValue)
        {
            ReadyReplicas = status?.ReadyReplicas ?? 0,
            DesiredReplicasAnnotation = NonNegativeInt(Annotation(meta, DeploymentAnnotations.DesiredReplicas)),
            MaxReplicasAnnotation = NonNegativeInt(Annotation(meta, DeploymentAnnotations.MaxReplicas)),
            Generation = meta.Generation ?? 0,
            ObservedGeneration = status?.ObservedGeneration ?? 0,
            IsDeleting = meta.DeletionTimestamp is not null,
            ReplicaFailure = status?.Conditions?.FirstOrDefault(c => c.Type == DeploymentConditions.ReplicaFailure),
        };
    }

    private static string? Annotation(ObjectMeta meta, string key) =>
        meta.Annotations is { } annotations && annotations.TryGetValue(key, out var value) ? value : null;

    private static int? NonNegativeInt(string? text) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : null;
}
