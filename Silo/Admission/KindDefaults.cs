using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Silo.Kinds;

namespace OrleansOrchestrator.Silo.Admission;

/// <summary>
/// Mutating: the fields Kubernetes defaults, and what a kind's strategy prepares in a new object (the initial
/// status, a pod's with its QoS class; a Job's selector) — for every writer, so a pod a ReplicaSet creates
/// reads back exactly like one created with kubectl.
/// </summary>
public sealed class KindDefaults : IMutatingAdmission
{
    public ValueTask<KubeObject> Mutate(AdmissionRequest request)
    {
        var strategy = KindRegistry.For(request.Kind);
        var obj = request.WritesMain ? strategy.Default(request.Object) : request.Object;
        return ValueTask.FromResult(request.Operation == AdmissionOperation.Create ? strategy.PrepareForCreate(obj) : obj);
    }
}
