using OrleansOrchestrator.Contracts.Model;

namespace OrleansOrchestrator.Silo.Controllers.DaemonSets;

/// <summary>
/// What one pass does: a pod to create on each of <see cref="CreateOn"/> (node names), pods to delete, failed pods to
/// delete (each reported and put in back-off), and pods whose node is gone, deleted at once (their node cannot confirm).
/// <see cref="WaitingOnBackoff"/>: a failed pod was left alone because its node is in back-off.
/// </summary>
public sealed record DaemonSetStep(
    IReadOnlyList<string> CreateOn,
    IReadOnlyList<Pod> Delete,
    IReadOnlyList<Pod> DeleteFailed,
    IReadOnlyList<Pod> ForceDelete,
    bool WaitingOnBackoff)
{
    public static readonly DaemonSetStep None = new([], [], [], [], false);

    public bool IsEmpty => CreateOn.Count == 0 && Delete.Count == 0 && DeleteFailed.Count == 0 && ForceDelete.Count == 0;

    /// <summary>The names of every pod this step deletes, in any way.</summary>
    public IEnumerable<string> Deleted => Delete.Concat(DeleteFailed).Concat(ForceDelete).Select(p => p.Metadata.Name!);
}
