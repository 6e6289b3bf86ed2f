using OrleansOrchestrator.Contracts.Model;

namespace OrleansOrchestrator.Dashboard.Model;

/// <summary>A DaemonSet as the grid shows it: the columns of <c>kubectl get daemonsets -o wide</c> and its health.</summary>
public sealed record DaemonSetRow(
    string Namespace, string Name, int Desired, int Current, int Ready, int UpToDate, int Available, string NodeSelector,
    IReadOnlyList<string> Images, WorkloadHealth Health, DateTimeOffset? Created, DaemonSet DaemonSet)
{
    public const string NoSelector = "<none>";

    public static DaemonSetRow From(DaemonSet set)
    {
        var status = set.Status;
        var selector = set.Spec.Template.Spec.NodeSelector;
        return new DaemonSetRow(set.Metadata.Namespace ?? "", set.Metadata.Name ?? "", status?.DesiredNumberScheduled ?? 0,
            status?.CurrentNumberScheduled ?? 0, status?.NumberReady ?? 0, status?.UpdatedNumberScheduled ?? 0, status?.NumberAvailable ?? 0,
            selector is { Count: > 0 } ? ServiceRow.SelectorText(selector) : NoSelector,
            set.Spec.Template.Spec.Containers.Select(c => c.Image ?? "").ToList(), HealthOf(set), set.Metadata.CreationTimestamp, set);
    }

    /// <summary>Healthy when <c>kubectl rollout status</c> would stop waiting: the newest spec is seen and every node that should run the pod runs an updated, available one.</summary>
    public static WorkloadHealth HealthOf(DaemonSet set)
    {
        var status = set.Status;
        if (status is null || (set.Metadata.Generation ?? 0) > (status.ObservedGeneration ?? 0)) return WorkloadHealth.Progressing;
        return (status.UpdatedNumberScheduled ?? 0) >= status.DesiredNumberScheduled && (status.NumberAvailable ?? 0) >= status.DesiredNumberScheduled
            ? WorkloadHealth.Healthy
            : WorkloadHealth.Progressing;
    }
}
