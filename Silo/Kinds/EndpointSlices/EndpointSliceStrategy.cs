using System.Globalization;
using IPAddress = System.Net.IPAddress;
using System.Net.Sockets;
using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Contracts.Store;
using OrleansOrchestrator.Silo.Controllers.Endpoints;
using static OrleansOrchestrator.Silo.Api.Tables.TableColumns;
using static OrleansOrchestrator.Silo.Api.Admission.Validation;

namespace OrleansOrchestrator.Silo.Kinds.EndpointSlices;

/// <summary><c>discovery.k8s.io/v1</c> EndpointSlice: a part of a Service's endpoints, kept by the endpoints controller.</summary>
public static class EndpointSliceStrategy
{
    /// <summary>The label naming the Service a slice belongs to.</summary>
    public const string ServiceNameLabel = "kubernetes.io/service-name";

    /// <summary>The label naming the controller that keeps a slice; other writers' slices are left alone.</summary>
    public const string ManagedByLabel = "endpointslice.kubernetes.io/managed-by";

    private const int MaxEndpoints = 1000;
    private const int MaxAddresses = 100;
    private const int MaxPorts = 100;

    private static readonly string[] AddressTypes = ["FQDN", "IPv4", "IPv6"];

    public static readonly KindStrategy<EndpointSlice> Strategy = new()
    {
        Identity = ResourceKinds.EndpointSlice,
        Defaults = Defaulted,
        Validation = Validate,
        Table =
        [
            Name,
            Col<EndpointSlice>("AddressType", (s, _) => s.AddressType, description: "The type of address the endpoints of the slice have."),
            Col<EndpointSlice>("Ports", (s, _) => PortsText(s.Ports), description: "The ports of the slice."),
            Col<EndpointSlice>("Endpoints", (s, _) => EndpointsText(s.Endpoints), description: "The addresses of the slice's endpoints."),
            Age,
        ],
        Fields = new Dictionary<string, Func<EndpointSlice, string>>
        {
            ["addressType"] = s => s.AddressType,
        },
        Spec = null,
        Status = null,
        Scale = null,
        Owned = [],
        ControlLoop = null,
        // A slice changed or deleted by someone else is repaired by the controller of its namespace.
        Wakes = (tenant, slice, _) => EndpointsWakes.ForNamespace(tenant, slice.Metadata.Namespace),
    };

    /// <summary>As Kubernetes' <c>SetDefaults_EndpointPort</c>: a port's name defaults to "" and its protocol to TCP.</summary>
    private static EndpointSlice Defaulted(EndpointSlice slice) => slice with
    {
        Ports = slice.Ports?.Select(p => p with { Name = p.Name ?? "", Protocol = p.Protocol ?? "TCP" }).ToList(),
    };

    private static void Validate(EndpointSlice slice, List<FieldCause> errors)
    {
        if (string.IsNullOrEmpty(slice.AddressType)) errors.Add(Required("addressType", ""));
        else if (!AddressTypes.Contains(slice.AddressType)) errors.Add(NotSupported("addressType", slice.AddressType, AddressTypes));

        var endpoints = slice.Endpoints ?? [];
        if (endpoints.Count > MaxEndpoints) errors.Add(TooMany("endpoints", endpoints.Count, MaxEndpoints));
        for (var i = 0; i < endpoints.Count; i++)
        {
            var path = $"endpoints[{i}]";
            var addresses = endpoints[i].Addresses ?? [];
            if (addresses.Count == 0) errors.Add(Required($"{path}.addresses", "must contain at least 1 address"));
            else if (addresses.Count > MaxAddresses) errors.Add(TooMany($"{path}.addresses", addresses.Count, MaxAddresses));
            for (var a = 0; a < addresses.Count; a++) Address(slice.AddressType, addresses[a], $"{path}.addresses[{a}]", errors);
            if (endpoints[i].Hostname is { } hostname && Label(hostname) is { } problem)
                errors.Add(InvalidValue($"{path}.hostname", Quote(hostname), problem));
        }

        var ports = slice.Ports ?? [];
        if (ports.Count > MaxPorts) errors.Add(TooMany("ports", ports.Count, MaxPorts));
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < ports.Count; i++)
        {
            var port = ports[i];
            if (!string.IsNullOrEmpty(port.Name) && Label(port.Name) is { } problem)
                errors.Add(InvalidValue($"ports[{i}].name", Quote(port.Name), problem));
            if (!names.Add(port.Name ?? "")) errors.Add(Duplicate($"ports[{i}].name", port.Name ?? ""));
            if (port.Port is { } number) PortNumber(number, $"ports[{i}].port", errors);
            Protocol(port.Protocol, $"ports[{i}].protocol", errors);
        }
    }

    private static void Address(string addressType, string address, string path, List<FieldCause> errors)
    {
        var family = IPAddress.TryParse(address, out var ip) ? ip.AddressFamily : (AddressFamily?)null;
        var detail = addressType switch
        {
            "IPv4" when family != AddressFamily.InterNetwork => "must be a valid IPv4 address",
            "IPv6" when family != AddressFamily.InterNetworkV6 => "must be a valid IPv6 address",
            "FQDN" when Dns1123Subdomain(address) is { } problem => problem,
            _ => null,
        };
        if (detail is not null) errors.Add(InvalidValue(path, Quote(address), detail));
    }

    private static string? Dns1123Subdomain(string name) =>
        name.Length is 0 or > 253 || name.Split('.').Any(part => Label(part) is not null)
            ? "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character"
            : null;

    private static FieldCause TooMany(string field, int count, int max) =>
        new(field, "FieldValueTooMany", string.Create(CultureInfo.InvariantCulture, $"Too many: {count}: must have at most {max} items"));

    /// <summary>kubectl's PORTS: the first three port numbers (a port without a number prints its name, or <c>*</c>).</summary>
    internal static string PortsText(IReadOnlyList<EndpointSlicePort>? ports) =>
        ListWithMore((ports ?? []).Select(p => p.Port?.ToString(CultureInfo.InvariantCulture) ?? (string.IsNullOrEmpty(p.Name) ? "*" : p.Name)).ToList());

    /// <summary>kubectl's ENDPOINTS: the first three addresses of all the slice's endpoints.</summary>
    internal static string EndpointsText(IReadOnlyList<SliceEndpoint>? endpoints) =>
        ListWithMore((endpoints ?? []).SelectMany(e => e.Addresses ?? []).ToList());

    private static string ListWithMore(IReadOnlyList<string> items)
    {
        const int max = 3;
        if (items.Count == 0) return "<unset>";
        var shown = string.Join(",", items.Take(max));
        return items.Count > max ? string.Create(CultureInfo.InvariantCulture, $"{shown} + {items.Count - max} more...") : shown;
    }
}
