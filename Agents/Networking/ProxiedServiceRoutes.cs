using OrleansOrchestrator.Contracts.Networking;

namespace OrleansOrchestrator.Agents.Networking;

/// <summary>
/// The routes as a node's pods may use them: complete only once the node's proxy has also written its rules for
/// them and for every tenant network on the host. Pods wait for a complete view before their containers start, so
/// a pod's first DNS question or first connection to a Service never reaches a kernel without the rules that
/// catch it (it would be refused: the service range is routed locally).
/// </summary>
public sealed class ProxiedServiceRoutes(IServiceRoutes routes, Func<bool> rulesWritten) : IServiceRoutes
{
    public ClusterNetwork? Network => routes.Network;

    public bool Complete => routes.Complete && rulesWritten();

    public IReadOnlyDictionary<string, ServiceRoute> Routes => routes.Routes;

    public event Action? Changed
    {
        add => routes.Changed += value;
        remove => routes.Changed -= value;
    }
}
