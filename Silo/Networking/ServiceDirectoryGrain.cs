using Orleans.Concurrency;
using Orleans.Utilities;
using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Contracts.Networking;
using OrleansOrchestrator.Silo.Api.Auth;
using OrleansOrchestrator.Silo.Controllers;
using OrleansOrchestrator.Silo.Controllers.Endpoints;

namespace OrleansOrchestrator.Silo.Networking;

/// <summary>
/// Every Service route of the cluster, in memory, pushed to the subscribed node agents. Versioned within an
/// epoch (one per activation): an agent that sees a version gap, or another epoch, takes a snapshot. After
/// activation it asks every namespace's endpoints controller to publish its routes again, and only when all
/// have done so does it call itself complete — until then an agent must not remove rules for routes it lacks.
/// </summary>
/// <remarks>
/// Reentrant: while it waits for the controllers' republishing, their <see cref="Publish"/> calls must come
/// in. Every method changes the state without awaiting in between, so interleaving cannot tear it.
/// </remarks>
[Reentrant]
public sealed partial class ServiceDirectoryGrain(ClusterNetwork network, Tenancy.KnownTenants tenants, ILogger<ServiceDirectoryGrain> logger) : Grain, IServiceDirectoryGrain
{
    /// <summary>How long a subscription lasts without renewal (agents renew more often than every minute).</summary>
    private static readonly TimeSpan SubscriptionExpiry = TimeSpan.FromMinutes(2);

    private static readonly TimeSpan RebuildRetry = TimeSpan.FromSeconds(1);

    /// <summary>How many namespaces republish at once during the rebuild.</summary>
    private const int RebuildParallelism = 16;

    private readonly ObserverManager<IServiceDirectoryObserver> _observers = new(SubscriptionExpiry, logger);
    private readonly Dictionary<string, ServiceRoute> _routes = new(StringComparer.Ordinal);
    private readonly Guid _epoch = Guid.NewGuid();
    private long _version;
    private bool _complete;
    private IGrainTimer? _rebuild;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        ScheduleRebuild(TimeSpan.Zero);
        return base.OnActivateAsync(cancellationToken);
    }

    public Task<ServiceDirectorySnapshot> Snapshot() => Task.FromResult(new ServiceDirectorySnapshot
    {
        Epoch = _epoch,
        Version = _version,
        Network = network,
        Routes = _routes.Values.ToList(),
        Complete = _complete,
    });

    public Task Publish(ServiceRoute route)
    {
        _routes[route.Key] = route;
        Changed([route], []);
        return Task.CompletedTask;
    }

    public Task Withdraw(string key)
    {
        if (_routes.Remove(key)) Changed([], [key]);
        return Task.CompletedTask;
    }

    public Task Subscribe(IServiceDirectoryObserver observer)
    {
        _observers.Subscribe(observer, observer);
        return Task.CompletedTask;
    }

    public Task Unsubscribe(IServiceDirectoryObserver observer)
    {
        _observers.Unsubscribe(observer);
        return Task.CompletedTask;
    }

    private void Changed(IReadOnlyList<ServiceRoute> changed, IReadOnlyList<string> removed)
    {
        var version = ++_version;
        _observers.Notify(o => o.RoutesChanged(_epoch, version, changed, removed));
    }

    private void ScheduleRebuild(TimeSpan due)
    {
        _rebuild?.Dispose();
        _rebuild = this.RegisterGrainTimer(_ => Rebuild(), new GrainTimerCreationOptions { DueTime = due, Period = Timeout.InfiniteTimeSpan, Interleave = true });
    }

    /// <summary>Has every namespace of every tenant publish its routes; then the directory is complete.</summary>
    private async Task Rebuild()
    {
        try
        {
            var namespaces = new List<string>();
            foreach (var tenant in await tenants.All())
            {
                var store = new StoreClient(GrainFactory, tenant, SystemActors.Endpoints);
                namespaces.AddRange((await store.List<Namespace>("")).Select(n => EndpointsWakes.Key(tenant, n.Metadata.Name!)));
            }
            foreach (var batch in namespaces.Chunk(RebuildParallelism))
                await Task.WhenAll(batch.Select(key => GrainFactory.GetGrain<IEndpointsController>(key).Republish()));
            _complete = true;
            // An empty change marks completion: an agent holding an incomplete snapshot takes a new one.
            Changed([], []);
            LogComplete(logger, _epoch, _routes.Count, namespaces.Count);
        }
        catch (Exception e)
        {
            LogRebuildFailed(logger, e);
            ScheduleRebuild(RebuildRetry);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Service directory {Epoch} complete: {Routes} routes from {Namespaces} namespaces")]
    private static partial void LogComplete(ILogger logger, Guid epoch, int routes, int namespaces);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The service directory could not be rebuilt from the store; retrying")]
    private static partial void LogRebuildFailed(ILogger logger, Exception exception);
}
