using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Contracts.Store;
using OrleansOrchestrator.Silo.Kinds.PersistentVolumes;

namespace OrleansOrchestrator.Silo.Controllers.Volumes;

/// <summary>
/// The volume controller of one tenant (key: the tenant): Kubernetes' PersistentVolume binder, the local-path
/// provisioner and the pvc/pv-protection controllers in one loop, since volumes are cluster-scoped within the
/// tenant and a claim of any namespace may bind any of them.
/// </summary>
[Alias("oo.IVolumeController")]
public interface IVolumeController : IReconciler;

/// <summary>The wakes of the volume controller, as the kinds' strategies declare them.</summary>
public static class VolumeWakes
{
    /// <summary>Any change to a claim or a volume of the tenant.</summary>
    public static IEnumerable<Wakeup> ForTenant(string tenant) => [new Wakeup(typeof(IVolumeController), tenant)];

    /// <summary>
    /// A pod that mounts claims and stops using them (deleted, being deleted, or finished): that may free a claim being
    /// deleted. Its other changes (most are status writes) concern the controller not at all.
    /// </summary>
    public static IEnumerable<Wakeup> ForPod(string tenant, Pod pod, WatchEventType type) =>
        pod.Spec.Volumes?.Any(v => v.PersistentVolumeClaim is not null) == true
        && (type == WatchEventType.Deleted || pod.Metadata.DeletionTimestamp is not null || pod.Status?.Phase is "Succeeded" or "Failed")
            ? ForTenant(tenant)
            : [];
}
