using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Silo.Api.Admission;

namespace OrleansOrchestrator.Silo.Admission;

/// <summary>
/// Mutating: the fields Kubernetes defaults, and a new object's initial status — for every writer, so a pod a
/// ReplicaSet creates reads back exactly like one created with kubectl.
/// </summary>
public sealed class KindDefaults : IMutatingAdmission
{
    public ValueTask<KubeObject> Mutate(AdmissionRequest request) => ValueTask.FromResult(request switch
    {
        { Operation: AdmissionOperation.Create } => Defaults.Apply(InitialStatus.Of(request.Object)),
        { WritesMain: true } => Defaults.Apply(request.Object),
        _ => request.Object,
    });
}
