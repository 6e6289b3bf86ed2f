using OrleansOrchestrator.Silo.Api;
using OrleansOrchestrator.Silo.Api.Auth;

namespace OrleansOrchestrator.Silo.Hosting;

/// <summary>Gives every tenant named in the token file its <c>default</c> namespace, as a new Kubernetes cluster has one.</summary>
public sealed class TenantBootstrap(TokenFile tokens, ResourceService resources) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var tenant in tokens.Callers.Values.Select(c => c.Tenant).Distinct())
            await resources.EnsureNamespace(tenant, "default");
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
