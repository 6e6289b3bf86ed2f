using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Contracts.Store;
using OrleansOrchestrator.Silo.Controllers.Events;
using OrleansOrchestrator.Silo.Controllers.Revisions;

namespace OrleansOrchestrator.Silo.Controllers.DaemonSets;

/// <summary>
/// Keeps a DaemonSet's pods, one step per pass of <see cref="DaemonSetPlanner"/>: its template's revision as a
/// ControllerRevision (what <c>kubectl rollout history/undo</c> read), the pods to create and delete, and the status
/// <c>kubectl rollout status</c> reads. The nodes come from <see cref="IDaemonSetNodes"/>, which also wakes this loop
/// when they change; the DaemonSet's own pods wake it as they change.
/// </summary>
public sealed class DaemonSetControllerGrain(TimeProvider clock, ILogger<DaemonSetControllerGrain> logger)
    : ReconcilerGrain(logger), IDaemonSetController
{
    private const string Component = "daemonset-controller";

    /// <summary>Pods created or deleted per pass at most (Kubernetes' <c>BurstReplicas</c>), so a pass stays short.</summary>
    private const int Burst = 250;

    private readonly FailedPodBackoff _backoff = new();

    /// <summary>Creates refused (a quota, a LimitRange) in passes in a row wait longer each time before trying again.</summary>
    private readonly CreateBackoff _createBackoff = new();

    protected override async Task<TimeSpan?> Reconcile()
    {
        var key = this.GetPrimaryKeyString();
        var (tenant, _, ns, name) = StoreKeys.ParseObject(key);
        var nodeSource = GrainFactory.GetGrain<IDaemonSetNodes>(IDaemonSetNodes.Key);
        var store = new StoreClient(GrainFactory, tenant, SystemActors.DaemonSets);
        if (await store.Get<DaemonSet>(ns, name) is not { } ds)
        {
            nodeSource.Unfollow(key).Ignore();
            return null;
        }
        // Being deleted: its pods and revisions are the garbage collector's now (Kubernetes does not sync it either).
        if (ds.Metadata.DeletionTimestamp is not null) return null;
        nodeSource.Follow(key).Ignore();

        var events = new EventRecorder(store, Component, clock);
        var pods = await Ownership.Claim<Pod>(store, ds, ds.Spec.Selector);
        var inUse = pods.Select(p => p.Metadata.Labels?.GetValueOrDefault(ControllerRevisions.HashLabel)).OfType<string>();
        if (await ControllerRevisions.Sync(store, ds, ds.Spec.Selector, ds.Spec.Template, ds.Status?.CollisionCount,
                currentRevisionName: null, ds.Spec.RevisionHistoryLimit ?? 10, inUse) is not { } revisions)
            return TimeSpan.FromMilliseconds(500); // a revision write lost a race: look again
        var hash = revisions.Update.Metadata.Labels?.GetValueOrDefault(ControllerRevisions.HashLabel) ?? revisions.Update.Metadata.Name!;

        var now = clock.GetUtcNow();
        _backoff.Prune(now);
        var input = new DaemonSetPlanInput(ds, hash, await nodeSource.Current(), pods, now, _backoff.Waiting(now));
        var step = DaemonSetPlanner.Plan(input);
        var createBackoff = _createBackoff.After(refused: await Apply(store, events, ds, step, hash, now));

        var status = DaemonSetPlanner.Status(input, revisions.CollisionCount);
        if (!Store.ObjectSemantics.SameContent(ds, ds with { Status = status }))
            await store.UpdateStatus(ds with { Status = status, Metadata = ds.Metadata with { ResourceVersion = null } });

        // Created and deleted pods wake this loop as they change; the second look only repairs a lost write.
        TimeSpan?[] again =
        [
            // Refused creates back off instead, so that a namespace at its quota is not asked once a second.
            step.IsEmpty ? null : createBackoff ?? TimeSpan.FromSeconds(1),
            step.WaitingOnBackoff ? _backoff.NextRetry(now) : null,
            DaemonSetPlanner.NextAvailability(input),
        ];
        return again.Min();
    }

    /// <summary>Carries out the step; true when a create was refused (reported as a FailedCreate Event).</summary>
    private async Task<bool> Apply(StoreClient store, EventRecorder events, DaemonSet ds, DaemonSetStep step, string hash, DateTimeOffset now)
    {
        async Task Delete(Pod pod, long? gracePeriodSeconds = null)
        {
            if (await store.Delete(pod, gracePeriodSeconds: gracePeriodSeconds))
                await events.Normal(ds, "SuccessfulDelete", $"Deleted pod: {pod.Metadata.Name}");
        }

        foreach (var failed in step.DeleteFailed)
        {
            var node = DaemonPods.TargetNode(failed) ?? "";
            _backoff.Failed(node, now);
            await events.Warning(ds, "FailedDaemonPod", $"Found failed daemon pod {failed.Metadata.Namespace}/{failed.Metadata.Name} on node {node}, will try to kill it");
        }
        await Task.WhenAll(step.Delete.Concat(step.DeleteFailed).Take(Burst).Select(p => Delete(p))
            .Concat(step.ForceDelete.Take(Burst).Select(p => Delete(p, gracePeriodSeconds: 0))));

        // Concurrently, in slow-start batches as Kubernetes does: a template the API refuses costs one call, not one per node.
        var nodes = step.CreateOn.Take(Burst).ToList();
        var refused = false;
        await SlowStart.Run(nodes.Count, async i =>
        {
            var result = await store.TryCreate(DaemonPods.NewPod(ds, nodes[i], hash));
            if (result.Object is not { } created)
            {
                // As the ReplicaSet controller: the refusal (a quota's "exceeded quota: …") is an Event on the DaemonSet.
                if (result.Error is { Code: not 409 } error)
                {
                    refused = true;
                    await events.Warning(ds, "FailedCreate", $"Error creating: {error.Message}");
                }
                return false;
            }
            await events.Normal(ds, "SuccessfulCreate", $"Created pod: {created.Metadata.Name}");
            return true;
        });
        return refused;
    }
}
