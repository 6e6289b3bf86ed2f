using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Contracts.Store;

namespace OrleansOrchestrator.Silo.Admission;

/// <summary>
/// A mutating step that takes values from a pool shared by many objects (a Service's cluster IP and node ports), and
/// so may refuse (the value asked for is taken) and must give back what it took when the write does not happen:
/// Kubernetes does this in the Service storage's create/update transaction. It runs after the other mutations.
/// </summary>
public interface IAllocatingAdmission
{
    /// <summary>The object with what it needs taken, or a refusal; takes nothing on a dry run.</summary>
    ValueTask<WriteResult> Allocate(AdmissionRequest request);

    /// <summary>The write of <paramref name="request"/>'s object (as <see cref="Allocate"/> returned it) did not happen: give back what it took.</summary>
    ValueTask Abandon(AdmissionRequest request);

    /// <summary>A write is durable: give back what only <paramref name="before"/> held (<paramref name="after"/> null: the object is gone).</summary>
    ValueTask Committed(ResourceKind kind, string tenant, KubeObject? before, KubeObject? after);
}
