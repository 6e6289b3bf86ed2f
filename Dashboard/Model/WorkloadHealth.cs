using OrleansOrchestrator.Contracts.Model;

namespace OrleansOrchestrator.Dashboard.Model;

public enum WorkloadHealth { Healthy, Progressing, Paused, Failed }

/// <summary>A Deployment as the deployments grid shows it: the columns of <c>kubectl get deployments -o wide</c> and its health.</summary>
public sealed record DeploymentRow(
    string Namespace, string Name, int Desired, int Updated, int Ready, int Available, string Strategy,
    IReadOnlyList<string> Images, WorkloadHealth Health, string? Problem, DateTimeOffset? Created, Deployment Deployment)
{
    public static DeploymentRow From(Deployment deployment)
    {
        var spec = deployment.Spec;
        var status = deployment.Status;
        var desired = spec.Replicas ?? 1;
        var strategy = spec.Strategy?.Type ?? "RollingUpdate";
        if (strategy == "RollingUpdate" && spec.Strategy?.RollingUpdate is { } rolling)
            strategy += $" (surge {rolling.MaxSurge?.ToString() ?? "25%"}, unavailable {rolling.MaxUnavailable?.ToString() ?? "25%"})";
        var (health, problem) = HealthOf(deployment);
        return new DeploymentRow(deployment.Metadata.Namespace ?? "", deployment.Metadata.Name ?? "", desired,
            status?.UpdatedReplicas ?? 0, status?.ReadyReplicas ?? 0, status?.AvailableReplicas ?? 0, strategy,
            spec.Template.Spec.Containers.Select(c => c.Image ?? "").ToList(), health, problem,
            deployment.Metadata.CreationTimestamp, deployment);
    }

    /// <summary>
    /// Failed when the controller says the rollout exceeded its deadline or cannot create pods; progressing
    /// until the controller has seen the newest spec and every replica is updated and available (what
    /// <c>kubectl rollout status</c> waits for); paused when a user paused it.
    /// </summary>
    public static (WorkloadHealth Health, string? Problem) HealthOf(Deployment deployment)
    {
        var status = deployment.Status;
        var conditions = status?.Conditions ?? [];
        if (conditions.FirstOrDefault(c => c.Type == "Progressing" && c.Status == "False" && c.Reason == "ProgressDeadlineExceeded") is { } stalled)
            return (WorkloadHealth.Failed, stalled.Message);
        if (conditions.FirstOrDefault(c => c.Type == "ReplicaFailure" && c.Status == "True") is { } failure)
            return (WorkloadHealth.Failed, failure.Message);
        if (deployment.Spec.Paused == true) return (WorkloadHealth.Paused, null);
        var desired = deployment.Spec.Replicas ?? 1;
        var settled = (status?.ObservedGeneration ?? 0) >= (deployment.Metadata.Generation ?? 0)
                      && (status?.UpdatedReplicas ?? 0) >= desired
                      && (status?.Replicas ?? 0) <= (status?.UpdatedReplicas ?? 0)
                      && (status?.AvailableReplicas ?? 0) >= desired;
        return settled ? (WorkloadHealth.Healthy, null) : (WorkloadHealth.Progressing, null);
    }
}
