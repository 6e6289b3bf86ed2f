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

    /// <summary>Kubernetes' standard quota resource names (those without a '/'; hugepages are matched by prefix).</summary>
    private static readonly string[] StandardNames =
        ["cpu", "memory", "ephemeral-storage", "requests.cpu", "requests.memory", "requests.storage", "requests.ephemeral-storage",
         "limits.cpu", "limits.memory", "limits.ephemeral-storage", "pods", "resourcequotas", "services", "replicationcontrollers",
         "secrets", "persistentvolumeclaims", "configmaps", "services.nodeports", "services.loadbalancers"];

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

    /// <summary>
    /// Kubernetes' ValidateResourceQuotaSpec: a resource name is a qualified name, and one without a '/' a standard one;
    /// valid non-negative quantities; known scopes. Beyond Kubernetes, a name it would accept but that this cluster does
    /// not count (<c>resourcequotas</c>, <c>count/events</c>, a kind not served here, a bare extended resource) is refused
    /// too, rather than stored with a <c>status.used</c> of 0 that nothing keeps true.
    /// </summary>
    public static void Validate(ResourceQuotaSpec spec, List<FieldCause> errors)
    {
        foreach (var (name, text) in spec.Hard ?? new Dictionary<string, string>())
        {
            var path = $"spec.hard[{name}]";
            if (ResourceNameProblem(name) is { } problem) errors.Add(InvalidValue(path, Quote(name), problem));
            else if (!QuotaUsage.Enforces(name))
                errors.Add(InvalidValue(path, Quote(name), "is not counted by this cluster: its usage would never be enforced (see docs/quotas.md for the names it counts)"));
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

    /// <summary>Kubernetes' rule for a quota's resource name: a qualified name, and if it has no '/', a standard resource.</summary>
    public static string? ResourceNameProblem(string name)
    {
        if (QualifiedNameProblem(name) is { } problem) return problem;
        return name.Contains('/') || StandardNames.Contains(name) || IsHugePages(name) ? null : "must be a standard resource for quota";
    }

    private static bool IsHugePages(string name) =>
        name.StartsWith(QuotaUsage.HugePagesPrefix, StringComparison.Ordinal) && name.Length > QuotaUsage.HugePagesPrefix.Length
        || name.StartsWith("requests." + QuotaUsage.HugePagesPrefix, StringComparison.Ordinal) && name.Length > ("requests." + QuotaUsage.HugePagesPrefix).Length;
}
