using Orleans.Configuration;

namespace OrleansOrchestrator.Contracts;

/// <summary>
/// How fast the members of one installation notice that a silo is gone, for the Orleans clients (node agents, the
/// dashboard on its own). The silos' side is in the silo's OrleansSetup; both are tuned for a control plane, where a
/// failover measured in seconds is what clients see as writes refused and watches restarted.
/// </summary>
public static class ClusterTimings
{
    /// <summary>
    /// A client's calls go through one gateway; when that silo is killed its connection closes and the calls waiting
    /// on it fail at once, but a call sent into a half-open connection (a silo frozen, a cable pulled) waits for the
    /// response timeout. Ten seconds: longer than any call a client makes (an agent's heartbeat, a dashboard read),
    /// short enough that an agent's heartbeats resume through another gateway well inside a node's grace period.
    /// </summary>
    public static readonly TimeSpan ClientResponseTimeout = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How often a client looks at its gateways again — a gateway it found dead is tried again after this (Orleans'
    /// default is a minute: a restarted silo would get no clients back for that long).
    /// </summary>
    public static readonly TimeSpan GatewayListRefresh = TimeSpan.FromSeconds(5);

    /// <summary>Applies the client side of the timings to an Orleans client.</summary>
    public static IClientBuilder ForFailover(this IClientBuilder client)
    {
        client.Configure<ClientMessagingOptions>(o => o.ResponseTimeout = ClientResponseTimeout);
        client.Configure<GatewayOptions>(o => o.GatewayListRefreshPeriod = GatewayListRefresh);
        return client;
    }
}
