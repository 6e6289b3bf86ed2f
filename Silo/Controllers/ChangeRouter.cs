using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Contracts.Store;
using OrleansOrchestrator.Silo.Kinds;

namespace OrleansOrchestrator.Silo.Controllers;

/// <summary>A control loop to wake: which kind of loop, and its key.</summary>
public sealed record Wakeup(Type Controller, string Key);

/// <summary>
/// Which control loops a committed change concerns — the store's replacement for the informers of
/// Kubernetes' controllers: an object wakes its own loop, its controlling owner's loop, any other its kind
/// names (the scheduler for a pod waiting for a node), and the garbage collector when an owner goes — each
/// as its kind's strategy declares. Pure: the object grain calls the loops it returns.
/// </summary>
public static class ChangeRouter
{
    public const string ForegroundDeletion = "foregroundDeletion";
    public const string OrphanFinalizer = "orphan";

    public static IReadOnlyList<Wakeup> Route(string tenant, KubeObject obj, WatchEventType type)
    {
        var wakes = new List<Wakeup>();
        var ns = obj.Metadata.Namespace ?? "";
        var strategy = KindRegistry.For(obj);
        if (strategy.Controller is { } loop)
            wakes.Add(new(loop, StoreKeys.Object(tenant, strategy.Kind, ns, obj.Metadata.Name!)));
        wakes.AddRange(strategy.AlsoWakes(tenant, obj, type));
        if (ControllerOf(obj) is { } owner && KindRegistry.Find(owner.ApiVersion, owner.Kind) is { Controller: { } ownerLoop } ownerStrategy)
            wakes.Add(new(ownerLoop, StoreKeys.Object(tenant, ownerStrategy.Kind, ns, owner.Name)));
        // An owner gone (or going, with a propagation finalizer): its dependents need collecting.
        if (obj.Metadata.Namespace is { Length: > 0 }
            && (type == WatchEventType.Deleted || obj.Metadata is { DeletionTimestamp: not null, Finalizers: { } f } && (f.Contains(ForegroundDeletion) || f.Contains(OrphanFinalizer)))
            && strategy.Owns.Count > 0)
            wakes.Add(new(typeof(IGarbageCollector), $"{tenant}/{ns}"));
        return wakes;
    }

    /// <summary>The owner reference with <c>controller: true</c>, if any.</summary>
    public static OwnerReference? ControllerOf(KubeObject obj) =>
        obj.Metadata.OwnerReferences?.FirstOrDefault(o => o.Controller == true);
}
