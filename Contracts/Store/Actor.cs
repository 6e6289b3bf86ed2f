namespace OrleansOrchestrator.Contracts.Store;

/// <summary>
/// Who makes a write: a user of the API or the dashboard, or a named part of the system (a control loop, a
/// node's agent). Every write to the store carries one, so that the admission chain sees the writer as
/// Kubernetes' admission sees the user of each request — its controllers and kubelets included.
/// </summary>
[GenerateSerializer, Immutable, Alias("oo.Actor")]
public sealed record Actor(
    [property: Id(0)] string Name,
    [property: Id(1)] IReadOnlyList<string> Groups)
{
    /// <summary>The group of every control loop's identity.</summary>
    public const string ControllersGroup = "system:controllers";

    /// <summary>The group of every node agent's identity (Kubernetes' kubelets).</summary>
    public const string NodesGroup = "system:nodes";

    /// <summary>How a node agent's name starts; the node's name follows.</summary>
    public const string NodePrefix = "system:node:";

    /// <summary>A control loop, named as Kubernetes names its controllers: <c>system:controller:replicaset</c>.</summary>
    public static Actor Controller(string controller) => new($"system:controller:{controller}", [ControllersGroup]);

    /// <summary>The agent of one node: <c>system:node:NAME</c>, as a kubelet's identity.</summary>
    public static Actor Node(string node) => new(NodePrefix + node, [NodesGroup]);

    public override string ToString() => Name;
}
