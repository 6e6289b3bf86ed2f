using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Contracts.Presentation;
using OrleansOrchestrator.Contracts.Selection;

namespace OrleansOrchestrator.Silo.Api.Tables;

/// <summary>One column of <c>kubectl get</c>; priority 1 columns show only with <c>-o wide</c>.</summary>
public sealed record TableColumn(string Name, string Type, string Format, string Description, int Priority, Func<KubeObject, DateTimeOffset, object?> Cell);

/// <summary>The columns the Kubernetes API server prints for each kind (server-side printing).</summary>
public static class TableColumns
{
    private static TableColumn Name => new("Name", "string", "name", "Name must be unique within a namespace.", 0, (o, _) => o.Metadata.Name);
    private static TableColumn Age => new("Age", "string", "", "CreationTimestamp is a timestamp representing the server time when this object was created.", 0, (o, now) => HumanDuration.Since(o.Metadata.CreationTimestamp, now));

    private static TableColumn Col<T>(string name, Func<T, DateTimeOffset, object?> cell, int priority = 0, string type = "string", string description = "")
        where T : KubeObject => new(name, type, "", description, priority, (o, now) => cell((T)o, now));

    public static IReadOnlyList<TableColumn> For(ResourceKind kind) => kind.Kind switch
    {
        "Pod" =>
        [
            Name,
            Col<Pod>("Ready", (p, _) => Ready(PodStatusText.Summarize(p))),
            Col<Pod>("Status", (p, _) => PodStatusText.Of(p)),
            Col<Pod>("Restarts", (p, now) => Restarts(PodStatusText.Summarize(p), now)),
            Age,
            Col<Pod>("IP", (p, _) => p.Status?.PodIP ?? "<none>", 1),
            Col<Pod>("Node", (p, _) => p.Spec.NodeName ?? "<none>", 1),
            Col<Pod>("Nominated Node", (p, _) => p.Status?.NominatedNodeName ?? "<none>", 1),
            Col<Pod>("Readiness Gates", (_, _) => "<none>", 1),
        ],
        "Deployment" =>
        [
            Name,
            Col<Deployment>("Ready", (d, _) => $"{d.Status?.ReadyReplicas ?? 0}/{d.Spec.Replicas ?? 0}"),
            Col<Deployment>("Up-to-date", (d, _) => d.Status?.UpdatedReplicas ?? 0, type: "integer"),
            Col<Deployment>("Available", (d, _) => d.Status?.AvailableReplicas ?? 0, type: "integer"),
            Age,
            Col<Deployment>("Containers", (d, _) => Containers(d.Spec.Template.Spec), 1),
            Col<Deployment>("Images", (d, _) => Images(d.Spec.Template.Spec), 1),
            Col<Deployment>("Selector", (d, _) => Selector(d.Spec.Selector), 1),
        ],
        "ReplicaSet" =>
        [
            Name,
            Col<ReplicaSet>("Desired", (r, _) => r.Spec.Replicas ?? 0, type: "integer"),
            Col<ReplicaSet>("Current", (r, _) => r.Status?.Replicas ?? 0, type: "integer"),
            Col<ReplicaSet>("Ready", (r, _) => r.Status?.ReadyReplicas ?? 0, type: "integer"),
            Age,
            Col<ReplicaSet>("Containers", (r, _) => Containers(r.Spec.Template?.Spec), 1),
            Col<ReplicaSet>("Images", (r, _) => Images(r.Spec.Template?.Spec), 1),
            Col<ReplicaSet>("Selector", (r, _) => Selector(r.Spec.Selector), 1),
        ],
        "StatefulSet" =>
        [
            Name,
            Col<StatefulSet>("Ready", (s, _) => $"{s.Status?.ReadyReplicas ?? 0}/{s.Spec.Replicas ?? 0}"),
            Age,
            Col<StatefulSet>("Containers", (s, _) => Containers(s.Spec.Template.Spec), 1),
            Col<StatefulSet>("Images", (s, _) => Images(s.Spec.Template.Spec), 1),
        ],
        "Service" =>
        [
            Name,
            Col<Service>("Type", (s, _) => s.Spec.Type),
            Col<Service>("Cluster-IP", (s, _) => s.Spec.ClusterIP ?? "<none>"),
            Col<Service>("External-IP", (s, _) => ExternalIps(s)),
            Col<Service>("Port(s)", (s, _) => Ports(s.Spec)),
            Age,
            Col<Service>("Selector", (s, _) => s.Spec.Selector is { Count: > 0 } sel ? string.Join(",", sel.Select(p => $"{p.Key}={p.Value}")) : "<none>", 1),
        ],
        "Node" =>
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
        "Namespace" => [Name, Col<Namespace>("Status", (n, _) => n.Status?.Phase ?? "Active"), Age],
        "ConfigMap" => [Name, Col<ConfigMap>("Data", (c, _) => (c.Data?.Count ?? 0) + (c.BinaryData?.Count ?? 0), type: "integer"), Age],
        "Secret" => [Name, Col<Secret>("Type", (s, _) => s.Type), Col<Secret>("Data", (s, _) => s.Data?.Count ?? 0, type: "integer"), Age],
        "Endpoints" => [Name, Col<Endpoints>("Endpoints", (e, _) => EndpointsText(e)), Age],
        "PersistentVolumeClaim" =>
        [
            Name,
            Col<PersistentVolumeClaim>("Status", (p, _) => p.Status?.Phase ?? "Pending"),
            Col<PersistentVolumeClaim>("Volume", (p, _) => p.Spec.VolumeName ?? ""),
            Col<PersistentVolumeClaim>("Capacity", (p, _) => p.Status?.Capacity?.GetValueOrDefault("storage") ?? ""),
            Col<PersistentVolumeClaim>("Access Modes", (p, _) => string.Join(",", (p.Status?.AccessModes ?? []).Select(AccessMode))),
            Col<PersistentVolumeClaim>("StorageClass", (p, _) => p.Spec.StorageClassName ?? "<unset>"),
            Age,
        ],
        "Event" =>
        [
            Col<Event>("Last Seen", (e, now) => HumanDuration.Since(e.LastTimestamp ?? e.EventTime ?? e.Metadata.CreationTimestamp, now)),
            Col<Event>("Type", (e, _) => e.Type),
            Col<Event>("Reason", (e, _) => e.Reason),
            Col<Event>("Object", (e, _) => $"{e.InvolvedObject.Kind?.ToLowerInvariant()}/{e.InvolvedObject.Name}"),
            Col<Event>("Subobject", (e, _) => e.InvolvedObject.FieldPath ?? "", 1),
            Col<Event>("Source", (e, _) => e.Source?.Component ?? e.ReportingComponent ?? "", 1),
            Col<Event>("Message", (e, _) => e.Message),
            Col<Event>("First Seen", (e, now) => HumanDuration.Since(e.FirstTimestamp ?? e.EventTime, now), 1),
            Col<Event>("Count", (e, _) => e.Count ?? 1, 1, "integer"),
            Col<Event>("Name", (e, _) => e.Metadata.Name, 1),
        ],
        _ => [Name, Age],
    };

    /// <summary>kubectl's READY: ready containers of all that run for the pod's life (native sidecars included).</summary>
    private static string Ready(PodSummary summary) => $"{summary.ReadyContainers}/{summary.TotalContainers}";

    /// <summary>kubectl's RESTARTS: the count, and how long ago the last counted restart was ("3 (2m ago)").</summary>
    private static string Restarts(PodSummary summary, DateTimeOffset now)
    {
        var count = summary.Restarts.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return summary is { Restarts: not 0, LastRestart: { } last } ? $"{count} ({HumanDuration.Since(last, now)} ago)" : count;
    }

    private static string Containers(PodSpec? spec) => string.Join(",", spec?.Containers.Select(c => c.Name) ?? []);

    private static string Images(PodSpec? spec) => string.Join(",", spec?.Containers.Select(c => c.Image) ?? []);

    private static string Selector(LabelSelector? selector)
    {
        var requirements = SelectorParser.FromLabelSelector(selector);
        return requirements.Count == 0 ? "<none>" : SelectorParser.Format(requirements);
    }

    private static string ExternalIps(Service s)
    {
        var ips = new List<string>(s.Spec.ExternalIPs ?? []);
        if (s.Spec.Type == "LoadBalancer")
        {
            ips.AddRange(s.Status?.LoadBalancer?.Ingress?.Select(i => i.Ip ?? i.Hostname ?? "") ?? []);
            if (ips.Count == 0) return "<pending>";
        }
        if (s.Spec.Type == "ExternalName") return s.Spec.ExternalName ?? "<none>";
        return ips.Count == 0 ? "<none>" : string.Join(",", ips);
    }

    private static string Ports(ServiceSpec spec) =>
        spec.Ports is not { Count: > 0 } ports
            ? "<none>"
            : string.Join(",", ports.Select(p => p.NodePort is { } np and not 0 ? $"{p.Port}:{np}/{p.Protocol}" : $"{p.Port}/{p.Protocol}"));

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

    private static string EndpointsText(Endpoints e)
    {
        var list = (e.Subsets ?? [])
            .SelectMany(s => (s.Addresses ?? []).SelectMany(a => (s.Ports is { Count: > 0 } ports ? ports.Select(p => $"{a.Ip}:{p.Port}") : [a.Ip])))
            .ToList();
        if (list.Count == 0) return "<none>";
        return list.Count > 3 ? string.Join(",", list.Take(3)) + $" + {list.Count - 3} more..." : string.Join(",", list);
    }

    private static string AccessMode(string mode) => mode switch
    {
        "ReadWriteOnce" => "RWO",
        "ReadOnlyMany" => "ROX",
        "ReadWriteMany" => "RWX",
        "ReadWriteOncePod" => "RWOP",
        _ => mode,
    };
}
