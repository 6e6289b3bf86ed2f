using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Contracts.Nodes;
using OrleansOrchestrator.Contracts.Store;
using OrleansOrchestrator.Silo.Nodes;
using OrleansOrchestrator.Silo.Storage;

namespace OrleansOrchestrator.Silo.Controllers.NodeLifecycle;

[Alias("oo.INodeLifecycle")]
public interface INodeLifecycle : IGrainWithStringKey
{
    /// <summary>Makes sure the loop runs (it keeps itself alive with its timer).</summary>
    Task Start();

    /// <summary>
    /// A silo was lost, with the heartbeats and registrations it had not handed over yet: the next sweep reads the whole
    /// node list, so that a node the loop never heard of gets its grace period from now, not from the next full list
    /// (up to half a minute later).
    /// </summary>
    [Alias("SiloLost")]
    Task SiloLost();

    /// <summary>A silo's batch of its node grains' latest heartbeats (see <see cref="HeartbeatBuffer"/>).</summary>
    [Alias("RecordHeartbeats")]
    Task RecordHeartbeats(IReadOnlyDictionary<string, DateTimeOffset> heartbeats);

    /// <summary>When the loop last heard of each node, as last stored: what a new activation (after a silo's loss) starts from.</summary>
    [Alias("LastHeard"), Orleans.Concurrency.ReadOnly]
    Task<IReadOnlyDictionary<string, DateTimeOffset>> LastHeard();
}

/// <summary>The loop's durable ledger: the last heartbeat (or, for a node never heard, when the loop first saw it) per node.</summary>
[GenerateSerializer, Alias("oo.NodeLifecycleState")]
public sealed class NodeLifecycleState
{
    [Id(0)] public Dictionary<string, DateTimeOffset> LastHeard { get; set; } = new(StringComparer.Ordinal);
}

/// <summary>
/// Kubernetes' node lifecycle controller and taint eviction in one loop, every <see cref="ControllerOptions.ClusterSweep"/>:
/// <list type="bullet">
/// <item>a node not heard of for the grace period is marked unreachable: every condition Unknown, the
/// <c>node.kubernetes.io/unreachable</c> taint with NoSchedule and NoExecute, and its pods Ready=False. The time is
/// measured from the ledger, which the silos' heartbeat batches feed and which is stored once per sweep, so a silo
/// restart or failover does not restart the grace period (it is at most one flush and one sweep stale);</item>
/// <item>every half minute, the whole node list: nodes new to the ledger, nodes gone from it, and the taints of a node
/// whose Ready is False (<c>node.kubernetes.io/not-ready</c>) or True (none) made to match;</item>
/// <item>the pods of a node with NoExecute taints are deleted when their toleration runs out (<see cref="TaintEviction"/>).</item>
/// </list>
/// A node that comes back clears its taints and conditions itself (on its next heartbeat), and its agent then
/// removes the evicted pods' containers.
/// </summary>
public sealed partial class NodeLifecycleGrain(
    [PersistentState("nodelifecycle", StorageNames.Store)] IPersistentState<NodeLifecycleState> ledger,
    ControllerOptions options,
    TimeProvider clock,
    ILogger<NodeLifecycleGrain> logger) : Grain, INodeLifecycle
{
    /// <summary>The one activation's key.</summary>
    public const string Key = "cluster";

    /// <summary>How many sweeps between two reads of the whole node list (Ready=False taints, new and deleted nodes): a heavy read for 5,000 nodes, every 30 s by default.</summary>
    internal const int SweepsPerFullList = 6;

    /// <summary>The one sweep timer of this activation.</summary>
    private IGrainTimer? _sweepTimer;

    private bool _dirty;

    /// <summary>A copy of the ledger as last stored or read.</summary>
    private IReadOnlyDictionary<string, DateTimeOffset> _stored = new Dictionary<string, DateTimeOffset>();
    private DateTimeOffset _lastFullList = DateTimeOffset.MinValue;

    /// <summary>Nodes this activation marked unreachable (their next heartbeat takes them out).</summary>
    private readonly HashSet<string> _unreachable = new(StringComparer.Ordinal);

    /// <summary>Nodes known to carry NoExecute taints: their pods are checked for eviction on every sweep.</summary>
    private readonly HashSet<string> _evicting = new(StringComparer.Ordinal);

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // Whatever woke the loop (a silo's heartbeat batch after a failover, or Start), it runs from now on.
        _stored = new Dictionary<string, DateTimeOffset>(ledger.State.LastHeard);
        StartTimer();
        return Task.CompletedTask;
    }

    public Task Start()
    {
        StartTimer();
        return Task.CompletedTask;
    }

    public Task SiloLost()
    {
        _lastFullList = DateTimeOffset.MinValue;
        StartTimer();
        return Task.CompletedTask;
    }

    private void StartTimer()
    {
        // Start is how the loop comes back after a deactivation or a silo restart, so it is called again and
        // again on a live activation too: a timer per call would multiply the sweeps for as long as the silo runs.
        if (_sweepTimer is null)
        {
            _sweepTimer = this.RegisterGrainTimer(_ => Sweep(), new GrainTimerCreationOptions { DueTime = options.ClusterSweep, Period = options.ClusterSweep, Interleave = false });
            NodeLifecycleMetrics.TimerStarted();
        }
        DelayDeactivation(TimeSpan.FromDays(3650));
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        if (_sweepTimer is not null)
        {
            _sweepTimer.Dispose();
            _sweepTimer = null;
            NodeLifecycleMetrics.TimerStopped();
        }
        return Task.CompletedTask;
    }

    public Task RecordHeartbeats(IReadOnlyDictionary<string, DateTimeOffset> heartbeats)
    {

        foreach (var (node, at) in heartbeats) _dirty |= Heard(node, at);
        return Task.CompletedTask;
    }

    public Task<IReadOnlyDictionary<string, DateTimeOffset>> LastHeard() => Task.FromResult(_stored);

    /// <summary>Keeps the later of the two times; true when that changed the ledger.</summary>
    private bool Heard(string node, DateTimeOffset at)
    {
        if (ledger.State.LastHeard.TryGetValue(node, out var before) && before >= at) return false;
        ledger.State.LastHeard[node] = at;
        return true;
    }

    private async Task Sweep()
    {

        NodeLifecycleMetrics.Swept();
        var now = clock.GetUtcNow();
        // One node's failure (its grain on a silo just lost, a pod write that fails) is that node's alone: it is
        // logged and tried again next sweep, while the other nodes, the evictions and the ledger go on.
        try
        {
            if (now - _lastFullList >= options.ClusterSweep * SweepsPerFullList)
            {
                try
                {
                    await ReconcileAll(now);
                    _lastFullList = now;
                }
                catch (Exception e)
                {
                    LogFailed(logger, e, "the node list", "reconciling");
                }
            }
            await MarkSilentNodes(now);
            foreach (var node in _evicting.ToList()) await ForNode(node, "evicting pods", () => EvictDue(node, now));
        }
        finally
        {
            if (_dirty)
            {
                // One write per sweep however many heartbeats arrived: the ledger's staleness is bounded by the sweep period.
                await ledger.WriteStateAsync();
                _dirty = false;
                _stored = new Dictionary<string, DateTimeOffset>(ledger.State.LastHeard);
            }
        }
    }

    /// <summary>Runs one node's part of the sweep; what fails is logged, not passed on to the next node's part.</summary>
    private async Task ForNode(string node, string doing, Func<Task> part)
    {
        try
        {
            await part();
        }
        catch (Exception e)
        {
            LogFailed(logger, e, node, doing);
        }
    }

    private async Task MarkSilentNodes(DateTimeOffset now)
    {
        foreach (var (name, lastHeard) in ledger.State.LastHeard.ToList())
        {
            if (!NodeSilence.IsSilent(lastHeard, now, options.NodeMonitorGracePeriod))
            {
                _unreachable.Remove(name);
                continue;
            }
            if (_unreachable.Contains(name)) continue;
            await ForNode(name, "marking it unreachable", () => MarkUnreachable(name, now));
        }
    }

    /// <summary>Marks a silent node unreachable and its pods not ready, unless a heartbeat still on its way shows it is not silent.</summary>
    private async Task MarkUnreachable(string name, DateTimeOffset now)
    {
        var grain = GrainFactory.GetGrain<INodeGrain>(name);
        // A heartbeat still on its way in a silo's buffer: the node grain knows it already.
        if (await grain.LastHeartbeat() is { } fresher && Heard(name, fresher))
        {
            _dirty = true;
            if (!NodeSilence.IsSilent(fresher, now, options.NodeMonitorGracePeriod)) return;
        }
        await grain.MarkUnreachable();
        // From here, not from the node grain: a pod's status write calls its node grain back.
        await PodReadiness.MarkNotReady(GrainFactory, await grain.BoundPods(), now);
        _unreachable.Add(name);
        _evicting.Add(name);
        LogUnreachable(logger, name, (now - ledger.State.LastHeard[name]).TotalSeconds);
    }

    /// <summary>The whole node list: the ledger follows it, and the Ready condition's taints and pods' readiness follow each node.</summary>
    private async Task ReconcileAll(DateTimeOffset now)
    {
        var store = new StoreClient(GrainFactory, StoreKeys.SystemTenant, SystemActors.NodeLifecycle);
        var nodes = await store.List<Node>("");
        var names = nodes.Select(n => n.Metadata.Name!).ToHashSet(StringComparer.Ordinal);
        foreach (var gone in ledger.State.LastHeard.Keys.Where(n => !names.Contains(n)).ToList())
        {
            ledger.State.LastHeard.Remove(gone);
            _unreachable.Remove(gone);
            _evicting.Remove(gone);
            _dirty = true;
        }
        foreach (var node in nodes)
        {
            var name = node.Metadata.Name!;
            // A node never heard of gets the grace period from when the loop first saw it, as Kubernetes' does.
            if (!ledger.State.LastHeard.ContainsKey(name)) _dirty |= Heard(name, now);
            await ForNode(name, "reconciling its taints", () => Reconcile(store, node, now));
        }
    }

    /// <summary>The node's taints follow its Ready condition, and its pods' readiness follows a Ready that is not True.</summary>
    private async Task Reconcile(StoreClient store, Node node, DateTimeOffset now)
    {
        var name = node.Metadata.Name!;
        var ready = NodeTaints.ReadyStatus(node);
        // A node without a Ready condition has never posted status: the silence above decides about it.
        if (ready is null) return;
        var current = node;
        if (NodeTaints.Reconciled(node.Spec.Taints, ready, now) is { } taints)
        {
            // Conditional on the version listed: a heartbeat that changed the node meanwhile wins, and the next pass looks again.
            var updated = await store.Update(node with { Spec = node.Spec with { Taints = taints.Count > 0 ? taints : null } });
            if (updated is null) return;
            current = updated;
        }
        if (current.Spec.Taints?.Any(t => t.Effect == Scheduling.Tolerations.NoExecute) == true) _evicting.Add(name);
        if (ready != "True") await PodReadiness.MarkNotReady(GrainFactory, await GrainFactory.GetGrain<INodeGrain>(name).BoundPods(), now);
    }

    /// <summary>Deletes the node's pods whose tolerations of its NoExecute taints have run out.</summary>
    private async Task EvictDue(string name, DateTimeOffset now)
    {
        var node = await GrainFactory.GetGrain<IObjectGrain>(StoreKeys.Object(StoreKeys.SystemTenant, ResourceKinds.Node, null, name)).Get() as Node;
        if (node?.Spec.Taints?.Any(t => t.Effect == Scheduling.Tolerations.NoExecute) != true)
        {
            _evicting.Remove(name);
            return;
        }
        foreach (var bound in await GrainFactory.GetGrain<INodeGrain>(name).BoundPods())
        {
            if (bound.Pod.Metadata.DeletionTimestamp is not null || !TaintEviction.IsDue(bound.Pod, node.Spec.Taints, now, options)) continue;
            var tenant = StoreKeys.ParseObject(bound.Key).Tenant;
            if (await new StoreClient(GrainFactory, tenant, SystemActors.NodeLifecycle).Delete(bound.Pod))
                LogEvicted(logger, bound.Key, name);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Node {Node} not heard of for {Seconds:F0} s: marked unreachable")]
    private static partial void LogUnreachable(ILogger logger, string node, double seconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Node lifecycle: {Doing} failed for {Node}; tried again next sweep")]
    private static partial void LogFailed(ILogger logger, Exception error, string node, string doing);

    [LoggerMessage(Level = LogLevel.Information, Message = "Evicted pod {Pod} from node {Node}: its toleration of the node's NoExecute taints ran out")]
    private static partial void LogEvicted(ILogger logger, string pod, string node);
}

/// <summary>Whether a node is silent: not heard of for longer than the grace period.</summary>
public static class NodeSilence
{
    public static bool IsSilent(DateTimeOffset lastHeard, DateTimeOffset now, TimeSpan grace) => now - lastHeard > grace;
}
