using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Silo.Controllers;
using OrleansOrchestrator.Silo.Controllers.Scheduling;
using OrleansOrchestrator.Silo.Nodes;

namespace OrleansOrchestrator.Silo.Admission;

/// <summary>
/// Kubernetes' DefaultTolerationSeconds admission: a new pod that does not already tolerate a node being not ready or
/// unreachable (a toleration for that key, or for every key, with the NoExecute effect or every effect) is given one
/// for <see cref="ControllerOptions.NotReadyTolerationSeconds"/> / <see cref="ControllerOptions.UnreachableTolerationSeconds"/>
/// (300 by default). That is what makes taint-based eviction move an ordinary pod off a failed node after five
/// minutes, while a DaemonSet's pods (which tolerate both for ever) stay.
/// </summary>
public sealed class DefaultTolerationSeconds(ControllerOptions options) : IMutatingAdmission
{
    public ValueTask<KubeObject> Mutate(AdmissionRequest request)
    {
        if (request.Operation != AdmissionOperation.Create || request.Object is not Pod pod) return ValueTask.FromResult(request.Object);
        var tolerations = WithDefaults(pod.Spec.Tolerations, options);
        return ValueTask.FromResult<KubeObject>(ReferenceEquals(tolerations, pod.Spec.Tolerations) ? pod : pod with { Spec = pod.Spec with { Tolerations = tolerations } });
    }

    /// <summary>The tolerations with the two defaults added where missing; the same list when nothing is missing.</summary>
    public static IReadOnlyList<Toleration>? WithDefaults(IReadOnlyList<Toleration>? tolerations, ControllerOptions options)
    {
        var added = new List<Toleration>();
        if (!Covers(tolerations, NodeTaints.NotReady)) added.Add(For(NodeTaints.NotReady, options.NotReadyTolerationSeconds));
        if (!Covers(tolerations, NodeTaints.Unreachable)) added.Add(For(NodeTaints.Unreachable, options.UnreachableTolerationSeconds));
        return added.Count == 0 ? tolerations : [.. tolerations ?? [], .. added];
    }

    /// <summary>As Kubernetes checks it: by key and effect only, whatever the operator, value or seconds.</summary>
    private static bool Covers(IReadOnlyList<Toleration>? tolerations, string key) =>
        tolerations?.Any(t => (string.IsNullOrEmpty(t.Key) || t.Key == key) && (string.IsNullOrEmpty(t.Effect) || t.Effect == Tolerations.NoExecute)) == true;

    private static Toleration For(string key, long seconds) =>
        new() { Key = key, Operator = "Exists", Effect = Tolerations.NoExecute, TolerationSeconds = seconds };
}
