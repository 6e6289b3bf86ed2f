using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Contracts.Selection;
using OrleansOrchestrator.Contracts.Store;
using OrleansOrchestrator.Silo.Kinds;
using OrleansOrchestrator.Silo.Api.Auth;
using OrleansOrchestrator.Silo.Controllers.NodeLifecycle;

namespace OrleansOrchestrator.Silo.Controllers;

/// <summary>
/// Starts the cluster-wide loops and, at start-up, every half minute and as soon as another silo is declared dead,
/// wakes the loop of every workload in every tenant. Wakes normally come from the store as objects change; this is
/// what makes the loops resume after a restart (nothing changed, yet there is work left), what repairs a lost wake,
/// and what starts again at once the loops a dead silo was running — the node lifecycle among them, whose grace
/// period would otherwise wait for the next sweep (nothing else calls it when the dead silo held every node), and
/// which is told of the loss so that it lists the nodes at once (the dead silo's unsent heartbeats may have been the
/// only news of a node that registered just before).
/// </summary>
public sealed partial class ControllerSweep(
    IGrainFactory grains, Tenancy.KnownTenants tenants, IClusterMembershipService membership, ILogger<ControllerSweep> logger) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(30);

    /// <summary>Completed when a silo is newly declared dead; replaced by each sweep that it starts.</summary>
    private volatile TaskCompletionSource _siloLost = NewSignal();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        _ = WatchForLostSilos(stoppingToken);
        var siloLost = false;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var lifecycle = grains.GetGrain<INodeLifecycle>(NodeLifecycleGrain.Key);
                await (siloLost ? lifecycle.SiloLost() : lifecycle.Start());
                foreach (var tenant in await tenants.All()) await WakeTenant(tenant);
                // A Tenant being deleted when the silo stopped resumes its deletion.
                foreach (var tenant in await tenants.Objects()) grains.GetGrain<Tenancy.ITenantLifecycle>(tenant.Metadata.Name!).Wake().Ignore();
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogSweepFailed(logger, e);
            }
            await Task.WhenAny(Task.Delay(Interval, stoppingToken), _siloLost.Task).ContinueWith(_ => { }, TaskScheduler.Default);
            siloLost = _siloLost.Task.IsCompleted;
            if (siloLost) _siloLost = NewSignal();
        }
    }

    private async Task WatchForLostSilos(CancellationToken stoppingToken)
    {
        var deaths = new SiloDeaths();
        try
        {
            await foreach (var snapshot in membership.MembershipUpdates.WithCancellation(stoppingToken))
                if (deaths.Newly(snapshot.Members.Values.Where(m => m.Status == SiloStatus.Dead).Select(m => m.SiloAddress)))
                {
                    LogSiloLost(logger);
                    _siloLost.TrySetResult();
                }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            // Only the prompt sweep is lost: the half-minute one goes on.
            LogMembershipWatchFailed(logger, e);
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private async Task WakeTenant(string tenant)
    {
        var store = new StoreClient(grains, tenant, SystemActors.Bootstrap);
        grains.GetGrain<Volumes.IVolumeController>(tenant).Wake().Ignore();
        foreach (var ns in (await store.List<Namespace>("")).Select(n => n.Metadata.Name!))
        {
            foreach (var strategy in KindRegistry.All.Where(s => s.Controller is not null && s.Kind.Namespaced))
                foreach (var obj in await store.List(strategy.Kind, ns))
                    ((IReconciler)grains.GetGrain(strategy.Controller!, StoreKeys.Object(tenant, strategy.Kind, ns, obj.Metadata.Name!))).Wake().Ignore();
            var unbound = await store.List<Pod>(ns, new ObjectFilter([], [new FieldRequirement("spec.nodeName", false, "")]));
            if (unbound.Count > 0) grains.GetGrain<IScheduler>(StoreKeys.Collection(tenant, ResourceKinds.Pod, ns)).Wake().Ignore();
            grains.GetGrain<IGarbageCollector>($"{tenant}/{ns}").Wake().Ignore();
            grains.GetGrain<Endpoints.IEndpointsController>(Endpoints.EndpointsWakes.Key(tenant, ns)).Wake().Ignore();
            grains.GetGrain<ServiceAccounts.IServiceAccountsController>(Endpoints.EndpointsWakes.Key(tenant, ns)).Wake().Ignore();
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "A silo was declared dead: sweeping now, so that the loops it ran resume")]
    private static partial void LogSiloLost(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Watching the cluster's membership failed; lost silos' loops resume at the next sweep")]
    private static partial void LogMembershipWatchFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The controller sweep failed; retrying")]
    private static partial void LogSweepFailed(ILogger logger, Exception exception);
}

/// <summary>
/// Tells, from the dead silos of successive membership snapshots, whether one died since the last: the first
/// snapshot only records those already dead (a cluster keeps its past deaths in its table), which are no news.
/// </summary>
public sealed class SiloDeaths
{
    private readonly HashSet<SiloAddress> _known = [];
    private bool _seenFirst;

    public bool Newly(IEnumerable<SiloAddress> dead)
    {
        var added = false;
        foreach (var silo in dead) added |= _known.Add(silo);
        var news = added && _seenFirst;
        _seenFirst = true;
        return news;
    }
}
