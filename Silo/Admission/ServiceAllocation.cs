using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Contracts.Store;
using OrleansOrchestrator.Silo.Networking;

namespace OrleansOrchestrator.Silo.Admission;

/// <summary>
/// Allocating: a Service's cluster IP and node ports, from the cluster's allocator grain (see
/// <see cref="ServiceAllocator"/> for the rules). A give-back that fails (the allocator unreachable) only leaks the
/// value until the allocator's next repair from the store, so it never fails the write.
/// </summary>
public sealed partial class ServiceAllocation(IGrainFactory grains, ILogger<ServiceAllocation> logger) : IAllocatingAdmission
{
    private IServiceAllocatorGrain Allocator => grains.GetGrain<IServiceAllocatorGrain>(IServiceAllocatorGrain.Key);

    public async ValueTask<WriteResult> Allocate(AdmissionRequest request)
    {
        if (request.Object is not Service service || !request.WritesMain) return WriteResult.Ok(request.Object);
        return await Allocator.Allocate(Owner(request.Tenant, service), request.Old as Service, service, request.DryRun);
    }

    public async ValueTask Abandon(AdmissionRequest request)
    {
        if (request.Object is not Service service || !request.WritesMain || request.DryRun) return;
        if (!ServiceAllocator.HoldsMore(service, request.Old as Service)) return;
        await GiveBack(service, () => Allocator.Abandon(Owner(request.Tenant, service), request.Old as Service, service));
    }

    public async ValueTask Committed(ResourceKind kind, string tenant, KubeObject? before, KubeObject? after)
    {
        if (before is not Service old || !ServiceAllocator.HoldsMore(old, after as Service)) return;
        await GiveBack(old, () => Allocator.Committed(Owner(tenant, old), old, after as Service));
    }

    private async Task GiveBack(Service service, Func<Task> call)
    {
        try
        {
            await call();
        }
        catch (Exception e)
        {
            LogGiveBackFailed(logger, e, service.Metadata.Namespace ?? "", service.Metadata.Name ?? "");
        }
    }

    private static string Owner(string tenant, Service service) =>
        ServiceAllocator.Owner(tenant, service.Metadata.Namespace ?? "", service.Metadata.Name ?? "");

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not give back the cluster IP or node ports of Service {Namespace}/{Name}; the allocator's next repair will")]
    private static partial void LogGiveBackFailed(ILogger logger, Exception exception, string @namespace, string name);
}
