using Orleans.Runtime;
using OrleansOrchestrator.Silo.Storage;
using OrleansOrchestrator.Silo.Tenancy;

namespace OrleansOrchestrator.Silo.Api.Health;

/// <summary>
/// Serves <c>/livez</c>, <c>/readyz</c>, <c>/healthz</c> (and <c>/&lt;endpoint&gt;/&lt;check&gt;</c>) without authentication,
/// as Kubernetes grants them to everyone: the checks run here, with a bound each, and <see cref="HealthReport"/> words
/// the answer.
/// </summary>
public sealed class HealthEndpoints(
    IGrainFactory grains, ISiloStatusOracle membership, StorageBackend backend, KnownTenants tenants, IHostApplicationLifetime lifetime)
{
    /// <summary>A check that has not answered by then has failed: a load balancer's probe must not hang.</summary>
    private static readonly TimeSpan CheckTimeout = TimeSpan.FromSeconds(5);

    public static bool Handles(string path) => HealthReport.Parse(path, []) is not null;

    public async Task Serve(HttpContext context)
    {
        var request = HealthReport.Parse(context.Request.Path.Value ?? "/", context.Request.Query)!;
        context.Response.Headers.CacheControl = "no-cache, private";
        context.Response.Headers.XContentTypeOptions = "nosniff";
        context.Response.ContentType = "text/plain; charset=utf-8";
        if (!HealthReport.Known(request))
        {
            context.Response.StatusCode = 404;
            await context.Response.WriteAsync("404 page not found\n", context.RequestAborted);
            return;
        }
        var checks = HealthReport.ChecksToRun(request);
        var results = await Task.WhenAll(checks.Select(Run));
        var (code, body) = HealthReport.Render(request, checks.Zip(results).ToDictionary(p => p.First, p => p.Second, StringComparer.Ordinal));
        context.Response.StatusCode = code;
        await context.Response.WriteAsync(body, context.RequestAborted);
    }

    private async Task<bool> Run(string check)
    {
        try
        {
            return await Probe(check).WaitAsync(CheckTimeout);
        }
        catch (Exception)
        {
            // Any failure is a failed check; its reason is withheld from the answer.
            return false;
        }
    }

    private async Task<bool> Probe(string check)
    {
        switch (check)
        {
            case HealthCheckNames.Ping:
                return true;
            case HealthCheckNames.GrainRuntime:
                await grains.GetGrain<IRuntimePing>(0).Ping();
                return true;
            case HealthCheckNames.Store:
                await using (var connection = await backend.DataSource.OpenConnectionAsync())
                await using (var command = connection.CreateCommand())
                {
                    command.CommandText = "SELECT 1 FROM OrleansStorage LIMIT 1";
                    await command.ExecuteScalarAsync();
                }
                return true;
            case HealthCheckNames.Membership:
                return membership.CurrentStatus == SiloStatus.Active;
            case HealthCheckNames.InformerSync:
                await tenants.All();
                return true;
            case HealthCheckNames.Shutdown:
                return !lifetime.ApplicationStopping.IsCancellationRequested;
            default:
                return false;
        }
    }
}
