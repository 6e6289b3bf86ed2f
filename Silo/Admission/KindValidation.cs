using OrleansOrchestrator.Contracts.Store;
using OrleansOrchestrator.Silo.Api.Admission;

namespace OrleansOrchestrator.Silo.Admission;

/// <summary>Validating: every write of an object's main part meets its kind's validation (422 naming each field).</summary>
public sealed class KindValidation : IValidatingAdmission
{
    public ValueTask<StoreError?> Validate(AdmissionRequest request)
    {
        if (!request.WritesMain) return ValueTask.FromResult<StoreError?>(null);
        var causes = Validation.Validate(request.Object, request.Kind);
        return ValueTask.FromResult(causes.Count == 0 ? null : StoreError.Invalid(request.Kind, request.Object.Metadata.Name ?? "", causes));
    }
}
