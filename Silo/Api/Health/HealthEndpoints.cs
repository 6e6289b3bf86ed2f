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

    // The checks that cost a call or a connection run once at a time and answer everyone asking meanwhile (SharedCheck);
    // the others read a value and stay immediate, so that readyz fails the moment shutdown begins.
    private readonly SharedCheck _grainRuntime = new(_ => grains.GetGrain<IRuntimePing>(0).Ping(), CheckTimeout, TimeProvider.System);
    private readonly SharedCheck _informerSync = new(_ => tenants.All(), CheckTimeout, TimeProvider.System);
    private readonly SharedCheck _store = new(cancellationToken => ProbeStore(backend, cancellationToken), CheckTimeout, TimeProvider.System);

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

    private Task<bool> Run(string check) => check switch
    {
        HealthCheckNames.Ping => Task.FromResult(true),
        HealthCheckNames.GrainRuntime => _grainRuntime.Run(),
        HealthCheckNames.Store => _store.Run(),
        HealthCheckNames.Membership => Task.FromResult(membership.CurrentStatus == SiloStatus.Active),
        HealthCheckNames.InformerSync => _informerSync.Run(),
        HealthCheckNames.Shutdown => Task.FromResult(!lifetime.ApplicationStopping.IsCancellationRequested),
        _ => Task.FromResult(false),
    };

    /// <summary>The store answers a query: the timeout's token cancels the connection's opening and the query themselves.</summary>
    private static async Task ProbeStore(StorageBackend backend, CancellationToken cancellationToken)
    {
        await using var connection = await backend.DataSource.OpenConnectionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT 1 FROM OrleansStorage LIMIT 1";
        await command.ExecuteScalarAsync(cancellationToken);
    }
}
