namespace OrleansOrchestrator.Silo.Admission;

/// <summary>A step of the admission chain that may change the object before it is validated and stored.</summary>
public interface IMutatingAdmission
{
    ValueTask<Contracts.Model.KubeObject> Mutate(AdmissionRequest request);
}
