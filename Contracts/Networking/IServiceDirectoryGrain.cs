namespace OrleansOrchestrator.Contracts.Networking;

/// <summary>
/// Every Service route of the cluster (all tenants), pushed to the node agents, which are each node's proxy
/// and DNS server (key: <see cref="Key"/>). Held in memory and rebuilt from the store by the endpoints
/// controller when activated; each change has a version so that an agent can tell a gap and resync.
/// </summary>
[Alias("oo.IServiceDirectoryGrain")]
public interface IServiceDirectoryGrain : IGrainWithStringKey
{
    public const string Key = "cluster";

    /// <summary>The cluster's network facts and every route now: an agent's full resync.</summary>
    [Alias("Snapshot"), Orleans.Concurrency.AlwaysInterleave]
    Task<ServiceDirectorySnapshot> Snapshot();

    /// <summary>Adds or replaces a route (endpoints controller).</summary>
    [Alias("Publish")]
    Task Publish(ServiceRoute route);

    /// <summary>Removes a route: its Service is gone (endpoints controller).</summary>
    [Alias("Withdraw")]
    Task Withdraw(string key);

    /// <summary>Starts (or renews) push of route changes. Renew more often than every minute.</summary>
    [Alias("Subscribe")]
    Task Subscribe(IServiceDirectoryObserver observer);

    [Alias("Unsubscribe")]
    Task Unsubscribe(IServiceDirectoryObserver observer);
}

/// <summary>The cluster's network facts and all routes at one version.</summary>
[GenerateSerializer, Immutable, Alias("oo.ServiceDirectorySnapshot")]
public sealed record ServiceDirectorySnapshot
{
    /// <summary>Identifies this directory activation: versions of another epoch are not comparable (resync).</summary>
    [Id(0)] public Guid Epoch { get; init; }

    [Id(1)] public long Version { get; init; }

    [Id(2)] public ClusterNetwork Network { get; init; } = new();

    [Id(3)] public IReadOnlyList<ServiceRoute> Routes { get; init; } = [];

    /// <summary>False until the directory has been rebuilt from the store after activation: an agent must not remove rules on an incomplete view.</summary>
    [Id(4)] public bool Complete { get; init; }
}

/// <summary>The push channel from the directory to an agent.</summary>
[Alias("oo.IServiceDirectoryObserver")]
public interface IServiceDirectoryObserver : IGrainObserver
{
    /// <summary>
    /// Routes changed: <paramref name="changed"/> replaced, <paramref name="removed"/> (keys) gone, now at
    /// <paramref name="version"/> of <paramref name="epoch"/>. A version that is not the one after the
    /// agent's last means it missed a change: it takes a snapshot.
    /// </summary>
    [Alias("RoutesChanged")]
    void RoutesChanged(Guid epoch, long version, IReadOnlyList<ServiceRoute> changed, IReadOnlyList<string> removed);
}
