using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Contracts.Nodes;
using OrleansOrchestrator.Contracts.Selection;
using OrleansOrchestrator.Contracts.Storage;
using OrleansOrchestrator.Contracts.Store;
using OrleansOrchestrator.Silo.Controllers.Events;

namespace OrleansOrchestrator.Silo.Controllers.Scheduling;

/// <summary>
/// Binds the pending pods of one pod collection (one namespace of one tenant) to nodes: filters and scores
/// every node (<see cref="SchedulingPlanner"/>), asks the chosen node to admit the pod (the node arbitrates
/// between schedulers deciding at once), then stores the binding. A pod that fits nowhere is marked
/// <c>PodScheduled=False/Unschedulable</c> with the reasons per node, and retried while it waits.
/// </summary>
public sealed class SchedulerGrain(TimeProvider clock, ILogger<SchedulerGrain> logger) : ReconcilerGrain(logger), IScheduler
{
    public const string Name = "default-scheduler";

    /// <summary>Unschedulable pods are tried again this often (and whenever their namespace changes).</summary>
    private static readonly TimeSpan Retry = TimeSpan.FromSeconds(3);

    /// <summary>Where the next pod's search for feasible nodes starts (Kubernetes' <c>nextStartNodeIndex</c>).</summary>
    private int _nextStartNodeIndex;

    protected override async Task<TimeSpan?> Reconcile()
    {
        var (tenant, _, ns) = StoreKeys.ParseCollection(this.GetPrimaryKeyString());
        var store = new StoreClient(GrainFactory, tenant, SystemActors.Scheduler);
        var pending = (await store.List<Pod>(ns, new ObjectFilter([], [new FieldRequirement("spec.nodeName", false, "")])))
            .Where(p => p.Metadata.DeletionTimestamp is null && (p.Spec.SchedulerName ?? Name) == Name)
            .OrderByDescending(p => p.Spec.Priority ?? 0)
            .ThenBy(p => p.Metadata.CreationTimestamp ?? DateTimeOffset.MinValue)
            .ToList();
        if (pending.Count == 0) return null;

        var nodes = await new StoreClient(GrainFactory, StoreKeys.SystemTenant, SystemActors.Scheduler).List<Node>("");
        var views = (await Task.WhenAll(nodes.Select(async n =>
                NodeView.From(n, (await GrainFactory.GetGrain<INodeGrain>(n.Metadata.Name!).BoundPods()).Select(b => b.Pod)))))
            .ToList();
        var claims = await ClaimsFor(pending, tenant, ns, store);
        var events = new EventRecorder(store, Name, clock);
        // Decided a chunk at a time and stored as decided: storing is I/O bound (the node's admission, the
        // binding, the event), so the bindings of a chunk go out together, a bounded number at a time, while the
        // next chunk is decided, instead of one pod after another (or all decisions before any binding).
        using var slots = new SemaphoreSlim(MaxBindingsInFlight);
        var bindings = new List<Task<bool>>(pending.Count);
        var waiting = false;
        for (var offset = 0; offset < pending.Count; offset += PlanChunk)
        {
            var (placed, unplaced, nextStart) = SchedulingPass.Plan(pending.Skip(offset).Take(PlanChunk), views, _nextStartNodeIndex, claims);
            _nextStartNodeIndex = nextStart;
            bindings.AddRange(placed.Select(async placement =>
            {
                await slots.WaitAsync();
                try
                {
                    return await Bind(tenant, ns, store, events, placement, claims);
                }
                finally
                {
                    slots.Release();
                }
            }));
            foreach (var (pod, message) in unplaced)
            {
                await MarkUnschedulable(store, events, pod, message);
                waiting = true;
            }
            await Task.Yield(); // let the bindings started so far run before deciding the next chunk
        }
        var bound = await Task.WhenAll(bindings);
        return waiting || bound.Contains(false) ? Retry : null;
    }

    /// <summary>Bindings stored at once by one pass: enough to keep the store busy, few enough not to flood a node grain.</summary>
    private const int MaxBindingsInFlight = 256;

    /// <summary>Pods decided before their bindings start: small enough that binding starts soon in a long pass.</summary>
    private const int PlanChunk = 128;

    /// <summary>
    /// The namespace's claims and the tenant's volumes and classes, read only when a pending pod mounts a claim
    /// (Kubernetes' VolumeBinding plugin reads them from its informers).
    /// </summary>
    private async Task<ClaimWorld?> ClaimsFor(IReadOnlyList<Pod> pending, string tenant, string ns, StoreClient store)
    {
        if (!pending.Any(p => p.Spec.Volumes?.Any(v => v.PersistentVolumeClaim is not null) == true)) return null;
        var claims = store.List<PersistentVolumeClaim>(ns);
        var volumes = store.List<PersistentVolume>("");
        var classes = store.List<StorageClass>("");
        return new ClaimWorld(await claims, await volumes, await classes);
    }

    /// <summary>
    /// Asks the node to admit the pod, gives the node to the pod's claims that wait for their first consumer (Kubernetes'
    /// PreBind writes their <c>selected-node</c>, which the provisioner acts on), then stores the binding; false when any
    /// of these is refused (the pod waits for the next pass).
    /// </summary>
    private async Task<bool> Bind(string tenant, string ns, StoreClient store, EventRecorder events, Placement placement, ClaimWorld? claims)
    {
        var (pod, nodeName) = placement;
        var podKey = StoreKeys.Object(tenant, ResourceKinds.Pod, ns, pod.Metadata.Name!);
        // Another scheduler may have taken the room first: then decide again next pass, with fresh views.
        var node = GrainFactory.GetGrain<INodeGrain>(nodeName);
        if (await node.Admit(podKey, pod) is not null) return false;
        if (!await SelectNode(store, ns, placement, claims)
            || await store.Update(pod with { Spec = pod.Spec with { NodeName = nodeName } }) is not { } bound)
        {
            // The binding lost (the pod changed or went away since this pass read it, or a claim of it went to another
            // node): withdraw the admission with
            // the pod as it is now, or the node would run a pod the store does not bind to it, and a later pass
            // could bind it elsewhere and run it twice.
            await node.PodChanged(podKey, await store.Get<Pod>(ns, pod.Metadata.Name!));
            return false;
        }
        // Recorded beside the binding, not before the slot frees: an event is best-effort (Kubernetes' recorder is
        // asynchronous too), and the next binding should not wait for it.
        events.Normal(bound, "Scheduled", $"Successfully assigned {ns}/{bound.Metadata.Name} to {nodeName}").Ignore();
        return true;
    }

    /// <summary>
    /// Writes the node on each claim the placement gives it to, unless the claim already names it; false when a claim
    /// names another node or changed meanwhile (two pods of the claim placed by different passes: the next pass follows
    /// the annotation).
    /// </summary>
    private static async Task<bool> SelectNode(StoreClient store, string ns, Placement placement, ClaimWorld? claims)
    {
        foreach (var name in placement.ClaimsToSelect)
        {
            var claim = await store.Get<PersistentVolumeClaim>(ns, name) ?? claims?.Claim(name);
            if (claim is null || claim.Metadata.DeletionTimestamp is not null || !string.IsNullOrEmpty(claim.Spec.VolumeName)) return false;
            var annotations = claim.Metadata.Annotations ?? new Dictionary<string, string>();
            if (annotations.TryGetValue(LocalPathVolumes.SelectedNodeAnnotation, out var selected))
            {
                if (selected == placement.NodeName) continue;
                return false;
            }
            var placed = claim with
            {
                Metadata = claim.Metadata with
                {
                    Annotations = new Dictionary<string, string>(annotations) { [LocalPathVolumes.SelectedNodeAnnotation] = placement.NodeName },
                },
            };
            if (await store.Update(placed) is null) return false;
        }
        return true;
    }

    private static async Task MarkUnschedulable(StoreClient store, EventRecorder events, Pod pod, string message)
    {
        var current = pod.Status?.Conditions?.FirstOrDefault(c => c.Type == "PodScheduled");
        if (current is { Status: "False", Reason: "Unschedulable" } && current.Message == message) return;
        var condition = new Condition
        {
            Type = "PodScheduled",
            Status = "False",
            Reason = "Unschedulable",
            Message = message,
            LastTransitionTime = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds()),
        };
        var conditions = (pod.Status?.Conditions ?? []).Where(c => c.Type != "PodScheduled").Append(condition).ToList();
        await store.UpdateStatus(pod with
        {
            Status = (pod.Status ?? new PodStatus()) with { Phase = "Pending", Conditions = conditions },
            Metadata = pod.Metadata with { ResourceVersion = null },
        });
        await events.Warning(pod, "FailedScheduling", message);
    }
}
