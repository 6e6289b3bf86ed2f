using OrleansOrchestrator.Contracts.Networking;

namespace OrleansOrchestrator.Silo.Networking;

public static class NetworkingServices
{
    /// <summary>
    /// What the Service allocator and the service directory need: one <see cref="ClusterNetwork"/> for the whole
    /// silo (the allocator, the <c>kubernetes</c> Service and the directory read it), the silo's own listening
    /// ports that node-port rules must never catch, and the stored Services the allocator rebuilds itself from.
    /// </summary>
    public static IServiceCollection AddServiceNetworking(this IServiceCollection services, ClusterNetwork network, IReadOnlyList<int> reservedNodePorts)
    {
        services.AddSingleton(network);
        services.AddSingleton(new ReservedNodePorts(reservedNodePorts));
        services.AddSingleton<IStoredServices, StoredServices>();
        return services;
    }
}
