using OrleansOrchestrator.Contracts.Model;

namespace OrleansOrchestrator.Silo.Controllers.Scheduling;

/// <summary>A pod as a node's accounting sees it: what it requests and holds, computed once when it is added.</summary>
/// <param name="Pod">The pod object as it was last given.</param>
/// <param name="Requests">Its requests (<see cref="PodRequests.Of"/>).</param>
/// <param name="UsedPorts">
/// The host ports it holds: those its spec asks for plus those the agent published for it
/// (<c>status.hostPorts</c>, dynamic ones included), each once.
/// </param>
public sealed record PlacedPod(Pod Pod, PodRequests Requests, IReadOnlyList<HostPort> UsedPorts)
{
    public string Key => KeyOf(Pod.Metadata.Namespace, Pod.Metadata.Name);

    public string Namespace => Pod.Metadata.Namespace ?? "";

    public IReadOnlyDictionary<string, string> Labels => Pod.Metadata.Labels ?? EmptyLabels;

    /// <summary>Kubernetes' pod priority (<c>spec.priority</c>, set from the priority class at admission); 0 when unset.</summary>
    public int Priority => Pod.Spec.Priority ?? 0;

    /// <summary>Who manages the pod (its controller owner, else its first owner); null for a bare pod.</summary>
    public string? OwnerKey => OwnerKeyOf(Pod);

    public bool Terminating => Pod.Metadata.DeletionTimestamp is not null;

    public static PlacedPod Of(Pod pod)
    {
        var requests = PodRequests.Of(pod.Spec);
        var published = pod.Status?.HostPorts?.Select(b => HostPort.Of(b.Protocol, b.HostIP, b.HostPort)) ?? [];
        var used = requests.HostPorts.Concat(published).Where(p => p.Port > 0).Distinct().ToList();
        return new PlacedPod(pod, requests, used);
    }

    public static string KeyOf(string? @namespace, string? name) => $"{@namespace}/{name}";

    /// <summary>
    /// Whether a pod still takes room on its node. Kubernetes' scheduler does not see pods that have
    /// finished (phase Succeeded or Failed); pods being deleted still count until they are gone.
    /// </summary>
    public static bool Occupies(Pod pod) => pod.Status?.Phase is not ("Succeeded" or "Failed");

    public static string? OwnerKeyOf(Pod pod)
    {
        var owners = pod.Metadata.OwnerReferences;
        if (owners is null || owners.Count == 0) return null;
        var owner = owners.FirstOrDefault(o => o.Controller == true) ?? owners[0];
        return string.IsNullOrEmpty(owner.Uid) ? $"{owner.Kind}/{owner.Name}" : owner.Uid;
    }

    private static readonly IReadOnlyDictionary<string, string> EmptyLabels = new Dictionary<string, string>();
}
