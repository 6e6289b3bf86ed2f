using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Contracts.Store;
using OrleansOrchestrator.Silo.Controllers;
using OrleansOrchestrator.Silo.Controllers.ServiceAccounts;

namespace OrleansOrchestrator.Silo.Admission;

/// <summary>
/// Mutating, as Kubernetes' <c>ServiceAccount</c> admission plugin: a pod created without a service account runs as
/// <c>default</c> (and <c>serviceAccount</c>, the field's older name, says the same).
/// </summary>
public sealed class ServiceAccountDefaults : IMutatingAdmission
{
    public ValueTask<KubeObject> Mutate(AdmissionRequest request)
    {
        if (request.Operation != AdmissionOperation.Create || request.Object is not Pod pod) return ValueTask.FromResult(request.Object);
        var name = pod.Spec.ServiceAccountName is { Length: > 0 } named ? named
            : pod.Spec.ServiceAccount is { Length: > 0 } older ? older
            : ServiceAccountsControllerGrain.DefaultName;
        return ValueTask.FromResult<KubeObject>(pod.Spec.ServiceAccountName == name && pod.Spec.ServiceAccount == name
            ? pod
            : pod with { Spec = pod.Spec with { ServiceAccountName = name, ServiceAccount = name } });
    }
}

/// <summary>
/// Validating, as the same plugin: a new pod must name a service account of its namespace. The namespace's
/// <c>default</c> one is made here when the namespace's loop has not made it yet (a pod created right after its
/// namespace), so that only an account the user named and did not create refuses the pod.
/// </summary>
public sealed class ServiceAccountExists(IGrainFactory grains) : IValidatingAdmission
{
    public async ValueTask<StoreError?> Validate(AdmissionRequest request)
    {
        if (request.Operation != AdmissionOperation.Create || request.Object is not Pod pod) return null;
        var ns = pod.Metadata.Namespace ?? "";
        var name = pod.Spec.ServiceAccountName is { Length: > 0 } named ? named : ServiceAccountsControllerGrain.DefaultName;
        var store = new StoreClient(grains, request.Tenant, ServiceAccountsControllerGrain.Actor);
        if (await store.Get<ServiceAccount>(ns, name) is not null) return null;
        if (name == ServiceAccountsControllerGrain.DefaultName && !request.DryRun)
        {
            await ServiceAccountsControllerGrain.EnsureDefault(store, ns);
            if (await store.Get<ServiceAccount>(ns, name) is not null) return null;
        }
        return new StoreError(403, "Forbidden",
            $"pods \"{pod.Metadata.Name ?? pod.Metadata.GenerateName}\" is forbidden: error looking up service account {ns}/{name}: serviceaccount \"{name}\" not found");
    }
}
