using OrleansOrchestrator.Contracts.Model;

namespace OrleansOrchestrator.Dashboard.Model;

/// <summary>How much of one resource a node offers and how much its pods have asked for.</summary>
public sealed record Allocation(decimal Requested, decimal Allocatable)
{
    /// <summary>Requested share of what the node offers, 0–100 (above 100 when over-committed).</summary>
    public double Percent => Allocatable <= 0 ? 0 : (double)(Requested / Allocatable * 100);
}

/// <summary>A node with its conditions and what its pods take of its CPU, memory and pod slots.</summary>
public sealed record NodeRow(
    string Name, bool Ready, IReadOnlyList<Condition> Conditions, Allocation Cpu, Allocation Memory, Allocation Pods,
    IReadOnlyList<PodRow> PodsOnNode, bool Unschedulable, DateTimeOffset? Created)
{
    public static NodeRow From(Node node, IEnumerable<Pod> allPods)
    {
        var name = node.Metadata.Name ?? "";
        var pods = allPods.Where(p => p.Spec.NodeName == name && p.Status?.Phase is not ("Succeeded" or "Failed")).ToList();
        var allocatable = node.Status?.Allocatable ?? node.Status?.Capacity ?? new Dictionary<string, string>();
        var conditions = node.Status?.Conditions ?? [];
        return new NodeRow(
            name,
            conditions.Any(c => c.Type == "Ready" && c.Status == "True"),
            conditions,
            new Allocation(pods.Sum(p => Requests(p, "cpu")), Amount(allocatable, "cpu")),
            new Allocation(pods.Sum(p => Requests(p, "memory")), Amount(allocatable, "memory")),
            new Allocation(pods.Count, Amount(allocatable, "pods")),
            pods.Select(PodRow.From).OrderBy(p => p.Namespace, StringComparer.Ordinal).ThenBy(p => p.Name, StringComparer.Ordinal).ToList(),
            node.Spec.Unschedulable == true,
            node.Metadata.CreationTimestamp);
    }

    /// <summary>What the scheduler counts for a pod: its containers' requests (a limit stands in for a missing request).</summary>
    private static decimal Requests(Pod pod, string resource) =>
        pod.Spec.Containers.Sum(c =>
            c.Resources?.Requests?.GetValueOrDefault(resource) is { } request ? Quantity.Parse(request)
            : c.Resources?.Limits?.GetValueOrDefault(resource) is { } limit ? Quantity.Parse(limit)
            : 0m);

    private static decimal Amount(IReadOnlyDictionary<string, string> resources, string name) =>
        resources.GetValueOrDefault(name) is { } text && Quantity.TryParse(text, out var value) ? value : 0m;
}
