using OrleansOrchestrator.Contracts.Networking;

namespace OrleansOrchestrator.Agents.Networking;

/// <summary>
/// This agent's copy of the cluster's Service routes (pushed by <see cref="IServiceDirectoryGrain"/>): read by
/// the node's proxy, its DNS server and the pod environment builder.
/// </summary>
public interface IServiceRoutes
{
    /// <summary>The cluster's network facts; null until the first snapshot arrived.</summary>
    ClusterNetwork? Network { get; }

    /// <summary>Whether the routes are the directory's complete view (rules of Services not listed may be removed).</summary>
    bool Complete { get; }

    /// <summary>The routes now, by <see cref="ServiceRoute.Key"/>; an immutable snapshot.</summary>
    IReadOnlyDictionary<string, ServiceRoute> Routes { get; }

    /// <summary>Raised after the routes or the network changed (consumers coalesce).</summary>
    event Action? Changed;
}
