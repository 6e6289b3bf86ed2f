using OrleansOrchestrator.Contracts.Model;

namespace OrleansOrchestrator.Dashboard.Model;

/// <summary>A tenant as the operator's Tenants page shows it: its phase and, for each limit of its quota, used over hard.</summary>
public sealed record TenantRow(string Name, string Phase, IReadOnlyList<(string Resource, Allocation Allocation)> Quota, IReadOnlyList<string> Admins, DateTimeOffset? Created)
{
    public bool Terminating => Phase == "Terminating";

    public static TenantRow From(Tenant tenant)
    {
        var used = tenant.Status?.Quota?.Used ?? new Dictionary<string, string>();
        var quota = (tenant.Spec.Quota?.Hard ?? new Dictionary<string, string>())
            .OrderBy(h => h.Key, StringComparer.Ordinal)
            .Select(h => (h.Key, new Allocation(Amount(used.GetValueOrDefault(h.Key)), Amount(h.Value))))
            .ToList();
        var phase = tenant.Metadata.DeletionTimestamp is not null ? "Terminating" : tenant.Status?.Phase ?? "Active";
        return new TenantRow(tenant.Metadata.Name ?? "", phase, quota, tenant.Spec.Admins ?? [], tenant.Metadata.CreationTimestamp);
    }

    /// <summary>
    /// The Tenant the create form describes: every limit given (blank ones left out) and the administrators, comma- or
    /// space-separated. The API validates the rest and says what is wrong.
    /// </summary>
    public static Tenant NewTenant(string name, IReadOnlyDictionary<string, string?> limits, string? admins)
    {
        var hard = limits.Where(l => !string.IsNullOrWhiteSpace(l.Value)).ToDictionary(l => l.Key, l => l.Value!.Trim(), StringComparer.Ordinal);
        var adminList = (admins ?? "").Split([',', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return new Tenant
        {
            ApiVersion = ResourceKinds.Tenant.ApiVersion,
            Kind = ResourceKinds.Tenant.Kind,
            Metadata = new ObjectMeta { Name = name.Trim() },
            Spec = new TenantSpec
            {
                Quota = hard.Count == 0 ? null : new TenantQuota { Hard = hard },
                Admins = adminList.Length == 0 ? null : adminList,
            },
        };
    }

    /// <summary>The resources the create form offers, in ResourceQuota's names.</summary>
    public static readonly IReadOnlyList<string> FormResources = ["pods", "requests.cpu", "requests.memory", "namespaces", "services.loadbalancers", "services.nodeports"];

    private static decimal Amount(string? text) => Quantity.TryParse(text, out var value) ? value : 0;
}
