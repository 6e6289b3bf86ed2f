using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Contracts.Store;
using OrleansOrchestrator.Silo.Controllers.Events;
using OrleansOrchestrator.Silo.Store;

namespace OrleansOrchestrator.Silo.Controllers.CronJobs;

/// <summary>
/// Starts the Jobs of one CronJob on its schedule (<see cref="CronJobPlanner"/> decides): replaces or skips runs as its
/// concurrency policy says, removes finished Jobs beyond its history limits, keeps its status, and looks again just
/// after the next scheduled time. After a restart the controller sweep wakes it, and a missed run is handled then.
/// </summary>
public sealed class CronJobControllerGrain(TimeProvider clock, ILogger<CronJobControllerGrain> logger)
    : ReconcilerGrain(logger), ICronJobController
{
    private const string Component = "cronjob-controller";

    /// <summary>How soon to try again after a create that failed for a reason other than the Job existing.</summary>
    private static readonly TimeSpan Retry = TimeSpan.FromSeconds(5);

    protected override async Task<TimeSpan?> Reconcile()
    {
        var (tenant, _, ns, name) = StoreKeys.ParseObject(this.GetPrimaryKeyString());
        var store = new StoreClient(GrainFactory, tenant, SystemActors.CronJobs);
        if (await store.Get<CronJob>(ns, name) is not { } cronJob) return null;
        var events = new EventRecorder(store, Component, clock);

        var plan = CronJobPlanner.Plan(cronJob, await ControlledJobs(store, cronJob), clock.GetUtcNow());
        foreach (var e in plan.Events) await events.Record(cronJob, e.Type, e.Reason, e.Message);
        var status = plan.Status;
        var again = plan.RequeueAfter;

        var replaced = true;
        foreach (var job in plan.Replace)
        {
            if (await DeleteJob(store, events, cronJob, job)) status = CronJobPlanner.Deleted(status, job);
            else replaced = false;
        }
        if (plan is { Create: { } run, ScheduledTime: { } scheduledTime })
        {
            if (!replaced) again = Retry; // as Kubernetes: no new run while the one it replaces is still there
            else
            {
                var (started, failed) = await Start(store, events, cronJob, run);
                if (started is not null) status = CronJobPlanner.Started(status, started, scheduledTime);
                if (failed) again = Retry;
            }
        }
        foreach (var job in plan.Prune)
            if (await DeleteJob(store, events, cronJob, job)) status = CronJobPlanner.Deleted(status, job);

        if (!ObjectSemantics.SameJson(cronJob.Status, status))
            await store.UpdateStatus(cronJob with { Status = status, Metadata = cronJob.Metadata with { ResourceVersion = null } });
        return again;
    }

    /// <summary>The Jobs this CronJob controls, from the collection's index by controller.</summary>
    private static async Task<IReadOnlyList<Job>> ControlledJobs(StoreClient store, CronJob cronJob)
    {
        var collection = store.Grains.GetGrain<IClaimCandidates>(StoreKeys.Collection(store.Tenant, ResourceKinds.Job, cronJob.Metadata.Namespace ?? ""));
        var candidates = await collection.ClaimCandidates(cronJob.Metadata.Uid ?? "", []);
        return candidates.OfType<Job>().Where(j => OwnerReferences.IsControlledBy(j, cronJob)).ToList();
    }

    /// <summary>
    /// Creates the run's Job. One that exists already (the name is the scheduled minute) is the same run, started by
    /// an earlier pass whose status write was lost — unless something else controls it; then this run is not ours.
    /// </summary>
    private static async Task<(Job? Started, bool Failed)> Start(StoreClient store, EventRecorder events, CronJob cronJob, Job run)
    {
        var result = await store.TryCreate(run);
        if (result.Object is Job created)
        {
            await events.Normal(cronJob, "SuccessfulCreate", $"Created job {created.Metadata.Name}");
            return (created, false);
        }
        if (result.Error is { Code: 409 } && await store.Get<Job>(run.Metadata.Namespace ?? "", run.Metadata.Name!) is { } existing)
            return (OwnerReferences.IsControlledBy(existing, cronJob) ? existing : null, false);
        await events.Warning(cronJob, "FailedCreate", $"Error creating job: {result.Error?.Message}");
        return (null, true);
    }

    /// <summary>Deletes a Job and its pods (background propagation, as Kubernetes' CronJob controller).</summary>
    private static async Task<bool> DeleteJob(StoreClient store, EventRecorder events, CronJob cronJob, Job job)
    {
        if (!await store.Delete(job, PropagationPolicy.Background)) return await store.Get<Job>(job.Metadata.Namespace ?? "", job.Metadata.Name!) is null;
        await events.Normal(cronJob, "SuccessfulDelete", $"Deleted job {job.Metadata.Name}");
        return true;
    }
}
