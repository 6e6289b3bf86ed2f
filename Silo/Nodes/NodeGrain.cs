using Orleans.Utilities;
using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Contracts.Nodes;
using OrleansOrchestrator.Contracts.Store;
using OrleansOrchestrator.Silo.Controllers.Scheduling;
using OrleansOrchestrator.Silo.Storage;

namespace OrleansOrchestrator.Silo.Nodes;

/// <summary>
/// A node's meeting point of agent and store. Keeps a durable index of the pods bound to the node (the
/// store's pod grains add to it before they bind), the pods themselves in memory for the agent's resyncs,
/// and pushes every change to the subscribed agent. Registers the agent's Node object and keeps its Ready
/// condition fresh from heartbeats.
/// </summary>
public sealed partial class NodeGrain(
    StorageBackend backend,
    IServiceProvider services,
    TimeProvider clock,
    ILogger<NodeGrain> logger) : Grain, INodeGrain
{
    /// <summary>The node's durable index (Orleans' row for the state "node"), written with the store's group commit: a binding's admission writes it.</summary>
    private DurableState<NodeState> state = null!;

    /// <summary>How long a subscription lasts without renewal; agents renew well within it.</summary>
    private static readonly TimeSpan SubscriptionExpiry = TimeSpan.FromMinutes(1);

    /// <summary>The Ready condition's heartbeat time is rewritten at most this often (each rewrite is a durable write).</summary>
    internal static readonly TimeSpan HeartbeatWriteInterval = TimeSpan.FromSeconds(40);

    /// <summary>How often the cached pods are re-read from the store, repairing any missed notification.</summary>
    private static readonly TimeSpan RefreshInterval = TimeSpan.FromMinutes(2);

    private readonly ObserverManager<INodeAgentObserver> _agents = new(SubscriptionExpiry, logger);
    private readonly Dictionary<string, Pod> _pods = new(StringComparer.Ordinal);
    private bool _podsLoaded;
    private DateTimeOffset? _lastHeartbeat;
    private DateTimeOffset _lastReadyWrite = DateTimeOffset.MinValue;
    private bool _markedUnreachable;

    /// <summary>This silo's heartbeat buffer, which feeds the node lifecycle loop's durable ledger (absent in a test's silo without that loop).</summary>
    private HeartbeatBuffer? _heartbeats;

    private string NodeName => this.GetPrimaryKeyString();

    /// <summary>The node's agent: registration and heartbeats write the Node as the node itself.</summary>
    private Actor Agent => Actor.Node(NodeName);

    private IObjectGrain NodeObject => GrainFactory.GetGrain<IObjectGrain>(StoreKeys.Object(StoreKeys.SystemTenant, ResourceKinds.Node, null, NodeName));

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        state = new DurableState<NodeState>(backend.ObjectStorage(services), "node", this.GetGrainId(), NodeName);
        await state.ReadStateAsync();
        _heartbeats = services.GetService<HeartbeatBuffer>();
        this.RegisterGrainTimer(_ => RefreshPods(), new GrainTimerCreationOptions
        {
            DueTime = RefreshInterval,
            Period = RefreshInterval,
            Interleave = false,
        });
    }

    public async Task Register(Node node, AgentEndpoint endpoint)
    {
        if (state.State.Endpoint != endpoint)
        {
            state.State.Endpoint = endpoint;
            await state.WriteStateAsync();
        }
        var now = clock.GetUtcNow();
        var stored = await NodeObject.Get() as Node;
        if (stored is null)
        {
            var created = await NodeObject.Create(node with { Metadata = node.Metadata with { Name = NodeName } }, Agent);
            if (created.Error is { } error) throw new InvalidOperationException(error.Message);
            stored = (Node)created.Object!;
        }
        else
        {
            // The agent owns capacity, addresses and its own labels and annotations; those others added, and taints, stay.
            var metadata = stored.Metadata with
            {
                Labels = Merged(stored.Metadata.Labels, node.Metadata.Labels),
                Annotations = Merged(stored.Metadata.Annotations, node.Metadata.Annotations),
                ResourceVersion = null,
            };
            var updated = await NodeObject.Update(stored with { Metadata = metadata }, Subresource.Main, Agent);
            stored = (Node?)updated.Object ?? stored;
        }
        var status = NodeConditions.Ready(node.Status ?? new NodeStatus(), stored.Status?.Conditions, now);
        await NodeObject.Update(stored with { Status = status, Metadata = stored.Metadata with { ResourceVersion = null } }, Subresource.Status, Agent);
        Heard(now);
        _lastReadyWrite = now;
    }

    private void Heard(DateTimeOffset now)
    {
        _lastHeartbeat = now;
        _heartbeats?.Record(NodeName, now);
    }

    private static Dictionary<string, string> Merged(IReadOnlyDictionary<string, string>? stored, IReadOnlyDictionary<string, string>? agents)
    {
        var merged = new Dictionary<string, string>(stored ?? new Dictionary<string, string>());
        foreach (var (k, v) in agents ?? new Dictionary<string, string>()) merged[k] = v;
        return merged;
    }

    public async Task Heartbeat()
    {
        var now = clock.GetUtcNow();
        Heard(now);
        if (now - _lastReadyWrite < HeartbeatWriteInterval && !_markedUnreachable) return;
        if (await NodeObject.Get() is not Node stored) return;
        // Back: the taints of an unreachable or not-ready node go (the agent reports Ready=True below).
        if (NodeTaints.Reconciled(stored.Spec.Taints, "True", now) is { } taints)
        {
            var back = await NodeObject.Update(stored with { Spec = stored.Spec with { Taints = taints.Count > 0 ? taints : null }, Metadata = stored.Metadata with { ResourceVersion = null } }, Subresource.Main, Agent);
            stored = back.Object as Node ?? stored;
        }
        _markedUnreachable = false;
        var status = NodeConditions.Ready(stored.Status ?? new NodeStatus(), stored.Status?.Conditions, now);
        await NodeObject.Update(stored with { Status = status, Metadata = stored.Metadata with { ResourceVersion = null } }, Subresource.Status, Agent);
        _lastReadyWrite = now;
    }

    public async Task MarkUnreachable()
    {
        if (await NodeObject.Get() is not Node stored) return;
        var now = clock.GetUtcNow();
        // Taints first: from the moment the node is Unknown, nothing new may be scheduled there.
        if (NodeTaints.Reconciled(stored.Spec.Taints, "Unknown", now) is { } taints)
        {
            var tainted = stored with { Spec = stored.Spec with { Taints = taints }, Metadata = stored.Metadata with { ResourceVersion = null } };
            stored = (await NodeObject.Update(tainted, Subresource.Main, Controllers.SystemActors.NodeLifecycle)).Object as Node ?? stored;
        }
        var unknown = NodeConditions.Unknown(stored.Status ?? new NodeStatus(), now);
        if (!Store.ObjectSemantics.SameContent(stored, stored with { Status = unknown }))
            await NodeObject.Update(stored with { Status = unknown, Metadata = stored.Metadata with { ResourceVersion = null } }, Subresource.Status, Controllers.SystemActors.NodeLifecycle);
        _markedUnreachable = true;
    }

    public Task Subscribe(INodeAgentObserver observer)
    {
        _agents.Subscribe(observer, observer);
        return Task.CompletedTask;
    }

    public Task Unsubscribe(INodeAgentObserver observer)
    {
        _agents.Unsubscribe(observer);
        return Task.CompletedTask;
    }

    public async Task<IReadOnlyList<BoundPod>> BoundPods()
    {
        if (!_podsLoaded) await RefreshPods();
        return _pods.Select(p => new BoundPod(p.Key, p.Value)).ToList();
    }

    public Task<DateTimeOffset?> LastHeartbeat() => Task.FromResult(_lastHeartbeat);

    public Task<AgentEndpoint?> Endpoint() => Task.FromResult(state.State.Endpoint);

    public async Task<string?> Admit(string podKey, Pod pod)
    {
        if (await NodeObject.Get() is not Node node) return $"node \"{NodeName}\" not found";
        if (!_podsLoaded) await RefreshPods();
        var view = NodeView.From(node, _pods.Where(p => p.Key != podKey).Select(p => p.Value));
        if (SchedulingPlanner.Filter(pod, view) is { } refusal) return refusal;
        await Track(podKey);
        _pods[podKey] = pod with { Spec = pod.Spec with { NodeName = NodeName } };
        return null;
    }

    public async Task Track(string podKey)
    {
        if (state.State.PodKeys.Add(podKey)) await state.WriteStateAsync();
    }

    public async Task PodChanged(string podKey, Pod? pod)
    {
        if (pod is { } bound && bound.Spec.NodeName == NodeName)
            _pods[podKey] = bound;
        else
        {
            _pods.Remove(podKey);
            if (state.State.PodKeys.Remove(podKey)) await state.WriteStateAsync();
        }
        _agents.Notify(agent => agent.PodChanged(podKey, pod is { } p && p.Spec.NodeName == NodeName ? p : null));
    }

    /// <summary>Re-reads every indexed pod from the store, dropping keys whose pod is gone or bound elsewhere.</summary>
    private async Task RefreshPods()
    {
        var keys = state.State.PodKeys.ToList();
        var pods = await Task.WhenAll(keys.Select(k => GrainFactory.GetGrain<IObjectGrain>(k).Get()));
        _pods.Clear();
        var stale = new List<string>();
        for (var i = 0; i < keys.Count; i++)
        {
            if (pods[i] is Pod pod && pod.Spec.NodeName == NodeName) _pods[keys[i]] = pod;
            else stale.Add(keys[i]);
        }
        _podsLoaded = true;
        if (stale.Count == 0) return;
        state.State.PodKeys.ExceptWith(stale);
        await state.WriteStateAsync();
        LogDroppedStale(logger, NodeName, stale.Count);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Node {Node}: dropped {Count} pods no longer bound to it")]
    private static partial void LogDroppedStale(ILogger logger, string node, int count);
}
