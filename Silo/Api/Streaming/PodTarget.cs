using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Contracts.Nodes;
using OrleansOrchestrator.Silo.Api.Auth;
using OrleansOrchestrator.Silo.Api.Wire;

namespace OrleansOrchestrator.Silo.Api.Streaming;

/// <summary>
/// A container of a pod as the API reaches it through the pod's agent (logs, exec, attach, port-forward): the pod
/// as the caller sees it (404 for another tenant's), the container named or defaulted as kubectl does, and where the
/// agent of the pod's node listens.
/// </summary>
public sealed record PodTarget(Pod Pod, string Container, string Node, AgentEndpoint Endpoint)
{
    public string Uid => Pod.Metadata.Uid ?? "";

    /// <summary>The target of a request whose subresource (<c>pods/log</c>, <c>pods/exec</c>, …) the caller was already authorised for.</summary>
    public static async Task<PodTarget> Resolve(ResourceService resources, IGrainFactory grains, Caller caller, string ns, string name, string? container)
    {
        var pod = (Pod)await resources.GetForAuthorizedSubresource(caller, ResourceKinds.Pod, ns, name);
        var chosen = container ?? DefaultContainer(pod);
        if (!pod.Spec.Containers.Concat(pod.Spec.InitContainers ?? []).Any(c => c.Name == chosen))
            throw ApiException.BadRequest($"container {chosen} is not valid for pod {name}");
        if (pod.Spec.NodeName is not { Length: > 0 } node)
            throw ApiException.BadRequest($"pod {name} does not have a host assigned");
        var endpoint = await grains.GetGrain<INodeGrain>(node).Endpoint()
                       ?? throw new ApiException(503, "ServiceUnavailable", $"the agent of node {node} has not registered an endpoint");
        return new PodTarget(pod, chosen, node, endpoint);
    }

    /// <summary>As kubectl picks it: the <c>kubectl.kubernetes.io/default-container</c> annotation, else the first container.</summary>
    public static string DefaultContainer(Pod pod) =>
        pod.Metadata.Annotations?.GetValueOrDefault("kubectl.kubernetes.io/default-container") ?? pod.Spec.Containers.FirstOrDefault()?.Name ?? "";

    public ApiException AgentUnreachable(Exception e) =>
        new(503, "ServiceUnavailable", $"cannot reach the agent of node {Node}: {e.Message}");
}
