using OrleansOrchestrator.Contracts.Networking;

namespace OrleansOrchestrator.Agents.Networking;

/// <summary>
/// A fixed set of routes and network facts, changed only by whoever holds it: for tests, and for an agent that
/// runs without a Service directory (its pods then see only these facts and Services).
/// </summary>
public sealed class StaticServiceRoutes : IServiceRoutes
{
    private IReadOnlyDictionary<string, ServiceRoute> _routes;

    public StaticServiceRoutes(ClusterNetwork? network, IEnumerable<ServiceRoute>? routes = null, bool complete = true)
    {
        Network = network;
        Complete = complete;
        _routes = (routes ?? []).ToDictionary(r => r.Key, StringComparer.Ordinal);
    }

    public ClusterNetwork? Network { get; private set; }

    public bool Complete { get; private set; }

    public IReadOnlyDictionary<string, ServiceRoute> Routes => _routes;

    public event Action? Changed;

    /// <summary>Replaces everything, as a directory snapshot would, and raises <see cref="Changed"/>.</summary>
    public void Set(ClusterNetwork? network, IEnumerable<ServiceRoute> routes, bool complete = true)
    {
        Network = network;
        Complete = complete;
        _routes = routes.ToDictionary(r => r.Key, StringComparer.Ordinal);
        Changed?.Invoke();
    }
}
