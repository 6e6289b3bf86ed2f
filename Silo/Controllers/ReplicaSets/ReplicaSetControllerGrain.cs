using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Contracts.Store;
using OrleansOrchestrator.Silo.Controllers.Events;

namespace OrleansOrchestrator.Silo.Controllers.ReplicaSets;

/// <summary>
/// Keeps the number of active pods a ReplicaSet controls at its <c>replicas</c>: adopts matching orphans,
/// releases pods that stopped matching, replaces pods that were deleted or failed, prefers removing
/// unscheduled, not-ready and newer pods when scaling down, and reports status.
/// </summary>
public sealed class ReplicaSetControllerGrain(TimeProvider clock, ILogger<ReplicaSetControllerGrain> logger)
    : ReconcilerGrain(logger), IReplicaSetController
{
    /// <summary>Pods created or deleted per pass at most (Kubernetes' burst), so a pass stays short.</summary>
    private const int Burst = 500;

    /// <summary>Creates refused (a quota, a LimitRange) in passes in a row wait longer each time before trying again.</summary>
    private readonly CreateBackoff _createBackoff = new();

    protected override async Task<TimeSpan?> Reconcile()
    {
        var (tenant, _, ns, name) = StoreKeys.ParseObject(this.GetPrimaryKeyString());
        var store = new StoreClient(GrainFactory, tenant, SystemActors.ReplicaSets);
        var events = new EventRecorder(store, "replicaset-controller", clock);
        if (await store.Get<ReplicaSet>(ns, name) is not { } rs || rs.Metadata.DeletionTimestamp is not null) return null;

        var owned = await Ownership.Claim<Pod>(store, rs, rs.Spec.Selector);

        var active = owned.Where(PodConditions.IsActive).ToList();
        var want = rs.Spec.Replicas ?? 1;
        var diff = active.Count - want;
        var refused = false;
        if (diff < 0)
        {
            // Concurrently, in slow-start batches as Kubernetes does: one pod after another made a ReplicaSet of a
            // hundred take a hundred round trips to the store.
            await SlowStart.Run(Math.Min(-diff, Burst), async _ =>
            {
                var result = await store.TryCreate(PodFromTemplate(rs));
                if (result.Object is not { } created)
                {
                    // As Kubernetes' controller does: the refusal (a quota's "exceeded quota: …") is an Event on the ReplicaSet.
                    if (result.Error is { Code: not 409 } error)
                    {
                        refused = true;
                        await events.Warning(rs, "FailedCreate", $"Error creating: {error.Message}");
                    }
                    return false;
                }
                await events.Normal(rs, "SuccessfulCreate", $"Created pod: {created.Metadata.Name}");
                return true;
            });
        }
        else if (diff > 0)
        {
            await Task.WhenAll(DeletionOrder(active).Take(Math.Min(diff, Burst)).Select(async victim =>
            {
                if (await store.Delete(victim))
                    await events.Normal(rs, "SuccessfulDelete", $"Deleted pod: {victim.Metadata.Name}");
            }));
        }

        var now = clock.GetUtcNow();
        var minReady = rs.Spec.MinReadySeconds ?? 0;
        var status = new ReplicaSetStatus
        {
            Replicas = active.Count,
            FullyLabeledReplicas = active.Count(p => rs.Spec.Template?.Metadata?.Labels?.All(l => p.Metadata.Labels?.GetValueOrDefault(l.Key) == l.Value) != false),
            ReadyReplicas = active.Count(PodConditions.IsReady),
            AvailableReplicas = active.Count(p => PodConditions.IsAvailable(p, minReady, now)),
            ObservedGeneration = rs.Metadata.Generation,
        };
        if (!Store.ObjectSemantics.SameContent(rs, rs with { Status = status }))
            await store.UpdateStatus(rs with { Status = status, Metadata = rs.Metadata with { ResourceVersion = null } });

        if (_createBackoff.After(refused) is { } wait) return wait;
        // Pods ready but not yet available: look again when the first of them will be.
        return status.ReadyReplicas > status.AvailableReplicas ? TimeSpan.FromSeconds(Math.Min(minReady, 5)) : diff != 0 ? TimeSpan.FromSeconds(1) : null;
    }

    /// <summary>Kubernetes' preference when scaling down: unscheduled, then pending, then not ready, then the newest.</summary>
    public static IEnumerable<Pod> DeletionOrder(IEnumerable<Pod> pods) =>
        pods.OrderBy(p => string.IsNullOrEmpty(p.Spec.NodeName) ? 0 : 1)
            .ThenBy(p => p.Status?.Phase switch { "Pending" or null => 0, "Unknown" => 1, _ => 2 })
            .ThenBy(p => PodConditions.IsReady(p) ? 1 : 0)
            .ThenByDescending(p => p.Metadata.CreationTimestamp ?? DateTimeOffset.MinValue)
            .ThenBy(p => p.Metadata.Name, StringComparer.Ordinal);

    private static Pod PodFromTemplate(ReplicaSet rs)
    {
        var template = rs.Spec.Template ?? new PodTemplateSpec();
        var pod = new Pod
        {
            Metadata = new ObjectMeta
            {
                Name = $"{rs.Metadata.Name}-{Names.RandomSuffix()}",
                Namespace = rs.Metadata.Namespace,
                Labels = template.Metadata?.Labels,
                Annotations = template.Metadata?.Annotations,
            },
            Spec = template.Spec,
        };
        return OwnerReferences.WithControllerRef(pod, rs);
    }
}
