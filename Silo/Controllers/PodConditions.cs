using OrleansOrchestrator.Contracts.Model;

namespace OrleansOrchestrator.Silo.Controllers;

/// <summary>How controllers read a pod's state, with Kubernetes' definitions of active, ready and available.</summary>
public static class PodConditions
{
    /// <summary>Counts toward a workload's replicas: not being deleted, and not finished.</summary>
    public static bool IsActive(Pod pod) =>
        pod.Metadata.DeletionTimestamp is null && pod.Status?.Phase is not ("Succeeded" or "Failed");

    public static Condition? Ready(Pod pod) => pod.Status?.Conditions?.FirstOrDefault(c => c.Type == "Ready");

    public static bool IsReady(Pod pod) => Ready(pod)?.Status == "True";

    /// <summary>Ready for at least <paramref name="minReadySeconds"/>.</summary>
    public static bool IsAvailable(Pod pod, int minReadySeconds, DateTimeOffset now) =>
        Ready(pod) is { Status: "True" } ready
        && (minReadySeconds <= 0 || ready.LastTransitionTime is { } since && since + TimeSpan.FromSeconds(minReadySeconds) <= now);
}
