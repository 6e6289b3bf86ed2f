using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Contracts.Store;
using OrleansOrchestrator.Silo.Controllers;
using OrleansOrchestrator.Silo.Quotas;
using static OrleansOrchestrator.Silo.Api.Admission.Validation;
using static OrleansOrchestrator.Silo.Api.Tables.TableColumns;

namespace OrleansOrchestrator.Silo.Kinds.ResourceQuotas;

/// <summary>
/// Core <c>v1</c> ResourceQuota: the most a namespace may hold, enforced by the quota admission step and counted by the
/// namespace's quota grain, which a change to any quota wakes (see docs/quotas.md).
/// </summary>
public static class ResourceQuotaStrategy
{
    private static readonly string[] SupportedScopes = ["BestEffort", "CrossNamespacePodAffinity", "NotBestEffort", "NotTerminating", "PriorityClass", "Terminating"];

    /// <summary>The scopes this cluster can evaluate (the others are valid for Kubernetes but would count nothing here).</summary>
    private static readonly string[] EvaluatedScopes = ["BestEffort", "NotBestEffort", "NotTerminating", "Terminating"];

    private static readonly string[] StandardNames =
        ["pods", "services", "replicationcontrollers", "resourcequotas", "secrets", "configmaps", "persistentvolumeclaims", "services.nodeports",
         "services.loadbalancers", "cpu", "memory", "ephemeral-storage", "requests.storage"];

    public static readonly KindStrategy<ResourceQuota> Strategy = new()
    {
        Identity = ResourceKinds.ResourceQuota,
        Defaults = q => q,
        Validation = (q, errors) => Validate(q.Spec, errors),
        Table =
        [
            Name,
            Age,
            Col<ResourceQuota>("Request", (q, _) => Summary(q, limits: false)),
            Col<ResourceQuota>("Limit", (q, _) => Summary(q, limits: true)),
        ],
        Fields = new Dictionary<string, Func<ResourceQuota, string>>(),
        Spec = new(q => q.Spec, TracksGeneration: false),
        Status = new((target, source) => target with { Status = source.Status }, q => q with { Status = null }),
        Scale = null,
        Owned = [],
        ControlLoop = null,
        // Any change to a quota makes its namespace's quota grain count again and write the status.
        Wakes = (tenant, q, _) => [new Wakeup(typeof(IResourceQuotaController), QuotaKeys.Of(tenant, q.Metadata.Namespace ?? ""))],
    };

    /// <summary>kubectl's REQUEST and LIMIT columns: <c>name: used/hard</c> for each limit in the status, <c>limits.*</c> in the second.</summary>
    public static string Summary(ResourceQuota quota, bool limits) =>
        string.Join(", ", (quota.Status?.Hard ?? new Dictionary<string, string>())
            .Where(h => h.Key.StartsWith("limits.", StringComparison.Ordinal) == limits)
            .OrderBy(h => h.Key, StringComparer.Ordinal)
            .Select(h => $"{h.Key}: {quota.Status?.Used?.GetValueOrDefault(h.Key) ?? "0"}/{h.Value}"));

    /// <summary>Kubernetes' ValidateResourceQuotaSpec: standard resource names, valid non-negative quantities, known scopes.</summary>
    public static void Validate(ResourceQuotaSpec spec, List<FieldCause> errors)
    {
        foreach (var (name, text) in spec.Hard ?? new Dictionary<string, string>())
        {
            var path = $"spec.hard[{name}]";
            if (!IsStandard(name)) errors.Add(InvalidValue(path, Quote(name), "must be a standard resource for quota"));
            if (NonNegativeQuantity(text, path, errors) is { } value && value != decimal.Truncate(value) && !name.Contains("cpu", StringComparison.Ordinal))
                errors.Add(InvalidValue(path, Quote(text), "must be an integer"));
            if (spec.Scopes is { Count: > 0 } && !QuotaUsage.ScopeAllows(name))
                errors.Add(InvalidValue("spec.scopes", Quote(string.Join(",", spec.Scopes)), "unsupported scope applied to resource"));
        }
        foreach (var (scope, i) in (spec.Scopes ?? []).Select((s, i) => (s, i)))
        {
            if (!SupportedScopes.Contains(scope)) errors.Add(NotSupported($"spec.scopes[{i}]", scope, SupportedScopes));
            else if (!EvaluatedScopes.Contains(scope)) errors.Add(NotSupported($"spec.scopes[{i}]", scope, EvaluatedScopes));
        }
        var scopes = spec.Scopes ?? [];
        if (scopes.Contains("Terminating") && scopes.Contains("NotTerminating") || scopes.Contains("BestEffort") && scopes.Contains("NotBestEffort"))
            errors.Add(InvalidValue("spec.scopes", Quote(string.Join(",", scopes)), "conflicting scopes"));
    }

    private static bool IsStandard(string name) =>
        StandardNames.Contains(name)
        || name.StartsWith("requests.", StringComparison.Ordinal) && name.Length > "requests.".Length
        || name.StartsWith("limits.", StringComparison.Ordinal) && name.Length > "limits.".Length
        || name.StartsWith("count/", StringComparison.Ordinal) && name.Length > "count/".Length
        || name.StartsWith("hugepages-", StringComparison.Ordinal)
        || name.Contains(".storageclass.storage.k8s.io/", StringComparison.Ordinal);
}
