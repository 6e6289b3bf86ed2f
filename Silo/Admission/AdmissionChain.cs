using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Contracts.Store;

namespace OrleansOrchestrator.Silo.Admission;

/// <summary>
/// The one admission path of every write, whoever makes it: the API and the dashboard for their users, the
/// control loops and node agents as themselves. The object grain runs it on every write, so no writer can
/// go around it; the API runs it without storing for <c>dryRun</c>. As in Kubernetes, every mutation runs
/// before any validation, and the store's own preparation (server-owned metadata, the status/spec split)
/// sits between the two, so that validation sees exactly what would be stored.
/// </summary>
public sealed class AdmissionChain(IEnumerable<IMutatingAdmission> mutators, IEnumerable<IValidatingAdmission> validators)
{
    private readonly IReadOnlyList<IMutatingAdmission> _mutators = [.. mutators];
    private readonly IReadOnlyList<IValidatingAdmission> _validators = [.. validators];

    public async ValueTask<KubeObject> Mutate(AdmissionRequest request)
    {
        var obj = request.Object;
        foreach (var mutator in _mutators) obj = await mutator.Mutate(request with { Object = obj });
        return obj;
    }

    /// <summary>The first refusal, or null when every step admits the write.</summary>
    public async ValueTask<StoreError?> Validate(AdmissionRequest request)
    {
        foreach (var validator in _validators)
            if (await validator.Validate(request) is { } refusal) return refusal;
        return null;
    }

    /// <summary>Both phases, for a write whose preparation needs nothing between them (a create, a dry run).</summary>
    public async ValueTask<WriteResult> Admit(AdmissionRequest request)
    {
        var mutated = await Mutate(request);
        return await Validate(request with { Object = mutated }) is { } refusal ? WriteResult.Fail(refusal) : WriteResult.Ok(mutated);
    }
}
