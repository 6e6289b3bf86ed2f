using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Contracts.Store;
using OrleansOrchestrator.Silo.Controllers;
using OrleansOrchestrator.Silo.Kinds.PersistentVolumes;

namespace OrleansOrchestrator.Silo.Admission;

/// <summary>
/// Validating, as Kubernetes' <c>PersistentVolumeClaimResize</c> plugin: a claim's storage request grows only when
/// the claim is bound and its class allows expansion (the update rule has already refused any other spec change).
/// </summary>
public sealed class PersistentVolumeClaimResize(IGrainFactory grains) : IValidatingAdmission
{
    public async ValueTask<StoreError?> Validate(AdmissionRequest request)
    {
        if (request is not { Operation: AdmissionOperation.Update, Subresource: Subresource.Main, Object: PersistentVolumeClaim claim, Old: PersistentVolumeClaim old })
            return null;
        if (!(StorageRules.Storage(claim.Spec.Resources?.Requests) > StorageRules.Storage(old.Spec.Resources?.Requests))) return null;
        if (old.Status?.Phase != "Bound") return Forbidden(claim, "Only bound persistent volume claims can be expanded");
        var className = StorageRules.ClassOf(claim);
        var storageClass = className.Length == 0 || className != StorageRules.ClassOf(old)
            ? null
            : await new StoreClient(grains, request.Tenant, request.Actor).Get<StorageClass>("", className);
        return storageClass?.AllowVolumeExpansion == true
            ? null
            : Forbidden(claim, "only dynamically provisioned pvc can be resized and the storageclass that provisions the pvc must support resize");
    }

    private static StoreError Forbidden(PersistentVolumeClaim claim, string reason) =>
        new(403, "Forbidden", $"{ResourceKinds.PersistentVolumeClaim.Resource} \"{claim.Metadata.Name}\" is forbidden: {reason}");
}
