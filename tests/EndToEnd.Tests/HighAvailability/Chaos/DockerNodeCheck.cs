using System.Text.Json.Nodes;

namespace OrleansOrchestrator.Chaos;

/// <summary>A pod of the Docker node's Deployment as the API lists it.</summary>
public sealed record ListedPod(string Name, string Node, string Phase, bool Ready, bool Deleting);

/// <summary>
/// What must hold of the Docker node and its Deployment, on what the API and the engine say (no I/O here): the node
/// Ready; exactly <c>replicas</c> pods, all on the node, Running and Ready; and in the engine exactly one running
/// container per pod's container and at most one sandbox per pod, none of any other pod (no orphan, no duplicate).
/// </summary>
public static class DockerNodeCheck
{
    /// <summary>Null when the node's <c>Ready</c> condition is <c>True</c>; otherwise what it says instead.</summary>
    public static string? NotReady(JsonNode? node)
    {
        var ready = node?["status"]?["conditions"]?.AsArray().FirstOrDefault(c => c?["type"]?.GetValue<string>() == "Ready");
        if (ready is null) return "no Ready condition";
        var status = ready["status"]?.GetValue<string>();
        return status == "True" ? null : $"Ready={status} ({ready["reason"]?.GetValue<string>()}: {ready["message"]?.GetValue<string>()})";
    }

    /// <summary>A listed pod's name, node, phase, readiness and whether it is being deleted.</summary>
    public static ListedPod Pod(JsonNode pod) => new(
        pod["metadata"]!["name"]!.GetValue<string>(),
        pod["spec"]?["nodeName"]?.GetValue<string>() ?? "",
        pod["status"]?["phase"]?.GetValue<string>() ?? "",
        pod["status"]?["conditions"]?.AsArray().Any(c => c?["type"]?.GetValue<string>() == "Ready" && c["status"]?.GetValue<string>() == "True") == true,
        pod["metadata"]!["deletionTimestamp"] is not null);

    /// <summary>Every way the pods and the engine's containers differ from a Deployment of <paramref name="replicas"/> running whole on <paramref name="node"/>.</summary>
    public static IEnumerable<string> Violations(string node, string ns, int replicas, int containersPerPod, IReadOnlyList<ListedPod> pods, IReadOnlyList<EngineContainer> running)
    {
        var live = pods.Where(p => !p.Deleting).ToList();
        if (live.Count != replicas) yield return $"{live.Count} pods of the Deployment (not being deleted), expected {replicas}";
        foreach (var pod in pods.Where(p => p.Deleting)) yield return $"pod {pod.Name} is being deleted";
        foreach (var pod in live)
        {
            if (pod.Node != node) yield return $"pod {pod.Name} is on '{pod.Node}', not on {node}";
            if (pod.Phase != "Running" || !pod.Ready) yield return $"pod {pod.Name} is {pod.Phase}{(pod.Ready ? "" : ", not Ready")}";
            var mine = running.Where(c => c.Namespace == ns && c.Pod == pod.Name).ToList();
            var containers = mine.Count(c => !c.Sandbox);
            if (containers != containersPerPod) yield return $"pod {pod.Name} has {containers} running containers in the engine, expected {containersPerPod}";
            var sandboxes = mine.Count(c => c.Sandbox);
            if (sandboxes > 1) yield return $"pod {pod.Name} has {sandboxes} running sandboxes in the engine";
        }
        var names = live.Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var orphan in running.Where(c => c.Namespace != ns || !names.Contains(c.Pod)))
            yield return $"container {orphan.Id[..Math.Min(12, orphan.Id.Length)]} of {orphan.Namespace}/{orphan.Pod} runs on {node} but no such pod of the Deployment is there (orphan)";
    }
}
