using OrleansOrchestrator.Contracts.Model;

namespace OrleansOrchestrator.Silo.Nodes;

/// <summary>The conditions a live node reports, with transition times kept when nothing changed.</summary>
public static class NodeConditions
{
    /// <summary>The conditions the agent posts, each of which an unreachable node has as Unknown.</summary>
    private static readonly string[] Posted = ["MemoryPressure", "DiskPressure", "PIDPressure", "Ready"];

    /// <summary>
    /// Every condition Unknown, as Kubernetes marks a node whose kubelet stopped posting status; one never posted
    /// is added as Unknown too (a node registered without conditions, or whose agent never came).
    /// </summary>
    public static NodeStatus Unknown(NodeStatus reported, DateTimeOffset now)
    {
        var conditions = (reported.Conditions ?? []).Select(c => c.Status == "Unknown" ? c : c with
        {
            Status = "Unknown",
            Reason = "NodeStatusUnknown",
            Message = "Kubelet stopped posting node status.",
            LastTransitionTime = Truncate(now),
        }).ToList();
        foreach (var type in Posted.Where(t => conditions.All(c => c.Type != t)))
            conditions.Add(new Condition
            {
                Type = type,
                Status = "Unknown",
                Reason = "NodeStatusNeverUpdated",
                Message = "Kubelet never posted node status.",
                LastTransitionTime = Truncate(now),
            });
        return reported with { Conditions = conditions };
    }

    public static NodeStatus Ready(NodeStatus reported, IReadOnlyList<Condition>? previous, DateTimeOffset now)
    {
        Condition Make(string type, string status, string reason, string message)
        {
            var before = previous?.FirstOrDefault(c => c.Type == type);
            return new Condition
            {
                Type = type,
                Status = status,
                Reason = reason,
                Message = message,
                LastHeartbeatTime = Truncate(now),
                LastTransitionTime = before?.Status == status ? before.LastTransitionTime : Truncate(now),
            };
        }
        return reported with
        {
            Conditions =
            [
                Make("MemoryPressure", "False", "KubeletHasSufficientMemory", "agent has sufficient memory available"),
                Make("DiskPressure", "False", "KubeletHasNoDiskPressure", "agent has no disk pressure"),
                Make("PIDPressure", "False", "KubeletHasSufficientPID", "agent has sufficient PID available"),
                Make("Ready", "True", "KubeletReady", "agent is posting ready status"),
            ],
        };
    }

    private static DateTimeOffset Truncate(DateTimeOffset time) => new(time.Ticks - time.Ticks % TimeSpan.TicksPerSecond, time.Offset);
}
