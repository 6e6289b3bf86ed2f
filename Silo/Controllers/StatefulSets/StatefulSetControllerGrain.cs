using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Contracts.Store;
using OrleansOrchestrator.Silo.Controllers.Events;
using OrleansOrchestrator.Silo.Controllers.Revisions;
using OrleansOrchestrator.Silo.Store;

namespace OrleansOrchestrator.Silo.Controllers.StatefulSets;

/// <summary>Keeps the pods, claims and revisions of one StatefulSet (key: the StatefulSet's store key).</summary>
[Alias("oo.IStatefulSetController")]
public interface IStatefulSetController : IReconciler;

/// <summary>
/// One pass: claims the set's pods, brings its revision history in line with its template
/// (<see cref="ControllerRevisions.Sync"/>), lets <see cref="StatefulSetPlanner"/> decide, carries the writes out
/// (recording Kubernetes' events) and reports status.
/// </summary>
public sealed class StatefulSetControllerGrain(TimeProvider clock, ILogger<StatefulSetControllerGrain> logger)
    : ReconcilerGrain(logger), IStatefulSetController
{
    private const string Component = "statefulset-controller";
    private static readonly Actor Actor = Actor.Controller("statefulset");

    /// <summary>Passes that did not complete (a create refused by a quota) in a row wait longer each time before trying again.</summary>
    private readonly CreateBackoff _createBackoff = new();

    protected override async Task<TimeSpan?> Reconcile()
    {
        var (tenant, _, ns, name) = StoreKeys.ParseObject(this.GetPrimaryKeyString());
        var store = new StoreClient(GrainFactory, tenant, Actor);
        if (await store.Get<StatefulSet>(ns, name) is not { } set || set.Metadata.DeletionTimestamp is not null) return null;
        var events = new EventRecorder(store, Component, clock);

        var pods = await OwnedPods(store, set);
        var revisions = await ControllerRevisions.Sync(store, set, set.Spec.Selector, set.Spec.Template, set.Status?.CollisionCount,
            set.Status?.CurrentRevision, set.Spec.RevisionHistoryLimit ?? 10, pods.Select(StatefulPods.Revision).OfType<string>());
        if (revisions is null) return TimeSpan.FromMilliseconds(500); // a revision write lost a race

        var claims = (set.Spec.VolumeClaimTemplates ?? []).Count == 0
            ? new Dictionary<string, PersistentVolumeClaim>()
            : (await store.List<PersistentVolumeClaim>(ns)).ToDictionary(c => c.Metadata.Name!);
        var step = StatefulSetPlanner.Plan(new StatefulSetInput
        {
            Set = set,
            Pods = pods,
            Claims = claims,
            CurrentRevision = revisions.Current.Metadata.Name!,
            CurrentTemplate = ControllerRevisions.TemplateOf(revisions.Current),
            UpdateRevision = revisions.Update.Metadata.Name!,
            UpdateTemplate = ControllerRevisions.TemplateOf(revisions.Update),
            CollisionCount = revisions.CollisionCount,
            Now = clock.GetUtcNow(),
        });

        var completed = await Execute(store, events, set, step);
        if (!ObjectSemantics.SameContent(set, set with { Status = step.Status }))
            await store.UpdateStatus(set with { Status = step.Status, Metadata = set.Metadata with { ResourceVersion = null } });

        // Writes made: their effects wake this loop; look again anyway in case one was refused, waiting longer after
        // each pass in a row that did not complete, so that a namespace at its quota is not asked once a second.
        return _createBackoff.After(refused: !completed) ?? step.RecheckAfter;
    }

    /// <summary>
    /// The pods the set controls, adopting matching orphans only when their name is one of the set's (Kubernetes'
    /// <c>isMemberOf</c> filter): another pod that happens to match the selector must not be taken, let alone deleted.
    /// </summary>
    private static async Task<List<Pod>> OwnedPods(StoreClient store, StatefulSet set)
    {
        var collection = store.Grains.GetGrain<IClaimCandidates>(StoreKeys.Collection(store.Tenant, ResourceKinds.Pod, set.Metadata.Namespace ?? ""));
        var candidates = (await collection.ClaimCandidates(set.Metadata.Uid ?? "", Contracts.Selection.SelectorParser.FromLabelSelector(set.Spec.Selector)))
            .OfType<Pod>()
            .Where(p => OwnerReferences.IsControlledBy(p, set) || StatefulPods.IsMemberOf(set, p));
        return await Ownership.Claim(store, set, set.Spec.Selector, candidates);
    }

    /// <summary>Carries the step out: ordered sets one write after another, Parallel ones a phase at a time in slow-start batches; false when a write failed.</summary>
    private static async Task<bool> Execute(StoreClient store, EventRecorder events, StatefulSet set, StatefulSetStep step)
    {
        foreach (var phase in step.Phases.Where(p => p.Count > 0))
        {
            if (step.Burst)
            {
                if (await SlowStart.Run(phase.Count, i => Apply(store, events, set, phase[i])) < phase.Count) return false;
            }
            else
            {
                foreach (var action in phase)
                    if (!await Apply(store, events, set, action)) return false;
            }
        }
        return true;
    }

    private static async Task<bool> Apply(StoreClient store, EventRecorder events, StatefulSet set, StatefulAction action)
    {
        switch (action)
        {
            case CreatePod create:
                return await CreateClaims(store, events, set, create.Pod, create.Claims)
                       && await Write(await store.Object(ResourceKinds.Pod, create.Pod.Metadata.Namespace ?? "", create.Pod.Metadata.Name!).Create(create.Pod, Actor),
                           events, set, "create", $"Pod {create.Pod.Metadata.Name}");
            case CreateClaims claims:
                return await CreateClaims(store, events, set, claims.Pod, claims.Claims);
            case DeletePod delete:
                var deleted = await store.Object(ResourceKinds.Pod, delete.Pod.Metadata.Namespace ?? "", delete.Pod.Metadata.Name!)
                    .Delete(new DeleteOptions { PreconditionUid = delete.Pod.Metadata.Uid }, Actor);
                return await Write(deleted, events, set, "delete", $"Pod {delete.Pod.Metadata.Name}");
            case UpdatePod update:
                return await store.Update(update.Pod) is not null;
            case UpdateClaim claim:
                return await store.Update(claim.Claim) is not null;
            default:
                throw new InvalidOperationException($"Unknown action {action.GetType().Name}");
        }
    }

    /// <summary>Creates the claims a pod lacks; one that appeared meanwhile (an earlier pass, a user) is as good.</summary>
    private static async Task<bool> CreateClaims(StoreClient store, EventRecorder events, StatefulSet set, Pod pod, IReadOnlyList<PersistentVolumeClaim> claims)
    {
        foreach (var claim in claims)
        {
            var result = await store.Object(ResourceKinds.PersistentVolumeClaim, claim.Metadata.Namespace ?? "", claim.Metadata.Name!).Create(claim, Actor);
            if (result.Error is { Reason: "AlreadyExists" }) continue;
            if (!await Write(result, events, set, "create", $"Claim {claim.Metadata.Name} Pod {pod.Metadata.Name}", "success")) return false;
        }
        return true;
    }

    /// <summary>
    /// Kubernetes' <c>recordPodEvent</c>/<c>recordClaimEvent</c>: "create Pod web-0 in StatefulSet web successful", "create Claim
    /// www-web-0 Pod web-0 in StatefulSet web success", or the failure and why.
    /// </summary>
    private static async Task<bool> Write(WriteResult result, EventRecorder events, StatefulSet set, string verb, string what, string success = "successful")
    {
        var reason = char.ToUpperInvariant(verb[0]) + verb[1..];
        if (result.Succeeded)
            await events.Normal(set, $"Successful{reason}", $"{verb} {what} in StatefulSet {set.Metadata.Name} {success}");
        else if (result.Error is not { Code: 404 or 409 })
            await events.Warning(set, $"Failed{reason}", $"{verb} {what} in StatefulSet {set.Metadata.Name} failed error: {result.Error!.Message}");
        return result.Succeeded || result.Error is { Code: 404 } && verb == "delete";
    }
}
