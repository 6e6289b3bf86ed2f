using System.Text;
using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Contracts.Store;
using OrleansOrchestrator.Silo.Controllers.Scheduling;

namespace OrleansOrchestrator.Silo.Controllers.DaemonSets;

/// <summary>
/// Kubernetes' daemon controller watches nodes and re-syncs every DaemonSet a node change concerns. Here the nodes (in
/// the system tenant) change often — every heartbeat — and concern DaemonSets of every tenant, so this one grain takes
/// the node changes (coalesced), keeps the node list for the controllers, and only when what decides placement
/// changed (<see cref="Placement"/>) wakes the controllers that follow it. Each controller follows on every pass, so a
/// new activation of this grain knows them all again within one controller sweep.
/// </summary>
public sealed class DaemonSetNodesGrain(ILogger<DaemonSetNodesGrain> logger) : ReconcilerGrain(logger), IDaemonSetNodes
{
    private readonly HashSet<string> _followers = new(StringComparer.Ordinal);
    private IReadOnlyList<Node>? _nodes;
    private string? _announced;

    protected override TimeSpan CoalesceDelay => TimeSpan.FromMilliseconds(200);

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // The followers live only here: stay active rather than lose them to idle collection.
        DelayDeactivation(TimeSpan.FromDays(3650));
        return base.OnActivateAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<Node>> Current() => _nodes ??= await Read();

    public Task Follow(string daemonSetKey)
    {
        _followers.Add(daemonSetKey);
        return Task.CompletedTask;
    }

    public Task Unfollow(string daemonSetKey)
    {
        _followers.Remove(daemonSetKey);
        return Task.CompletedTask;
    }

    protected override async Task<TimeSpan?> Reconcile()
    {
        var nodes = await Read();
        _nodes = nodes;
        var placement = Placement(nodes);
        if (placement == _announced) return null;
        _announced = placement;
        foreach (var key in _followers)
            GrainFactory.GetGrain<IDaemonSetController>(key).Wake().Ignore();
        return null;
    }

    private Task<IReadOnlyList<Node>> Read() =>
        new StoreClient(GrainFactory, StoreKeys.SystemTenant, SystemActors.DaemonSets).List<Node>("");

    /// <summary>
    /// What of the nodes decides where daemon pods belong: each node's name, labels and taints as the scheduler sees
    /// them (its conditions' taints included). A heartbeat changes none of it.
    /// </summary>
    public static string Placement(IEnumerable<Node> nodes)
    {
        var text = new StringBuilder();
        foreach (var node in nodes.OrderBy(n => n.Metadata.Name, StringComparer.Ordinal))
        {
            text.Append(node.Metadata.Name).Append('\n');
            foreach (var (key, value) in (node.Metadata.Labels ?? new Dictionary<string, string>()).OrderBy(l => l.Key, StringComparer.Ordinal))
                text.Append(' ').Append(key).Append('=').Append(value).Append('\n');
            foreach (var taint in NodeView.EffectiveTaints(node))
                text.Append(' ').Append(taint.Key).Append('=').Append(taint.Value).Append(':').Append(taint.Effect).Append('\n');
        }
        return text.ToString();
    }
}
