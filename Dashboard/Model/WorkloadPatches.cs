using System.Text.Json;
using System.Text.Json.Nodes;
using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Contracts.Serialization;

namespace OrleansOrchestrator.Dashboard.Model;

/// <summary>
/// The changes the dashboard's buttons make to a workload (Deployment, StatefulSet, DaemonSet, Job, CronJob), written
/// as the patches kubectl sends for the same commands, so that the API validates and authorises them exactly as it
/// does kubectl's.
/// </summary>
public static class WorkloadPatches
{
    /// <summary>The annotation <c>kubectl rollout restart</c> sets on the pod template to roll every pod.</summary>
    public const string RestartedAtAnnotation = "kubectl.kubernetes.io/restartedAt";

    /// <summary><c>kubectl scale --replicas=N</c>.</summary>
    public static JsonObject Scale(int replicas) => new() { ["spec"] = new JsonObject { ["replicas"] = replicas } };

    /// <summary><c>kubectl rollout pause</c> / <c>resume</c>.</summary>
    public static JsonObject Paused(bool paused) => new() { ["spec"] = new JsonObject { ["paused"] = paused } };

    /// <summary><c>kubectl patch … -p '{"spec":{"suspend":true}}'</c>: a Job stops its pods, a CronJob starts no new runs.</summary>
    public static JsonObject Suspend(bool suspend) => new() { ["spec"] = new JsonObject { ["suspend"] = suspend } };

    /// <summary><c>kubectl rollout restart</c>: a new template annotation, hence a new revision.</summary>
    public static JsonObject Restart(DateTimeOffset now) => new()
    {
        ["spec"] = new JsonObject
        {
            ["template"] = new JsonObject
            {
                ["metadata"] = new JsonObject { ["annotations"] = new JsonObject { [RestartedAtAnnotation] = KubeTimeConverter.Format(now) } },
            },
        },
    };

    /// <summary>
    /// <c>kubectl rollout undo statefulset|daemonset --to-revision=N</c>: the revision's data as a strategic merge patch. The
    /// data's template carries <c>"$patch": "replace"</c>, so the workload's template becomes the saved one, not a merge of both.
    /// </summary>
    public static JsonObject Rollback(ControllerRevision revision) =>
        JsonSerializer.SerializeToNode(revision.Data ?? throw new InvalidOperationException($"ControllerRevision {revision.Metadata.Name} has no data"), KubeJson.Options)!.AsObject();
}
