using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Contracts.Selection;
using OrleansOrchestrator.Contracts.Store;
using OrleansOrchestrator.Silo.Kinds;
using OrleansOrchestrator.Silo.Api.Auth;
using OrleansOrchestrator.Silo.Controllers.NodeLifecycle;

namespace OrleansOrchestrator.Silo.Controllers;

/// <summary>
/// Starts the cluster-wide loops and, at start-up and every half minute, wakes the loop of every workload
/// in every tenant. Wakes normally come from the store as objects change; this is what makes the loops
/// resume after a restart (nothing changed, yet there is work left) and what repairs a lost wake.
/// </summary>
public sealed partial class ControllerSweep(IGrainFactory grains, Tenancy.KnownTenants tenants, ILogger<ControllerSweep> logger) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(30);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await grains.GetGrain<INodeLifecycle>(NodeLifecycleGrain.Key).Start();
                foreach (var tenant in await tenants.All()) await WakeTenant(tenant);
                // A Tenant being deleted when the silo stopped resumes its deletion.
                foreach (var tenant in await tenants.Objects()) grains.GetGrain<Tenancy.ITenantLifecycle>(tenant.Metadata.Name!).Wake().Ignore();
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogSweepFailed(logger, e);
            }
            await Task.Delay(Interval, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

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

    [LoggerMessage(Level = LogLevel.Warning, Message = "The controller sweep failed; retrying")]
    private static partial void LogSweepFailed(ILogger logger, Exception exception);
}
