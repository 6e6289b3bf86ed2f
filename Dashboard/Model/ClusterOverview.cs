using OrleansOrchestrator.Contracts.Model;

namespace OrleansOrchestrator.Dashboard.Model;

/// <summary>The overview page's counts: nodes ready, pods by phase, deployments by health, the latest events.</summary>
public sealed record ClusterOverview(
    int NodesReady, int NodesTotal, IReadOnlyDictionary<string, int> PodsByPhase,
    IReadOnlyDictionary<WorkloadHealth, int> DeploymentsByHealth, IReadOnlyList<EventRow> RecentEvents)
{
    public static readonly IReadOnlyList<string> Phases = ["Running", "Pending", "Succeeded", "Failed", "Unknown"];

    public static ClusterOverview From(IEnumerable<Node> nodes, IEnumerable<Pod> pods, IEnumerable<Deployment> deployments, IEnumerable<Event> events, int recent = 10)
    {
        var nodeList = nodes.ToList();
        var byPhase = Phases.ToDictionary(p => p, _ => 0);
        foreach (var pod in pods)
        {
            var phase = pod.Status?.Phase is { } p && byPhase.ContainsKey(p) ? p : "Unknown";
            byPhase[phase]++;
        }
        var byHealth = Enum.GetValues<WorkloadHealth>().ToDictionary(h => h, _ => 0);
        foreach (var deployment in deployments) byHealth[DeploymentRow.HealthOf(deployment).Health]++;
        return new ClusterOverview(
            nodeList.Count(n => n.Status?.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") == true), nodeList.Count,
            byPhase, byHealth, EventRow.Newest(events, recent));
    }
}
