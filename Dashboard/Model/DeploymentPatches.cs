using System.Text.Json.Nodes;
using OrleansOrchestrator.Contracts.Serialization;

namespace OrleansOrchestrator.Dashboard.Model;

/// <summary>
/// The changes the dashboard's buttons make to a Deployment, written as the patches kubectl sends for the
/// same commands, so that the API validates and authorises them exactly as it does kubectl's.
/// </summary>
public static class DeploymentPatches
{
    /// <summary>The annotation <c>kubectl rollout restart</c> sets on the pod template to roll every pod.</summary>
    public const string RestartedAtAnnotation = "kubectl.kubernetes.io/restartedAt";

    /// <summary><c>kubectl scale --replicas=N</c>.</summary>
    public static JsonObject Scale(int replicas) => new() { ["spec"] = new JsonObject { ["replicas"] = replicas } };

    /// <summary><c>kubectl rollout pause</c> / <c>resume</c>.</summary>
    public static JsonObject Paused(bool paused) => new() { ["spec"] = new JsonObject { ["paused"] = paused } };

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
}
