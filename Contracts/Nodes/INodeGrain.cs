using OrleansOrchestrator.Contracts.Model;

namespace OrleansOrchestrator.Contracts.Nodes;

/// <summary>
/// One node of the cluster (key: the node's name). Its agent registers and heartbeats here; the store tells
/// it which pods are bound to it, and it pushes them to the agent (and answers the agent's full resyncs).
/// The Node object itself lives in the store, under the system tenant.
/// </summary>
[Alias("oo.INodeGrain")]
public interface INodeGrain : IGrainWithStringKey
{
    /// <summary>Creates or refreshes the Node object (capacity, addresses, labels, Ready) and records the agent's endpoint.</summary>
    [Alias("Register")]
    Task Register(Node node, AgentEndpoint endpoint);

    /// <summary>The agent is alive; the Node's Ready condition is refreshed when it changes or has grown old.</summary>
    [Alias("Heartbeat")]
    Task Heartbeat();

    /// <summary>Starts (or renews) push of bound-pod changes. Renew more often than every minute.</summary>
    [Alias("Subscribe")]
    Task Subscribe(INodeAgentObserver observer);

    [Alias("Unsubscribe")]
    Task Unsubscribe(INodeAgentObserver observer);

    /// <summary>Every pod bound to this node now: the agent's full resync.</summary>
    [Alias("BoundPods")]
    Task<IReadOnlyList<BoundPod>> BoundPods();

    /// <summary>When the agent last heartbeated, or null if never since this activation.</summary>
    [Alias("LastHeartbeat"), Orleans.Concurrency.ReadOnly]
    Task<DateTimeOffset?> LastHeartbeat();

    /// <summary>
    /// The node lifecycle controller's verdict that the agent is silent: Ready becomes Unknown and the node
    /// gets the <c>node.kubernetes.io/unreachable</c> taints (NoSchedule and NoExecute). The agent's next heartbeat undoes both.
    /// </summary>
    [Alias("MarkUnreachable")]
    Task MarkUnreachable();

    [Alias("Endpoint"), Orleans.Concurrency.ReadOnly]
    Task<AgentEndpoint?> Endpoint();

    /// <summary>
    /// The scheduler asks to bind a pod here. The node checks the pod still fits next to everything bound or
    /// admitted so far and, if so, reserves room for it; this is what keeps two schedulers deciding at the same
    /// time from over-committing a node. Returns null when admitted, else why not.
    /// </summary>
    [Alias("Admit")]
    Task<string?> Admit(string podKey, Pod pod);

    /// <summary>Called by a pod's object grain before it stores a binding to this node, so the node's index is never missing a pod.</summary>
    [Alias("Track")]
    Task Track(string podKey);

    /// <summary>Called by a pod's object grain after each committed change of a pod bound to this node.</summary>
    [Alias("PodChanged")]
    Task PodChanged(string podKey, Pod? pod);
}
