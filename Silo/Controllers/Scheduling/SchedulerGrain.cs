using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Contracts.Nodes;
using OrleansOrchestrator.Contracts.Selection;
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

    protected override async Task<TimeSpan?> Reconcile()
    {
        var (tenant, _, ns) = StoreKeys.ParseCollection(this.GetPrimaryKeyString());
        var store = new StoreClient(GrainFactory, tenant);
        var pending = (await store.List<Pod>(ns, new ObjectFilter([], [new FieldRequirement("spec.nodeName", false, "")])))
            .Where(p => p.Metadata.DeletionTimestamp is null && (p.Spec.SchedulerName ?? Name) == Name)
            .OrderByDescending(p => p.Spec.Priority ?? 0)
            .ThenBy(p => p.Metadata.CreationTimestamp ?? DateTimeOffset.MinValue)
            .ToList();
        if (pending.Count == 0) return null;

        var nodes = await new StoreClient(GrainFactory, StoreKeys.SystemTenant).List<Node>("");
        var views = (await Task.WhenAll(nodes.Select(async n =>
                NodeView.From(n, (await GrainFactory.GetGrain<INodeGrain>(n.Metadata.Name!).BoundPods()).Select(b => b.Pod)))))
            .ToList();
        var events = new EventRecorder(store, Name, clock);
        var waiting = false;
        foreach (var pod in pending)
        {
            var result = SchedulingPlanner.Schedule(pod, views);
            if (result.NodeName is not { } nodeName)
            {
                await MarkUnschedulable(store, events, pod, result.Message ?? "no nodes available to schedule pods");
                waiting = true;
                continue;
            }
            var podKey = StoreKeys.Object(tenant, ResourceKinds.Pod, ns, pod.Metadata.Name!);
            if (await GrainFactory.GetGrain<INodeGrain>(nodeName).Admit(podKey, pod) is not null)
            {
                waiting = true; // another scheduler took the room first: decide again with fresh views
                continue;
            }
            var bound = await store.Update(pod with { Spec = pod.Spec with { NodeName = nodeName } });
            if (bound is null)
            {
                waiting = true;
                continue;
            }
            var index = views.FindIndex(v => v.Name == nodeName);
            views[index] = views[index].WithPod(bound);
            await events.Normal(bound, "Scheduled", $"Successfully assigned {ns}/{bound.Metadata.Name} to {nodeName}");
        }
        return waiting ? Retry : null;
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
