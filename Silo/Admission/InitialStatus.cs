using OrleansOrchestrator.Contracts.Model;

namespace OrleansOrchestrator.Silo.Admission;

/// <summary>
/// The status a new object starts with, whatever its creator sent (Kubernetes' <c>PrepareForCreate</c>): status
/// is observed, never requested. A pod starts Pending with its quality-of-service class; workloads start with
/// none. Nodes and namespaces keep theirs (a node registers with what its agent observed).
/// </summary>
public static class InitialStatus
{
    public static KubeObject Of(KubeObject obj) => obj switch
    {
        Pod p => p with { Status = new PodStatus { Phase = "Pending", QosClass = QosClass(p.Spec) } },
        Deployment d => d with { Status = null },
        ReplicaSet r => r with { Status = null },
        StatefulSet s => s with { Status = null },
        Service s => s with { Status = new ServiceStatus { LoadBalancer = new LoadBalancerStatus() } },
        _ => obj,
    };

    /// <summary>Kubernetes' quality-of-service class of a pod, from its containers' requests and limits.</summary>
    public static string QosClass(PodSpec spec)
    {
        var containers = spec.Containers;
        if (containers.All(c => c.Resources?.Requests is not { Count: > 0 } && c.Resources?.Limits is not { Count: > 0 })) return "BestEffort";
        var guaranteed = containers.All(c =>
            c.Resources?.Limits is { } limits && limits.ContainsKey("cpu") && limits.ContainsKey("memory")
            && (c.Resources.Requests ?? limits).All(r => limits.TryGetValue(r.Key, out var l) && l == r.Value));
        return guaranteed ? "Guaranteed" : "Burstable";
    }
}
