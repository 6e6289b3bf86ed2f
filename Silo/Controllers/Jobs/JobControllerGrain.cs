using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Contracts.Selection;
using OrleansOrchestrator.Contracts.Store;
using OrleansOrchestrator.Silo.Controllers.Events;
using OrleansOrchestrator.Silo.Kinds.Jobs;

namespace OrleansOrchestrator.Silo.Controllers.Jobs;

/// <summary>
/// Runs one Job's pods (key: the Job's store key) as <see cref="JobPlanner"/> decides: writes the status that records
/// finished pods first, then creates, deletes and releases pods, then the status that counts them; deletes the job when
/// its <c>ttlSecondsAfterFinished</c> is over; releases the pods of a job that is gone or was replaced under its name.
/// </summary>
public sealed class JobControllerGrain(TimeProvider clock, ILogger<JobControllerGrain> logger)
    : ReconcilerGrain(logger), IJobController
{
    /// <summary>Creates refused (a quota, a LimitRange) in passes in a row wait longer each time before trying again.</summary>
    private readonly CreateBackoff _createBackoff = new();

    protected override async Task<TimeSpan?> Reconcile()
    {
        var (tenant, _, ns, name) = StoreKeys.ParseObject(this.GetPrimaryKeyString());
        var store = new StoreClient(GrainFactory, tenant, SystemActors.Jobs);
        var job = await store.Get<Job>(ns, name);
        await ReleaseOrphans(store, ns, name, job?.Metadata.Uid);
        if (job is null) return null;

        var now = clock.GetUtcNow();
        if (job.Metadata.DeletionTimestamp is null && JobPlanner.TtlLeft(job, now) == TimeSpan.Zero)
        {
            // Foreground, as Kubernetes' TTL-after-finished controller deletes: the job goes after its pods.
            await store.Delete(job, PropagationPolicy.Foreground);
            return null;
        }

        var events = new EventRecorder(store, "job-controller", clock);
        var pods = await Ownership.Claim<Pod>(store, job, job.Spec.Selector);
        var pass = JobPlanner.Plan(job, pods, now);

        // Status writes are conditional on the version this pass read, so a pass never overwrites a status it did not see
        // (a write that loses the race is retried by the next pass, which reads again).
        var written = job.Status ?? new JobStatus();
        var current = job;
        if (!Store.ObjectSemantics.SameJson(written, pass.Status))
        {
            if (await store.UpdateStatus(job with { Status = pass.Status }) is not { } updated)
                return TimeSpan.FromSeconds(1);
            current = updated;
            written = pass.Status;
        }

        // Finished pods first (their end is recorded), then the pods this pass stops or starts.
        var released = await Task.WhenAll(pass.ReleaseFinalizers.Select(async pod => (Uid: pod.Metadata.Uid!, Done: await Release(store, pod))));
        var stillHeld = pods.Where(JobPods.HasTrackingFinalizer).Select(p => p.Metadata.Uid!).ToHashSet();
        stillHeld.ExceptWith(released.Where(r => r.Done).Select(r => r.Uid));

        var failedWrites = 0;
        await Task.WhenAll(pass.Delete.Select(async pod =>
        {
            if (!await DeletePod(store, events, job, pod)) Interlocked.Increment(ref failedWrites);
        }));
        await Task.WhenAll(pass.DeleteUncounted.Select(async pod =>
        {
            if (await Release(store, pod)) stillHeld.Remove(pod.Metadata.Uid!);
            if (!await DeletePod(store, events, job, pod)) Interlocked.Increment(ref failedWrites);
        }));
        var refused = false;
        var created = await SlowStart.Run(pass.Create.Count, async i =>
        {
            var result = await store.TryCreate(JobPods.New(job, pass.Create[i]));
            if (result.Object is not Pod pod)
            {
                // As the ReplicaSet controller: the refusal (a quota's "exceeded quota: …") is an Event on the Job.
                if (result.Error is { Code: not 409 } error)
                {
                    refused = true;
                    await events.Warning(job, "FailedCreate", $"Error creating: {error.Message}");
                }
                return false;
            }
            await events.Normal(job, "SuccessfulCreate", $"Created pod: {pod.Metadata.Name}");
            return true;
        });

        var (settled, finished) = JobPlanner.Settle(written, pass, stillHeld, clock.GetUtcNow());
        // Pods not created or not deleted are not active or gone: the next pass sees how things are.
        var missed = pass.Create.Count - created + failedWrites;
        if (missed > 0) settled = settled with { Active = (settled.Active ?? 0) - (pass.Create.Count - created) };
        if (!Store.ObjectSemantics.SameJson(written, settled) && await store.UpdateStatus(current with { Status = settled }) is null)
            return TimeSpan.FromSeconds(1);

        foreach (var (type, reason, message) in pass.Events) await events.Record(job, type, reason, message);
        if (finished is not null)
        {
            if (finished.Type == "Complete") await events.Normal(job, "Completed", "Job completed");
            else await events.Warning(job, finished.Reason ?? "Failed", finished.Message ?? "");
        }

        TimeSpan? again = pass.LookAgainIn;
        if (finished is not null) again = JobPlanner.TtlLeft(job with { Status = settled }, clock.GetUtcNow());
        // Work left undone (a write lost a race, more finished pods than one pass records): soon again.
        // Refused creates back off instead, so that a namespace at its quota is not asked once a second.
        var createBackoff = _createBackoff.After(refused);
        if (missed > 0 && createBackoff is null || pass.ReachedMaxUncounted || released.Any(r => !r.Done)) again = Earlier(again, TimeSpan.FromSeconds(1));
        else if (createBackoff is { } wait) again = Earlier(again, wait);
        return again;
    }

    /// <summary>Removes the tracking finalizer; true when the pod no longer holds it (or is gone).</summary>
    private static async Task<bool> Release(StoreClient store, Pod pod)
    {
        for (var attempt = 0; attempt < 3; attempt++)
        {
            if (!JobPods.HasTrackingFinalizer(pod)) return true;
            if (await store.Update(JobPods.WithoutTrackingFinalizer(pod)) is not null) return true;
            // Lost a race with the pod's agent (a status write): read it again.
            if (await store.Get<Pod>(pod.Metadata.Namespace ?? "", pod.Metadata.Name!) is not { } fresh || fresh.Metadata.Uid != pod.Metadata.Uid) return true;
            pod = fresh;
        }
        return false;
    }

    private static async Task<bool> DeletePod(StoreClient store, EventRecorder events, Job job, Pod pod)
    {
        if (!await store.Delete(pod)) return false;
        await events.Normal(job, "SuccessfulDelete", $"Deleted pod: {pod.Metadata.Name}");
        return true;
    }

    /// <summary>
    /// Pods still holding the finalizer of a job that is gone (its pods are being collected) or was deleted and created
    /// again under the same name: nothing will count them, so they are released (Kubernetes' orphan pod handling).
    /// </summary>
    private static async Task ReleaseOrphans(StoreClient store, string ns, string name, string? currentUid)
    {
        var requirements = new List<LabelRequirement> { new(JobStrategy.JobNameLabel, LabelOperator.Equals, [name]) };
        if (currentUid is not null) requirements.Add(new(JobStrategy.ControllerUidLabel, LabelOperator.NotEquals, [currentUid]));
        var orphans = (await store.List<Pod>(ns, new ObjectFilter(requirements, [])))
            .Where(p => JobPods.HasTrackingFinalizer(p) && (currentUid is null || ChangeRouter.ControllerOf(p)?.Uid != currentUid));
        await Task.WhenAll(orphans.Select(p => Release(store, p)));
    }

    private static TimeSpan Earlier(TimeSpan? a, TimeSpan b) => a is { } x && x < b ? x : b;
}
