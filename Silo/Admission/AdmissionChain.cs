using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Contracts.Store;

namespace OrleansOrchestrator.Silo.Admission;

/// <summary>
/// The one admission path of every write, whoever makes it: the API and the dashboard for their users, the
/// control loops and node agents as themselves. The object grain runs it on every write, so no writer can
/// go around it; the API runs it without storing for <c>dryRun</c>. As in Kubernetes, every mutation runs
/// before any validation, and the store's own preparation (server-owned metadata, the status/spec split)
/// sits between the two, so that validation sees exactly what would be stored. Allocations (a Service's cluster
/// IP and node ports) are the last mutations; the writer reports how the write ended (<see cref="Abandon"/>,
/// <see cref="Committed"/>) so that what was taken for it is given back when it did not happen or is no longer held.
/// </summary>
public sealed class AdmissionChain(
    IEnumerable<IMutatingAdmission> mutators,
    IEnumerable<IValidatingAdmission> validators,
    IEnumerable<IAllocatingAdmission>? allocators = null)
{
    private readonly IReadOnlyList<IMutatingAdmission> _mutators = [.. mutators];
    private readonly IReadOnlyList<IValidatingAdmission> _validators = [.. validators];
    private readonly IReadOnlyList<IAllocatingAdmission> _allocators = [.. allocators ?? []];

    /// <summary>Every mutation, then every allocation; an allocation refused or failing gives back what earlier ones took.</summary>
    public async ValueTask<WriteResult> Mutate(AdmissionRequest request)
    {
        var obj = request.Object;
        foreach (var mutator in _mutators) obj = await mutator.Mutate(request with { Object = obj });
        for (var i = 0; i < _allocators.Count; i++)
        {
            WriteResult allocated;
            try
            {
                allocated = await _allocators[i].Allocate(request with { Object = obj });
            }
            catch
            {
                // An allocator that fails (its grain timed out) must not keep what the earlier ones took for a write that will not happen.
                await GiveBack(i, request with { Object = obj });
                throw;
            }
            if (!allocated.Succeeded)
            {
                await GiveBack(i, request with { Object = obj });
                return allocated;
            }
            obj = allocated.Object!;
        }
        return WriteResult.Ok(obj);
    }

    /// <summary>Gives back what the first <paramref name="count"/> allocators took for <paramref name="request"/>'s object.</summary>
    private async ValueTask GiveBack(int count, AdmissionRequest request)
    {
        foreach (var earlier in _allocators.Take(count)) await earlier.Abandon(request);
    }

    /// <summary>The first refusal, or null when every step admits the write.</summary>
    public async ValueTask<StoreError?> Validate(AdmissionRequest request)
    {
        foreach (var validator in _validators)
            if (await validator.Validate(request) is { } refusal) return refusal;
        return null;
    }

    /// <summary>
    /// Both phases, for a write whose preparation needs nothing between them (a create, a dry run). A refusal gives
    /// back what the mutations took; an admitted object's takes are the caller's to settle (store it and report
    /// <see cref="Committed"/>, or <see cref="Abandon"/> it); on a dry run allocators take nothing in the first place.
    /// </summary>
    public async ValueTask<WriteResult> Admit(AdmissionRequest request)
    {
        var mutated = await Mutate(request);
        if (!mutated.Succeeded) return mutated;
        var admitted = request with { Object = mutated.Object! };
        if (await Validate(admitted) is { } refusal)
        {
            await Abandon(admitted);
            return WriteResult.Fail(refusal);
        }
        return mutated;
    }

    /// <summary>The write of <paramref name="request"/>'s (mutated) object will not happen: give back what was taken for it.</summary>
    public async ValueTask Abandon(AdmissionRequest request)
    {
        foreach (var allocator in _allocators) await allocator.Abandon(request);
    }

    /// <summary>A write is durable: <paramref name="before"/> is replaced by <paramref name="after"/> (null: the object is gone).</summary>
    public async ValueTask Committed(ResourceKind kind, string tenant, KubeObject? before, KubeObject? after)
    {
        foreach (var allocator in _allocators) await allocator.Committed(kind, tenant, before, after);
    }
}
