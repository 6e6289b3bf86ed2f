using IPAddress = System.Net.IPAddress;
using System.Net.Sockets;
using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Contracts.Store;
using OrleansOrchestrator.Silo.Api.Admission;

namespace OrleansOrchestrator.Silo.Admission;

/// <summary>
/// Validating, as Kubernetes' Endpoints and EndpointSlice validation (<c>ValidateNonSpecialIP</c>): an endpoint's
/// address may not be unspecified, loopback, link-local or link-/interface-local multicast. The node agents' proxy
/// DNATs a selector-less Service's addresses as they are, so without this a tenant's own Endpoints could send its
/// pods' traffic to a node's loopback services or the cloud metadata address (<c>route_localnet</c> is on).
/// Kubernetes refuses these for everyone; here the system's own control loops pass, because the bootstrap writes
/// the <c>kubernetes</c> Service's Endpoints with the API's advertise address, 127.0.0.1 by default.
/// </summary>
public sealed class EndpointAddressRestriction : IValidatingAdmission
{
    private const string ControllerPrefix = "system:controller:";

    public ValueTask<StoreError?> Validate(AdmissionRequest request) => ValueTask.FromResult(Refusal(request));

    private static StoreError? Refusal(AdmissionRequest request)
    {
        if (!request.WritesMain || IsSystem(request.Actor)) return null;
        var causes = new List<FieldCause>();
        switch (request.Object)
        {
            case Endpoints endpoints:
                var subsets = endpoints.Subsets ?? [];
                for (var i = 0; i < subsets.Count; i++)
                {
                    Addresses(subsets[i].Addresses, $"subsets[{i}].addresses", causes);
                    Addresses(subsets[i].NotReadyAddresses, $"subsets[{i}].notReadyAddresses", causes);
                }
                break;
            // FQDN slices name hosts, not addresses; the kind's validation already ties each address to the slice's type.
            case EndpointSlice { AddressType: "IPv4" or "IPv6" } slice:
                var sliceEndpoints = slice.Endpoints ?? [];
                for (var i = 0; i < sliceEndpoints.Count; i++)
                {
                    var addresses = sliceEndpoints[i].Addresses ?? [];
                    for (var a = 0; a < addresses.Count; a++)
                        if (SpecialAddressProblem(addresses[a]) is { } problem)
                            causes.Add(Validation.InvalidValue($"endpoints[{i}].addresses[{a}]", Validation.Quote(addresses[a]), problem));
                }
                break;
            default:
                return null;
        }
        return causes.Count == 0 ? null : StoreError.Invalid(request.Kind, request.Object.Metadata.Name ?? "", causes);
    }

    private static void Addresses(IReadOnlyList<EndpointAddress>? addresses, string path, List<FieldCause> causes)
    {
        for (var j = 0; j < (addresses?.Count ?? 0); j++)
            if (SpecialAddressProblem(addresses![j].Ip) is { } problem)
                causes.Add(Validation.InvalidValue($"{path}[{j}].ip", Validation.Quote(addresses[j].Ip), problem));
    }

    /// <summary>The silo's own control loops (<see cref="Controllers.SystemActors"/>), never a user of the API.</summary>
    private static bool IsSystem(Actor actor) =>
        actor.Groups.Contains(Actor.ControllersGroup) && actor.Name.StartsWith(ControllerPrefix, StringComparison.Ordinal);

    /// <summary>Why an endpoint may not have this address, or null when it may.</summary>
    public static string? SpecialAddressProblem(string address)
    {
        if (!IPAddress.TryParse(address, out var ip) || ip.AddressFamily is not (AddressFamily.InterNetwork or AddressFamily.InterNetworkV6))
            return "must be a valid IP address";
        if (ip.IsIPv4MappedToIPv6) ip = ip.MapToIPv4();
        if (ip.Equals(IPAddress.Any) || ip.Equals(IPAddress.IPv6Any)) return $"may not be unspecified ({address})";
        if (IPAddress.IsLoopback(ip)) return "may not be in the loopback range (127.0.0.0/8, ::1/128)";
        var bytes = ip.GetAddressBytes();
        if (ip.AddressFamily == AddressFamily.InterNetwork)
        {
            if (bytes[0] == 169 && bytes[1] == 254) return "may not be in the link-local range (169.254.0.0/16, fe80::/10)";
            if (bytes[0] == 224 && bytes[1] == 0 && bytes[2] == 0) return "may not be in the link-local multicast range (224.0.0.0/24, ff02::/16)";
            return null;
        }
        if (ip.IsIPv6LinkLocal) return "may not be in the link-local range (169.254.0.0/16, fe80::/10)";
        // Multicast scope is the low nibble of the second byte: 1 interface-local, 2 link-local.
        if (bytes[0] == 0xff && (bytes[1] & 0x0f) == 0x02) return "may not be in the link-local multicast range (224.0.0.0/24, ff02::/16)";
        if (bytes[0] == 0xff && (bytes[1] & 0x0f) == 0x01) return "may not be in the interface-local multicast range (ff01::/16)";
        return null;
    }
}
