using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Contracts.Networking;
using OrleansOrchestrator.Contracts.Store;

namespace OrleansOrchestrator.Silo.Networking;

/// <summary>
/// Holds the allocation pools in memory. Their truth is the stored Services, read at activation and every few
/// minutes (Kubernetes' repair loop): nothing of the pools is stored, so a crash between a take and the Service's
/// durable write only leaks the value until the next repair, and a restarted silo hands out nothing a stored
/// Service holds. Never collected while the silo runs: a new activation would forget takes whose writes are
/// still on their way to the store.
/// </summary>
[CollectionAgeLimit(AlwaysActive = true)]
public sealed partial class ServiceAllocatorGrain(
    ClusterNetwork network,
    ReservedNodePorts reserved,
    IStoredServices stored,
    ILogger<ServiceAllocatorGrain> logger) : Grain, IServiceAllocatorGrain
{
    private static readonly TimeSpan RepairInterval = TimeSpan.FromMinutes(3);

    private readonly ServiceAllocator _allocator = new(network, reserved.Ports, Random.Shared);

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        await Repair();
        this.RegisterGrainTimer(async () => await Repair(), new GrainTimerCreationOptions { DueTime = RepairInterval, Period = RepairInterval, Interleave = false });
    }

    public Task<WriteResult> Allocate(string owner, Service? old, Service requested, bool dryRun) =>
        Task.FromResult(_allocator.Allocate(owner, old, requested, dryRun));

    public Task Abandon(string owner, Service? old, Service allocated)
    {
        _allocator.Abandon(owner, old, allocated);
        return Task.CompletedTask;
    }

    public Task Committed(string owner, Service? old, Service? now)
    {
        _allocator.Committed(owner, old, now);
        return Task.CompletedTask;
    }

    public async Task<IReadOnlyList<string>> Repair()
    {
        // Runs inside the grain's turn: no take or release interleaves with reading the store and applying it.
        var problems = _allocator.Repair(await stored.All());
        foreach (var problem in problems) LogRepairProblem(logger, problem);
        return problems;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Service allocation repair: {Problem}")]
    private static partial void LogRepairProblem(ILogger logger, string problem);
}
