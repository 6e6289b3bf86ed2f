using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Contracts.Store;

namespace OrleansOrchestrator.Silo.Admission;

/// <summary>
/// Validating, as Kubernetes' <c>NodeRestriction</c> plugin: a node's agent writes only what is its own — its
/// Node object, the status of the pods bound to it, their removal once their containers are gone, and Events —
/// so one compromised or confused agent cannot change another node or any workload.
/// </summary>
public sealed class NodeRestriction : IValidatingAdmission
{
    public ValueTask<StoreError?> Validate(AdmissionRequest request) => ValueTask.FromResult(Refusal(request));

    private static StoreError? Refusal(AdmissionRequest request)
    {
        if (NodeOf(request.Actor) is not { } node) return null;
        var (kind, obj) = (request.Kind, request.Object);
        if (kind == ResourceKinds.Event) return null;
        if (kind == ResourceKinds.Node)
            return obj.Metadata.Name == node ? null : Forbidden(request, node, "may only write its own Node object");
        if (kind == ResourceKinds.Pod)
        {
            var boundHere = (request.Old ?? obj) is Pod { Spec.NodeName: var bound } && bound == node;
            var allowed = request.Operation == AdmissionOperation.Delete
                          || request.Operation == AdmissionOperation.Update && request.Subresource == Subresource.Status;
            return allowed && boundHere ? null : Forbidden(request, node, "may only update the status of, and remove, pods bound to it");
        }
        return Forbidden(request, node, $"may not write {kind.Resource}");
    }

    /// <summary>The node an actor is the agent of, or null for any other writer.</summary>
    private static string? NodeOf(Actor actor) =>
        actor.Groups.Contains(Actor.NodesGroup) && actor.Name.StartsWith(Actor.NodePrefix, StringComparison.Ordinal) ? actor.Name[Actor.NodePrefix.Length..] : null;

    private static StoreError Forbidden(AdmissionRequest request, string node, string rule) =>
        new(403, "Forbidden", $"{request.Kind.Resource} \"{request.Object.Metadata.Name}\" is forbidden: node \"{node}\" {rule}");
}
