using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Contracts.Store;
using OrleansOrchestrator.Silo.Controllers;
using OrleansOrchestrator.Silo.Kinds;
using OrleansOrchestrator.Silo.Quotas;

namespace OrleansOrchestrator.Silo.Admission;

/// <summary>
/// Mutating, as Kubernetes' LimitRanger: a new pod's containers get the defaults of the namespace's LimitRanges
/// (see <see cref="LimitRanger"/>). It runs before <see cref="KindDefaults"/> prepares the pod's initial status, so the
/// QoS class is the defaulted pod's; it applies the kind's defaults first itself, as Kubernetes' API server has
/// by the time LimitRanger sees a pod (they are idempotent, so running them again costs nothing).
/// </summary>
public sealed class LimitRangeDefaults(IGrainFactory grains) : IMutatingAdmission
{
    public async ValueTask<KubeObject> Mutate(AdmissionRequest request)
    {
        if (request.Operation != AdmissionOperation.Create || request.Object is not Pod) return request.Object;
        var ranges = await LimitRangeValidation.Of(grains, request);
        if (ranges.Count == 0) return request.Object;
        var pod = (Pod)KindRegistry.For(request.Kind).Default(request.Object);
        return LimitRanger.ApplyDefaults(pod, ranges);
    }
}

/// <summary>Validating, as Kubernetes' LimitRanger: a new pod within every LimitRange's bounds, else 403 with Kubernetes' message.</summary>
public sealed class LimitRangeValidation(IGrainFactory grains) : IValidatingAdmission
{
    public async ValueTask<StoreError?> Validate(AdmissionRequest request)
    {
        // Containers cannot be added or resized after creation, so as in Kubernetes only a create is checked.
        if (request.Operation != AdmissionOperation.Create || request.Object is not Pod pod) return null;
        var ranges = await Of(grains, request);
        if (ranges.Count == 0) return null;
        var problems = LimitRanger.Violations(pod, ranges);
        return problems.Count == 0
            ? null
            : new StoreError(403, "Forbidden", $"{request.Kind.Resource} \"{pod.Metadata.Name}\" is forbidden: {LimitRanger.Aggregate(problems)}");
    }

    internal static async Task<IReadOnlyList<LimitRange>> Of(IGrainFactory grains, AdmissionRequest request) =>
        await new StoreClient(grains, request.Tenant, request.Actor).List<LimitRange>(request.Object.Metadata.Namespace ?? "");
}
