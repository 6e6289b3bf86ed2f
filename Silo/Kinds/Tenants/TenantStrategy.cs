using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Contracts.Store;
using OrleansOrchestrator.Silo.Controllers;
using OrleansOrchestrator.Silo.Quotas;
using OrleansOrchestrator.Silo.Tenancy;
using static OrleansOrchestrator.Silo.Api.Admission.Validation;
using static OrleansOrchestrator.Silo.Api.Tables.TableColumns;

namespace OrleansOrchestrator.Silo.Kinds.Tenants;

/// <summary>
/// <c>tenancy.orleans-orchestrator.io/v1</c> Tenant: the operator's, stored in the system tenant (see
/// <see cref="ResourceKinds.IsOperatorOnly"/>). Created, it carries the finalizer its lifecycle grain removes once
/// everything of the tenant is gone; any change wakes that grain (<see cref="ITenantLifecycle"/>). Its quota is kept
/// by the tenant's quota grain (<see cref="ITenantQuota"/>), which the admission step tells about every write.
/// </summary>
public static class TenantStrategy
{
    /// <summary>
    /// The namespaces the system tenant uses for itself (every tenant's standard namespaces and the RBAC bootstrap
    /// records' folder), which no Tenant may be named after: the Tenant's deletion would delete that namespace.
    /// </summary>
    public static readonly IReadOnlySet<string> SystemNamespaces = new HashSet<string>(StringComparer.Ordinal)
        { "default", "kube-system", "kube-public", "kube-node-lease", Hosting.RbacBootstrap.MarkerNamespace };

    public static readonly KindStrategy<Tenant> Strategy = new()
    {
        Identity = ResourceKinds.Tenant,
        // A tenant's name is also a namespace of the system tenant (where the operator's per-tenant kinds live).
        Names = NameRule.Label,
        Defaults = t => t,
        Validation = (t, errors) =>
        {
            // The system tenant holds the operator's objects (Nodes, Tenants, the bootstrap records): deleting a Tenant of that name would empty it.
            if (t.Metadata.Name == StoreKeys.SystemTenant)
                errors.Add(InvalidValue("metadata.name", Quote(t.Metadata.Name), "is reserved for the system tenant"));
            // A tenant's name is also a namespace of the system tenant, which a Tenant's deletion empties: never one it uses itself.
            else if (t.Metadata.Name is { } name && SystemNamespaces.Contains(name))
                errors.Add(InvalidValue("metadata.name", Quote(name), "is reserved: the system tenant uses a namespace of this name"));
            Validate(t.Spec, errors);
        },
        Table =
        [
            Name,
            Col<Tenant>("Status", (t, _) => Phase(t)),
            Col<Tenant>("Pods", (t, _) => UsedOf(t, "pods")),
            Col<Tenant>("Namespaces", (t, _) => UsedOf(t, "namespaces", "count/namespaces")),
            Age,
            Col<Tenant>("Quota", (t, _) => Summary(t), 1),
        ],
        Fields = new Dictionary<string, Func<Tenant, string>>
        {
            ["status.phase"] = Phase,
        },
        Spec = new(t => t.Spec, TracksGeneration: false),
        Status = new((target, source) => target with { Status = source.Status }, t => t with { Status = new TenantStatus { Phase = TenantPhases.Active } }),
        OnCreate = t => t with { Metadata = t.Metadata with { Finalizers = [.. (t.Metadata.Finalizers ?? []).Where(f => f != TenantPhases.Finalizer), TenantPhases.Finalizer] } },
        Scale = null,
        Owned = [],
        ControlLoop = null,
        Wakes = (_, t, _) => [new Wakeup(typeof(ITenantLifecycle), t.Metadata.Name ?? "")],
    };

    public static string Phase(Tenant tenant) =>
        tenant.Metadata.DeletionTimestamp is not null ? TenantPhases.Terminating : tenant.Status?.Phase ?? TenantPhases.Active;

    /// <summary><c>used/hard</c> of the first of <paramref name="names"/> the quota limits, or <c>&lt;none&gt;</c>.</summary>
    private static string UsedOf(Tenant tenant, params string[] names)
    {
        var hard = tenant.Spec.Quota?.Hard ?? new Dictionary<string, string>();
        foreach (var name in names)
            if (hard.TryGetValue(name, out var limit)) return $"{tenant.Status?.Quota?.Used?.GetValueOrDefault(name) ?? "0"}/{limit}";
        return "<none>";
    }

    /// <summary>Every limit as <c>name: used/hard</c>, as kubectl's ResourceQuota columns.</summary>
    public static string Summary(Tenant tenant) =>
        string.Join(", ", (tenant.Spec.Quota?.Hard ?? new Dictionary<string, string>())
            .OrderBy(h => h.Key, StringComparer.Ordinal)
            .Select(h => $"{h.Key}: {tenant.Status?.Quota?.Used?.GetValueOrDefault(h.Key) ?? "0"}/{h.Value}"));

    /// <summary>At most this many administrators are named in a Tenant.</summary>
    public const int MaxAdmins = 100;

    /// <summary>Only the resource names a tenant quota counts, each a valid non-negative quantity (whole, but for cpu).</summary>
    public static void Validate(TenantSpec spec, List<FieldCause> errors)
    {
        foreach (var (name, text) in spec.Quota?.Hard ?? new Dictionary<string, string>())
        {
            var path = $"spec.quota.hard[{name}]";
            if (!QuotaUsage.TenantResourceNames.Contains(name))
                errors.Add(NotSupported(path, name, QuotaUsage.TenantResourceNames));
            if (NonNegativeQuantity(text, path, errors) is { } value && value != decimal.Truncate(value) && !name.Contains("cpu", StringComparison.Ordinal))
                errors.Add(InvalidValue(path, Quote(text), "must be an integer"));
        }
        if (spec.Admins is { Count: > MaxAdmins } admins)
            errors.Add(new FieldCause("spec.admins", "FieldValueTooMany", $"Too many: {admins.Count}: must have at most {MaxAdmins} items"));
        foreach (var (admin, i) in (spec.Admins ?? []).Select((a, i) => (a, i)))
            if (string.IsNullOrWhiteSpace(admin) || admin.Length > 253)
                errors.Add(InvalidValue($"spec.admins[{i}]", Quote(admin ?? ""), "must be a user name of 1 to 253 characters"));
    }
}
