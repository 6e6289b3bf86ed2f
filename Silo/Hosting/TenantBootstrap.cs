using OrleansOrchestrator.Contracts.Networking;
using OrleansOrchestrator.Silo.Api;
using OrleansOrchestrator.Silo.Api.Auth;

namespace OrleansOrchestrator.Silo.Hosting;

/// <summary>
/// Gives every tenant named in the token file its <c>default</c> namespace, as a new Kubernetes cluster has one, and
/// in it the <c>kubernetes</c> Service that in-cluster clients find the API by (<see cref="KubernetesService"/>).
/// </summary>
public sealed partial class TenantBootstrap(
    TokenFile tokens,
    ResourceService resources,
    IGrainFactory grains,
    ClusterNetwork network,
    ApiAdvertisement api,
    ILogger<TenantBootstrap> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var tenant in tokens.Callers.Values.Select(c => c.Tenant).Distinct())
        {
            await resources.EnsureNamespace(tenant, KubernetesService.Namespace);
            foreach (var problem in await KubernetesService.Ensure(grains, tenant, network, api)) LogProblem(logger, problem);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not keep {Problem}")]
    private static partial void LogProblem(ILogger logger, string problem);
}
