using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Contracts.Store;

namespace OrleansOrchestrator.Silo.Admission;

/// <summary>
/// Validating, as Kubernetes' <c>NamespaceLifecycle</c> plugin: nothing is created in a namespace that does not
/// exist, nor in one being deleted — not by a user, and not by a control loop racing the namespace's deletion
/// (which would leave objects behind in a namespace about to be re-created empty). Events may still be
/// recorded about what happens while a namespace goes.
/// </summary>
public sealed class NamespaceLifecycle(IGrainFactory grains) : IValidatingAdmission
{
    public async ValueTask<StoreError?> Validate(AdmissionRequest request)
    {
        if (request.Operation != AdmissionOperation.Create || !request.Kind.Namespaced) return null;
        var ns = request.Object.Metadata.Namespace ?? "";
        var stored = await grains.GetGrain<IObjectGrain>(StoreKeys.Object(request.Tenant, ResourceKinds.Namespace, null, ns)).Get();
        if (stored is null) return StoreError.NotFound(ResourceKinds.Namespace.Resource, ns);
        if (stored.Metadata.DeletionTimestamp is not null && request.Kind != ResourceKinds.Event)
            return new StoreError(403, "Forbidden", $"unable to create new content in namespace {ns} because it is being terminated");
        return null;
    }
}
