using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Contracts.Store;

namespace OrleansOrchestrator.Silo.Networking;

/// <summary>
/// The cluster's one allocator of Service cluster IPs and node ports (key <see cref="Key"/>): a single activation
/// serialises every take and release, so no value is handed out twice however many Services are created at once.
/// Owners are Services' store keys without the kind (<c>tenant/namespace/name</c>). See <see cref="ServiceAllocator"/>.
/// </summary>
[Alias("oo.IServiceAllocatorGrain")]
public interface IServiceAllocatorGrain : IGrainWithStringKey
{
    public const string Key = "cluster";

    /// <summary><paramref name="requested"/> with its cluster IP and node ports, taken for <paramref name="owner"/> (not on a dry run), or the 422.</summary>
    [Alias("Allocate")]
    Task<WriteResult> Allocate(string owner, Service? old, Service requested, bool dryRun);

    /// <summary>The write of <paramref name="allocated"/> did not happen: what it took goes back.</summary>
    [Alias("Abandon")]
    Task Abandon(string owner, Service? old, Service allocated);

    /// <summary>A write is durable (<paramref name="now"/> null: deleted): what only <paramref name="old"/> held goes back.</summary>
    [Alias("Committed")]
    Task Committed(string owner, Service? old, Service? now);

    /// <summary>Aligns the pools with the stored Services now (also done at activation and every few minutes); returns the inconsistencies found.</summary>
    [Alias("Repair")]
    Task<IReadOnlyList<string>> Repair();
}

/// <summary>This silo's own listening ports inside the node-port range, which no Service may have (see <c>SiloOptions.NodePortsInUse</c>).</summary>
public sealed record ReservedNodePorts(IReadOnlyList<int> Ports);

/// <summary>Every stored Service of every tenant, with its owner key: the truth the allocator rebuilds itself from.</summary>
public interface IStoredServices
{
    Task<IReadOnlyList<(string Owner, Service Service)>> All();
}
