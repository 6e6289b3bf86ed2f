using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Contracts.Store;
using OrleansOrchestrator.Silo.Api.Admission;
using OrleansOrchestrator.Silo.Controllers.DaemonSets;
using OrleansOrchestrator.Silo.Controllers.Endpoints;
using static OrleansOrchestrator.Silo.Api.Tables.TableColumns;

namespace OrleansOrchestrator.Silo.Kinds.Nodes;

/// <summary>Core <c>v1</c> Node: registered and kept by its node agent (stored under the system tenant).</summary>
public static class NodeStrategy
{
    public static readonly KindStrategy<Node> Strategy = new()
    {
        Identity = ResourceKinds.Node,
        Defaults = node => node,
        Validation = (_, _) => { },
        Table =
        [
            Name,
            Col<Node>("Status", (n, _) => NodeStatusText(n)),
            Col<Node>("Roles", (n, _) => NodeRoles(n)),
            Age,
            Col<Node>("Version", (n, _) => n.Status?.NodeInfo?.KubeletVersion ?? ""),
            Col<Node>("Internal-IP", (n, _) => Address(n, "InternalIP"), 1),
            Col<Node>("External-IP", (n, _) => Address(n, "ExternalIP"), 1),
            Col<Node>("OS-Image", (n, _) => n.Status?.NodeInfo?.OsImage ?? "<unknown>", 1),
            Col<Node>("Kernel-Version", (n, _) => n.Status?.NodeInfo?.KernelVersion ?? "<unknown>", 1),
            Col<Node>("Container-Runtime", (n, _) => n.Status?.NodeInfo?.ContainerRuntimeVersion ?? "<unknown>", 1),
        ],
        Fields = new Dictionary<string, Func<Node, string>>
        {
            ["spec.unschedulable"] = n => (n.Spec.Unschedulable ?? false) ? "true" : "false",
        },
        Spec = new(n => n.Spec),
        // A node's agent registers it with the status it observes.
        Status = new((target, source) => target with { Status = source.Status }, n => n),
        Scale = null,
        Owned = [],
        ControlLoop = null,
        // A node coming, going or changing readiness may change which nodes serve LoadBalancer Services, and which
        // run daemon pods.
        Wakes = (_, _, _) => [.. EndpointsWakes.ForNode(), .. DaemonSetWakes.ForNode()],
    };

    private static string NodeStatusText(Node node)
    {
        var ready = node.Status?.Conditions?.FirstOrDefault(c => c.Type == "Ready");
        var text = ready?.Status switch { "True" => "Ready", null => "Unknown", _ => "NotReady" };
        return node.Spec.Unschedulable == true ? text + ",SchedulingDisabled" : text;
    }

    private static string NodeRoles(Node node)
    {
        var roles = (node.Metadata.Labels ?? new Dictionary<string, string>())
            .Where(l => l.Key.StartsWith("node-role.kubernetes.io/", StringComparison.Ordinal))
            .Select(l => l.Key["node-role.kubernetes.io/".Length..])
            .Where(r => r.Length > 0)
            .Order(StringComparer.Ordinal)
            .ToList();
        return roles.Count == 0 ? "<none>" : string.Join(",", roles);
    }

    private static string Address(Node node, string type) =>
        node.Status?.Addresses?.FirstOrDefault(a => a.Type == type)?.Address ?? "<none>";
}
