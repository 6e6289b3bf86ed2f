using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Contracts.Storage;
using OrleansOrchestrator.Contracts.Store;
using OrleansOrchestrator.Silo.Controllers.Events;
using OrleansOrchestrator.Silo.Kinds.PersistentVolumes;

namespace OrleansOrchestrator.Silo.Controllers.Volumes;

/// <summary>
/// The volume controller of one tenant (<see cref="IVolumeController"/>): reads the tenant's claims, volumes and
/// classes (and, only when needed, the nodes claims were placed on and the pods of namespaces where a claim is being
/// deleted), lets <see cref="VolumePlanner"/> decide, and carries the steps out. Woken by any change to a claim or
/// volume of the tenant and by a pod that stops using claims.
/// </summary>
public sealed class VolumeControllerGrain(TimeProvider clock, ILogger<VolumeControllerGrain> logger) : ReconcilerGrain(logger), IVolumeController
{
    public const string Component = "persistentvolume-controller";

    private static readonly TimeSpan RetryAfterLostWrite = TimeSpan.FromSeconds(1);

    /// <summary>How often a claim that cannot be provisioned yet (its node has not announced its root) is looked at again.</summary>
    private static readonly TimeSpan RetryProvisioning = TimeSpan.FromSeconds(5);

    /// <summary>Events already recorded by this activation: a claim waiting is said once, not at every pass.</summary>
    private readonly HashSet<string> _recorded = new(StringComparer.Ordinal);

    protected override async Task<TimeSpan?> Reconcile()
    {
        var tenant = this.GetPrimaryKeyString();
        var store = new StoreClient(GrainFactory, tenant, SystemActors.VolumeBinder);
        var namespaces = (await store.List<Namespace>("")).Select(n => n.Metadata.Name!).ToList();
        var claims = (await Task.WhenAll(namespaces.Select(ns => store.List<PersistentVolumeClaim>(ns)))).SelectMany(c => c).ToList();
        var volumes = await store.List<PersistentVolume>("");
        var classes = await store.List<StorageClass>("");

        var placedOn = claims
            .Where(c => string.IsNullOrEmpty(c.Spec.VolumeName) && c.Metadata.DeletionTimestamp is null)
            .Select(c => c.Metadata.Annotations?.GetValueOrDefault(LocalPathVolumes.SelectedNodeAnnotation))
            .OfType<string>().Distinct().ToList();
        var system = new StoreClient(GrainFactory, StoreKeys.SystemTenant, SystemActors.VolumeBinder);
        var nodes = (await Task.WhenAll(placedOn.Select(n => system.Get<Node>("", n)))).OfType<Node>().ToDictionary(n => n.Metadata.Name!, StringComparer.Ordinal);

        var deleting = claims.Where(c => c.Metadata.DeletionTimestamp is not null && c.Metadata.Finalizers?.Contains(StorageRules.ClaimProtectionFinalizer) == true)
            .Select(c => c.Metadata.Namespace ?? "").Distinct().ToList();
        var pods = (await Task.WhenAll(deleting.Select(ns => store.List<Pod>(ns)))).SelectMany(p => p);

        var world = new VolumeWorld(tenant, claims, volumes, classes, nodes, VolumePlanner.ClaimsUsedBy(pods), clock.GetUtcNow());
        var events = new EventRecorder(store, Component, clock);
        var allWritten = true;
        var waitingForRoot = false;
        foreach (var step in VolumePlanner.Plan(world))
        {
            allWritten &= await Carry(store, events, step);
            waitingForRoot |= step.Any(a => a is RecordEvent { Reason: "ProvisioningFailed" });
        }
        return !allWritten ? RetryAfterLostWrite : waitingForRoot ? RetryProvisioning : null;
    }

    /// <summary>Carries one step out in order; stops at the first refused write (false), the next pass resumes from what was written.</summary>
    private async Task<bool> Carry(StoreClient store, EventRecorder events, IReadOnlyList<VolumeAction> step)
    {
        // A later write of the same object in the step builds on the version the earlier one stored.
        var versions = new Dictionary<(Type, string?, string?), string?>();
        foreach (var action in step)
        {
            switch (action)
            {
                case WriteObject(var desired, var status):
                {
                    var key = (desired.GetType(), desired.Metadata.Namespace, desired.Metadata.Name);
                    var obj = versions.TryGetValue(key, out var version) ? desired with { Metadata = desired.Metadata with { ResourceVersion = version } } : desired;
                    var written = status ? await store.UpdateStatus(obj) : await store.Update(obj);
                    if (written is null) return false;
                    versions[key] = written.Metadata.ResourceVersion;
                    break;
                }
                case CreateVolume(var volume):
                    if (await store.Create(volume) is null) return false;
                    break;
                case DeleteVolume(var volume):
                    if (!await store.Delete(volume)) return false;
                    break;
                case RecordEvent(var about, var type, var reason, var message, var component):
                    if (_recorded.Add($"{about.Metadata.Uid}\n{reason}\n{message}"))
                        await (component is null ? events : new EventRecorder(store, component, clock)).Record(about, type, reason, message);
                    break;
            }
        }
        return true;
    }
}
