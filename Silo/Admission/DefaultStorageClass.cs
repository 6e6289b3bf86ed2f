using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Contracts.Store;
using OrleansOrchestrator.Silo.Controllers;
using OrleansOrchestrator.Silo.Kinds.PersistentVolumes;

namespace OrleansOrchestrator.Silo.Admission;

/// <summary>
/// Mutating, as Kubernetes' <c>DefaultStorageClass</c> plugin: a claim created without a class (neither
/// <c>storageClassName</c> nor the beta annotation; an explicit "" means "no class") gets the tenant's default class.
/// With no default class the claim is left as it is, for the binder to match with class-less volumes.
/// </summary>
public sealed class DefaultStorageClass(IGrainFactory grains) : IMutatingAdmission
{
    public async ValueTask<KubeObject> Mutate(AdmissionRequest request)
    {
        if (request.Operation != AdmissionOperation.Create || request.Object is not PersistentVolumeClaim claim) return request.Object;
        if (claim.Spec.StorageClassName is not null || claim.Metadata.Annotations?.ContainsKey(StorageRules.BetaStorageClassAnnotation) == true)
            return claim;
        var classes = await new StoreClient(grains, request.Tenant, request.Actor).List<StorageClass>("");
        return StorageRules.DefaultClass(classes) is { } chosen
            ? claim with { Spec = claim.Spec with { StorageClassName = chosen.Metadata.Name } }
            : claim;
    }
}
