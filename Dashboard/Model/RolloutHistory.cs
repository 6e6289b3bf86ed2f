using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Contracts.Serialization;

namespace OrleansOrchestrator.Dashboard.Model;

/// <summary>One revision of a Deployment: the ReplicaSet that runs (or ran) its pod template.</summary>
public sealed record Revision(long Number, string ReplicaSetName, IReadOnlyList<string> Images, int Replicas, int Ready, bool Current, ReplicaSet ReplicaSet);

/// <summary>
/// The revisions of a Deployment, newest first, as <c>kubectl rollout history</c> lists them, and the patch
/// that rolls back to one (what <c>kubectl rollout undo --to-revision</c> sends).
/// </summary>
public static class RolloutHistory
{
    public static IReadOnlyList<Revision> Of(Deployment deployment, IEnumerable<ReplicaSet> replicaSets)
    {
        var current = RevisionOf(deployment.Metadata.Annotations);
        return replicaSets
            .Where(rs => Owned.IsControlledBy(rs, deployment))
            .Select(rs => (Number: RevisionOf(rs.Metadata.Annotations), rs))
            .Where(r => r.Number > 0)
            .OrderByDescending(r => r.Number)
            .Select(r => new Revision(r.Number, r.rs.Metadata.Name ?? "",
                r.rs.Spec.Template?.Spec.Containers.Select(c => c.Image ?? "").ToList() ?? [],
                r.rs.Status?.Replicas ?? 0, r.rs.Status?.ReadyReplicas ?? 0, r.Number == current, r.rs))
            .ToList();
    }

    /// <summary>
    /// A JSON patch that puts the revision's pod template back into the Deployment. The ReplicaSet's own
    /// <c>pod-template-hash</c> label is dropped, since the controller adds it; the controller then finds the
    /// old ReplicaSet by that hash and scales it up again as the newest revision.
    /// </summary>
    public static JsonArray RollbackPatch(Revision revision)
    {
        var template = revision.ReplicaSet.Spec.Template ?? throw new InvalidOperationException($"ReplicaSet {revision.ReplicaSetName} has no pod template");
        var node = JsonSerializer.SerializeToNode(template, KubeJson.Options)!.AsObject();
        if (node["metadata"]?["labels"] is JsonObject labels)
            labels.Remove(DeploymentAnnotations.PodTemplateHashLabel);
        return [new JsonObject { ["op"] = "replace", ["path"] = "/spec/template", ["value"] = node }];
    }

    private static long RevisionOf(IReadOnlyDictionary<string, string>? annotations) =>
        annotations?.GetValueOrDefault(DeploymentAnnotations.Revision) is { } text && long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 0;
}
