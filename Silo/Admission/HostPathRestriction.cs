using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Contracts.Store;
using OrleansOrchestrator.Silo.Api.Auth;
using OrleansOrchestrator.Silo.Kinds;

namespace OrleansOrchestrator.Silo.Admission;

/// <summary>
/// Validating: <c>hostPath</c> volumes reach into the node itself, so only cluster administrators
/// (<see cref="Caller.AdminGroup"/>) may ask for them — in a pod, in any workload's pod template (read through the kind
/// registry, <see cref="KindStrategy.PodSpecOf"/>) and in a PersistentVolume. Kubernetes leaves this to Pod Security
/// admission (the <c>baseline</c> level forbids hostPath); here it is always on. Control loops and node agents pass:
/// the pods a controller makes come from a template a user's write was checked against. A write that keeps the
/// host paths the object already had (an administrator's pod relabelled by its team) passes too.
/// </summary>
public sealed class HostPathRestriction : IValidatingAdmission
{
    public const string Reason = "hostPath volumes are reserved for cluster administrators";

    public ValueTask<StoreError?> Validate(AdmissionRequest request) => ValueTask.FromResult(Refusal(request));

    private static StoreError? Refusal(AdmissionRequest request)
    {
        if (!request.WritesMain || Exempt(request.Actor)) return null;
        var paths = HostPaths(request.Object);
        if (paths.Count == 0 || request.Old is { } old && paths.IsSubsetOf(HostPaths(old))) return null;
        return new StoreError(403, "Forbidden", $"{request.Kind.Resource} \"{request.Object.Metadata.Name}\" is forbidden: {Reason}");
    }

    private static bool Exempt(Actor actor) =>
        actor.Groups.Contains(Caller.AdminGroup) || actor.Groups.Contains(Actor.ControllersGroup) || actor.Groups.Contains(Actor.NodesGroup);

    /// <summary>The host paths the object asks for.</summary>
    private static HashSet<string> HostPaths(KubeObject obj)
    {
        var paths = new HashSet<string>(StringComparer.Ordinal);
        if (obj is PersistentVolume { Spec.HostPath: { } volumePath }) paths.Add(volumePath.Path);
        foreach (var volume in KindRegistry.For(obj).PodSpecOf(obj)?.Volumes ?? [])
            if (volume.HostPath is { } hostPath) paths.Add(hostPath.Path);
        return paths;
    }
}
