using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Silo.Controllers.Scheduling;

namespace OrleansOrchestrator.Silo.Nodes;

/// <summary>
/// The taints that follow a node's Ready condition, as Kubernetes' node lifecycle controller keeps them: an
/// unreachable node (Ready=Unknown) and a not-ready one (Ready=False) each get their key with both effects, so that
/// nothing new is scheduled there (NoSchedule) and what runs there is evicted once its toleration runs out (NoExecute).
/// A ready node carries neither. Other taints (a user's) are never touched.
/// </summary>
public static class NodeTaints
{
    public const string Unreachable = "node.kubernetes.io/unreachable";
    public const string NotReady = "node.kubernetes.io/not-ready";

    /// <summary>The keys this controller owns: any of them on a node whose Ready says otherwise is removed.</summary>
    private static readonly string[] Managed = [Unreachable, NotReady];

    /// <summary>The key a Ready condition of this status calls for, or null for a ready node.</summary>
    public static string? KeyFor(string? readyStatus) => readyStatus switch
    {
        "True" => null,
        "False" => NotReady,
        // No Ready condition at all is a node that never posted status: Kubernetes treats it as Unknown.
        _ => Unreachable,
    };

    /// <summary>
    /// The node's taints with the managed ones made to match <paramref name="readyStatus"/>, keeping the time a taint
    /// already present was added (eviction counts from it); null when nothing changes.
    /// </summary>
    public static IReadOnlyList<Taint>? Reconciled(IReadOnlyList<Taint>? current, string? readyStatus, DateTimeOffset now)
    {
        var existing = current ?? [];
        var key = KeyFor(readyStatus);
        var kept = existing.Where(t => !Managed.Contains(t.Key) || (t.Key == key && t.Effect is Tolerations.NoSchedule or Tolerations.NoExecute)).ToList();
        foreach (var effect in new[] { Tolerations.NoSchedule, Tolerations.NoExecute })
        {
            if (key is null || kept.Any(t => t.Key == key && t.Effect == effect)) continue;
            // Only a NoExecute taint carries the time it was added, as in Kubernetes.
            kept.Add(new Taint { Key = key, Effect = effect, TimeAdded = effect == Tolerations.NoExecute ? Truncate(now) : null });
        }
        return kept.SequenceEqual(existing) ? null : kept;
    }

    /// <summary>The Ready condition's status of a node, or null when it has none.</summary>
    public static string? ReadyStatus(Node node) => node.Status?.Conditions?.FirstOrDefault(c => c.Type == "Ready")?.Status;

    /// <summary>Whole seconds, as the API serialises times: a taint read back then compares equal.</summary>
    private static DateTimeOffset Truncate(DateTimeOffset time) => new(time.Ticks - time.Ticks % TimeSpan.TicksPerSecond, time.Offset);
}
