using OrleansOrchestrator.Contracts.Model;

namespace OrleansOrchestrator.Silo.Controllers.DaemonSets;

/// <summary>Keeps one pod of a DaemonSet on every eligible node (key: the DaemonSet's store key).</summary>
[Alias("oo.IDaemonSetController")]
public interface IDaemonSetController : IReconciler;

/// <summary>
/// The nodes as the DaemonSet controllers of every tenant see them (key: <see cref="Key"/>). Woken by node changes, it
/// keeps the node list for them and, when a change can alter where daemon pods belong (a node joined or left, its
/// labels or taints changed, it became ready or not), wakes every DaemonSet controller that follows it.
/// </summary>
[Alias("oo.IDaemonSetNodes")]
public interface IDaemonSetNodes : IReconciler
{
    public const string Key = "cluster";

    /// <summary>Every node now.</summary>
    [Alias("Current"), Orleans.Concurrency.AlwaysInterleave]
    Task<IReadOnlyList<Node>> Current();

    /// <summary>The DaemonSet controller <paramref name="daemonSetKey"/> wants to be woken when the nodes change.</summary>
    [Alias("Follow"), Orleans.Concurrency.OneWay]
    Task Follow(string daemonSetKey);

    /// <summary>The DaemonSet <paramref name="daemonSetKey"/> is gone.</summary>
    [Alias("Unfollow"), Orleans.Concurrency.OneWay]
    Task Unfollow(string daemonSetKey);
}

/// <summary>The wakes of the DaemonSet loops, as the kinds' strategies declare them.</summary>
public static class DaemonSetWakes
{
    /// <summary>A node's change may change which nodes should run daemon pods.</summary>
    public static IEnumerable<Wakeup> ForNode() => [new Wakeup(typeof(IDaemonSetNodes), IDaemonSetNodes.Key)];
}
