using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Contracts.Store;

namespace OrleansOrchestrator.Silo.Controllers;

/// <summary>A control loop to wake: which kind of loop, and its key.</summary>
public sealed record Wakeup(Type Controller, string Key);

/// <summary>
/// Which control loops a committed change concerns — the store's replacement for the informers of
/// Kubernetes' controllers: an object wakes its own loop, its controlling owner's loop, the scheduler
/// of its namespace when it is a pod waiting for a node, and the garbage collector when an owner goes.
/// Pure: the object grain calls the loops it returns.
/// </summary>
public static class ChangeRouter
{
    public const string ForegroundDeletion = "foregroundDeletion";
    public const string OrphanFinalizer = "orphan";

    public static IReadOnlyList<Wakeup> Route(string tenant, KubeObject obj, WatchEventType type)
    {
        var wakes = new List<Wakeup>();
        var ns = obj.Metadata.Namespace ?? "";
        switch (obj)
        {
            case Deployment:
                wakes.Add(new(typeof(IDeploymentController), StoreKeys.Object(tenant, ResourceKinds.Deployment, ns, obj.Metadata.Name!)));
                break;
            case ReplicaSet:
                wakes.Add(new(typeof(IReplicaSetController), StoreKeys.Object(tenant, ResourceKinds.ReplicaSet, ns, obj.Metadata.Name!)));
                break;
            case Pod pod when type != WatchEventType.Deleted && string.IsNullOrEmpty(pod.Spec.NodeName) && pod.Metadata.DeletionTimestamp is null:
                wakes.Add(new(typeof(IScheduler), StoreKeys.Collection(tenant, ResourceKinds.Pod, ns)));
                break;
        }
        if (ControllerOf(obj) is { } owner && ResourceKinds.All.FirstOrDefault(k => k.Kind == owner.Kind && k.ApiVersion == owner.ApiVersion) is { } ownerKind)
        {
            var controller = ownerKind == ResourceKinds.Deployment ? typeof(IDeploymentController)
                : ownerKind == ResourceKinds.ReplicaSet ? typeof(IReplicaSetController)
                : null;
            if (controller is not null) wakes.Add(new(controller, StoreKeys.Object(tenant, ownerKind, ns, owner.Name)));
        }
        // An owner gone (or going, with a propagation finalizer): its dependents need collecting.
        if (obj.Metadata.Namespace is { Length: > 0 }
            && (type == WatchEventType.Deleted || obj.Metadata is { DeletionTimestamp: not null, Finalizers: { } f } && (f.Contains(ForegroundDeletion) || f.Contains(OrphanFinalizer)))
            && obj is Deployment or ReplicaSet or StatefulSet)
            wakes.Add(new(typeof(IGarbageCollector), $"{tenant}/{ns}"));
        return wakes;
    }

    /// <summary>The owner reference with <c>controller: true</c>, if any.</summary>
    public static OwnerReference? ControllerOf(KubeObject obj) =>
        obj.Metadata.OwnerReferences?.FirstOrDefault(o => o.Controller == true);
}
