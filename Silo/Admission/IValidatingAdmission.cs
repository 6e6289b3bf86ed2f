using OrleansOrchestrator.Contracts.Store;

namespace OrleansOrchestrator.Silo.Admission;

/// <summary>A step of the admission chain that may refuse a write (null: admitted), after every mutation.</summary>
public interface IValidatingAdmission
{
    ValueTask<StoreError?> Validate(AdmissionRequest request);
}
