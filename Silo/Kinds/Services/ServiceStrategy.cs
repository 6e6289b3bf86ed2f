using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Contracts.Store;
using OrleansOrchestrator.Silo.Api.Admission;
using OrleansOrchestrator.Silo.Controllers.Endpoints;
using static OrleansOrchestrator.Silo.Api.Tables.TableColumns;
using static OrleansOrchestrator.Silo.Api.Admission.Validation;

namespace OrleansOrchestrator.Silo.Kinds.Services;

/// <summary>Core <c>v1</c> Service: a cluster IP (and node ports) in front of the pods its selector picks.</summary>
public static class ServiceStrategy
{
    public static readonly KindStrategy<Service> Strategy = new()
    {
        Identity = ResourceKinds.Service,
        Names = NameRule.Dns1035Label,
        Defaults = svc => svc with { Spec = Defaulted(svc.Spec) },
        Validation = Validate,
        Table =
        [
            Name,
            Col<Service>("Type", (s, _) => s.Spec.Type),
            Col<Service>("Cluster-IP", (s, _) => s.Spec.ClusterIP ?? "<none>"),
            Col<Service>("External-IP", (s, _) => ExternalIps(s)),
            Col<Service>("Port(s)", (s, _) => Ports(s.Spec)),
            Age,
            Col<Service>("Selector", (s, _) => s.Spec.Selector is { Count: > 0 } sel ? string.Join(",", sel.Select(p => $"{p.Key}={p.Value}")) : "<none>", 1),
        ],
        Fields = new Dictionary<string, Func<Service, string>>(),
        Spec = new(s => s.Spec),
        Status = new((target, source) => target with { Status = source.Status },
            s => s with { Status = new ServiceStatus { LoadBalancer = new LoadBalancerStatus() } }),
        Scale = null,
        // The endpoints controller gives each Service with a selector its Endpoints and EndpointSlices.
        Owned = [ResourceKinds.Endpoints, ResourceKinds.EndpointSlice],
        ControlLoop = null,
        Wakes = (tenant, service, _) => EndpointsWakes.ForNamespace(tenant, service.Metadata.Namespace),
    };

    private static ServiceSpec Defaulted(ServiceSpec spec)
    {
        var type = spec.Type ?? "ClusterIP";
        return spec with
        {
            Type = type,
            SessionAffinity = spec.SessionAffinity ?? "None",
            Ports = spec.Ports?.Select(p => p with
            {
                Protocol = p.Protocol ?? "TCP",
                TargetPort = p.TargetPort ?? p.Port,
            }).ToList(),
            InternalTrafficPolicy = type == "ExternalName" ? spec.InternalTrafficPolicy : spec.InternalTrafficPolicy ?? "Cluster",
            ExternalTrafficPolicy = type is "NodePort" or "LoadBalancer" ? spec.ExternalTrafficPolicy ?? "Cluster" : spec.ExternalTrafficPolicy,
            IpFamilies = type == "ExternalName" ? spec.IpFamilies : spec.IpFamilies ?? ["IPv4"],
            IpFamilyPolicy = type == "ExternalName" ? spec.IpFamilyPolicy : spec.IpFamilyPolicy ?? "SingleStack",
        };
    }

    private static void Validate(Service service, List<FieldCause> errors)
    {
        var spec = service.Spec;
        if (spec.Type is { } type && type is not ("ClusterIP" or "NodePort" or "LoadBalancer" or "ExternalName"))
            errors.Add(new FieldCause("spec.type", "FieldValueNotSupported", $"Unsupported value: {Quote(type)}: supported values: \"ClusterIP\", \"ExternalName\", \"LoadBalancer\", \"NodePort\""));
        if (spec.Type != "ExternalName" && spec.Ports is not { Count: > 0 } && spec.ClusterIP != "None")
            errors.Add(Required("spec.ports", ""));
        var names = new HashSet<string>();
        for (var i = 0; i < (spec.Ports?.Count ?? 0); i++)
        {
            var port = spec.Ports![i];
            PortNumber(port.Port, $"spec.ports[{i}].port", errors);
            Protocol(port.Protocol, $"spec.ports[{i}].protocol", errors);
            if (spec.Ports.Count > 1 && string.IsNullOrEmpty(port.Name)) errors.Add(Required($"spec.ports[{i}].name", ""));
            else if (!string.IsNullOrEmpty(port.Name) && !names.Add(port.Name)) errors.Add(Duplicate($"spec.ports[{i}].name", port.Name));
            if (!string.IsNullOrEmpty(port.Name) && Label(port.Name) is { } nameProblem)
                errors.Add(InvalidValue($"spec.ports[{i}].name", Quote(port.Name), nameProblem));
            if (port.TargetPort is { IsInt: true } target) PortNumber(target.IntValue ?? 0, $"spec.ports[{i}].targetPort", errors);
            if (port.NodePort is { } nodePort && nodePort != 0 && spec.Type is not ("NodePort" or "LoadBalancer"))
                errors.Add(new FieldCause($"spec.ports[{i}].nodePort", "FieldValueForbidden", "Forbidden: may not be used when `type` is 'ClusterIP'"));
        }
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
}
