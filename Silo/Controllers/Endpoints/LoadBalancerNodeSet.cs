using OrleansOrchestrator.Contracts.Model;

namespace OrleansOrchestrator.Silo.Controllers.Endpoints;

/// <summary>
/// Which nodes serve LoadBalancer Services without a cloud, as k3s' ServiceLB has it: every Ready node that
/// takes pods and has an InternalIP, except those labelled out of external load balancers (Kubernetes'
/// <c>node.kubernetes.io/exclude-from-external-load-balancers</c>). Pure.
/// </summary>
public static class LoadBalancerNodeSet
{
    public const string ExcludeLabel = "node.kubernetes.io/exclude-from-external-load-balancers";

    /// <summary>The eligible nodes, ordered by name.</summary>
    public static IReadOnlyList<LoadBalancerNode> Eligible(IEnumerable<Node> nodes) =>
        nodes
            .Where(n => n.Metadata.DeletionTimestamp is null
                && n.Spec.Unschedulable != true
                && n.Status?.Conditions?.FirstOrDefault(c => c.Type == "Ready")?.Status == "True"
                && n.Metadata.Labels?.ContainsKey(ExcludeLabel) != true)
            .Select(n => new LoadBalancerNode(n.Metadata.Name!, n.Status!.Addresses?.FirstOrDefault(a => a.Type == "InternalIP")?.Address ?? ""))
            .Where(n => n.Address.Length > 0)
            .OrderBy(n => n.Name, StringComparer.Ordinal)
            .ToList();

    /// <summary>
    /// The load balancer status of a Service: for type LoadBalancer, the eligible nodes' addresses once each
    /// (ordered as addresses); for any other type, none — a Service that stopped being a LoadBalancer loses them.
    /// </summary>
    public static LoadBalancerStatus Status(Service service, IReadOnlyList<LoadBalancerNode> nodes) =>
        service.Spec.Type == "LoadBalancer" && nodes.Count > 0
            ? new LoadBalancerStatus
            {
                Ingress = nodes.Select(n => n.Address).Distinct(StringComparer.Ordinal).Order(AddressOrder.Instance)
                    .Select(ip => new LoadBalancerIngress { Ip = ip }).ToList(),
            }
            : new LoadBalancerStatus();

    /// <summary>Whether the stored status already says what <see cref="Status"/> computed.</summary>
    public static bool SameIngress(LoadBalancerStatus? stored, LoadBalancerStatus desired)
    {
        var have = stored?.Ingress ?? [];
        var want = desired.Ingress ?? [];
        return have.Count == want.Count && have.Zip(want).All(p => p.First.Ip == p.Second.Ip && p.First.Hostname == p.Second.Hostname);
    }
}
