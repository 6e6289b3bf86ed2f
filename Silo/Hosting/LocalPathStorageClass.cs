using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Contracts.Storage;
using OrleansOrchestrator.Silo.Controllers;
using OrleansOrchestrator.Silo.Kinds.PersistentVolumes;

namespace OrleansOrchestrator.Silo.Hosting;

/// <summary>
/// Every tenant's default StorageClass, <c>local-path</c> (as k3s and KinD ship one): volumes made by the silo's
/// local-path provisioner in a folder of the node that first runs a pod using the claim, removed with their claim.
/// Created at start when missing (a tenant that deleted it gets it back at the next start); a changed one is left as it is.
/// </summary>
public static class LocalPathStorageClass
{
    public static StorageClass Desired() => new()
    {
        Metadata = new ObjectMeta
        {
            Name = LocalPathVolumes.StorageClassName,
            Annotations = new Dictionary<string, string> { [StorageRules.DefaultClassAnnotation] = "true" },
        },
        Provisioner = LocalPathVolumes.Provisioner,
        ReclaimPolicy = StorageRules.Delete,
        VolumeBindingMode = StorageRules.WaitForFirstConsumer,
        AllowVolumeExpansion = false,
    };

    /// <summary>Creates the class in <paramref name="tenant"/> when it has none of that name; returns the problem met, if any.</summary>
    public static async Task<string?> Ensure(IGrainFactory grains, string tenant)
    {
        var store = new StoreClient(grains, tenant, SystemActors.Bootstrap);
        var grain = store.Object(ResourceKinds.StorageClass, "", LocalPathVolumes.StorageClassName);
        if (await grain.Get() is not null) return null;
        var created = await grain.Create(Desired(), SystemActors.Bootstrap);
        return created.Error is { Code: not 409 } error ? $"the local-path StorageClass of tenant {tenant}: {error.Message}" : null;
    }
}
