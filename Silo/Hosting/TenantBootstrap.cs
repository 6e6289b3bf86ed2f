using OrleansOrchestrator.Contracts.Networking;
using OrleansOrchestrator.Silo.Api;
using OrleansOrchestrator.Silo.Api.Auth;

namespace OrleansOrchestrator.Silo.Hosting;

/// <summary>
/// Gives every tenant (<see cref="Tenancy.KnownTenants"/>: named in the token file or by a Tenant object) its <c>default</c> namespace, as a new Kubernetes cluster has one, and
/// in it the <c>kubernetes</c> Service that in-cluster clients find the API by (<see cref="KubernetesService"/>), and its
/// default StorageClass <c>local-path</c> (<see cref="LocalPathStorageClass"/>), and Kubernetes' default roles (<see cref="RbacBootstrap"/>); Services
/// stored before allocation existed get their cluster IP and node ports. At start, and again whenever the token file
/// changes, so that a tenant added to it while the silo runs gets the same; a Tenant object's lifecycle grain asks
/// for its tenant (<see cref="EnsureTenant"/>) when it is created.
/// </summary>
public sealed partial class TenantBootstrap(
    TokenFile tokens,
    Tenancy.KnownTenants known,
    ResourceService resources,
    IGrainFactory grains,
    ClusterNetwork network,
    ApiAdvertisement api,
    ILogger<TenantBootstrap> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await EnsureTenants();
        tokens.Reloaded += OnTokensReloaded;
    }

    // Off the request that noticed the change; each step is idempotent, so a second reload meanwhile does no harm.
    private void OnTokensReloaded() => _ = Task.Run(async () =>
    {
        try { await EnsureTenants(); }
        catch (Exception e) { LogReloadFailed(logger, e); }
    });

    private async Task EnsureTenants()
    {
        foreach (var tenant in await known.Active()) await EnsureTenant(tenant);
    }

    /// <summary>Everything a tenant has from its start; idempotent.</summary>
    public async Task EnsureTenant(string tenant)
    {
        await resources.EnsureNamespace(tenant, KubernetesService.Namespace);
        // First: without its roles and bindings the tenant's users may do nothing.
        foreach (var problem in await RbacBootstrap.Ensure(grains, tenant, tokens.Callers.Values)) LogProblem(logger, problem);
        try
        {
            foreach (var problem in await KubernetesService.Ensure(grains, tenant, network, api)) LogProblem(logger, problem);
            if (await LocalPathStorageClass.Ensure(grains, tenant) is { } classProblem) LogProblem(logger, classProblem);
            if (await KubernetesService.AllocateMissing(grains, tenant) is > 0 and var allocated) LogAllocated(logger, allocated, tenant);
        }
        catch (Exception e)
        {
            // The API serves without them; the next start tries again.
            LogFailed(logger, e, tenant);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        tokens.Reloaded -= OnTokensReloaded;
        return Task.CompletedTask;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Gave {Count} Services of tenant {Tenant} stored without them a cluster IP or node ports")]
    private static partial void LogAllocated(ILogger logger, int count, string tenant);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not keep the kubernetes Service of tenant {Tenant}, nor allocate for older Services")]
    private static partial void LogFailed(ILogger logger, Exception exception, string tenant);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not give the tenants of the changed token file their default namespace")]
    private static partial void LogReloadFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not keep {Problem}")]
    private static partial void LogProblem(ILogger logger, string problem);
}
