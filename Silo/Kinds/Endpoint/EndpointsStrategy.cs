using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Contracts.Store;
using OrleansOrchestrator.Silo.Api.Admission;
using OrleansOrchestrator.Silo.Controllers.Endpoints;
using static OrleansOrchestrator.Silo.Api.Tables.TableColumns;

namespace OrleansOrchestrator.Silo.Kinds.Endpoint;

/// <summary>Core <c>v1</c> Endpoints: the addresses behind a Service, kept by the silo.</summary>
public static class EndpointsStrategy
{
    public static readonly KindStrategy<Endpoints> Strategy = new()
    {
        Identity = ResourceKinds.Endpoints,
        Defaults = e => e,
        Validation = (_, _) => { },
        Table = [Name, Col<Endpoints>("Endpoints", (e, _) => EndpointsText(e)), Age],
        Fields = new Dictionary<string, Func<Endpoints, string>>(),
        Spec = null,
        Status = null,
        Scale = null,
        Owned = [],
        ControlLoop = null,
        // The endpoints controller repairs the Endpoints it keeps, and routes Services without a selector through their user's Endpoints.
        Wakes = (tenant, endpoints, _) => EndpointsWakes.ForNamespace(tenant, endpoints.Metadata.Namespace),
    };

    private static string EndpointsText(Endpoints e)
    {
        var list = (e.Subsets ?? [])
            .SelectMany(s => (s.Addresses ?? []).SelectMany(a => (s.Ports is { Count: > 0 } ports ? ports.Select(p => $"{a.Ip}:{p.Port}") : [a.Ip])))
            .ToList();
        if (list.Count == 0) return "<none>";
        return list.Count > 3 ? string.Join(",", list.Take(3)) + $" + {list.Count - 3} more..." : string.Join(",", list);
    }
}
