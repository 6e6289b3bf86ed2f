using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Contracts.Selection;
using OrleansOrchestrator.Contracts.Store;
using static OrleansOrchestrator.Silo.Api.Admission.Validation;

namespace OrleansOrchestrator.Silo.Kinds.Rbac;

/// <summary>
/// Kubernetes' rules for roles and bindings (<c>pkg/apis/rbac/validation</c>) and their defaults
/// (<c>SetDefaults_Subject</c>), with its messages.
/// </summary>
public static class RbacValidation
{
    public const string Group = ResourceKinds.RbacGroup;
    public const string UserKind = "User";
    public const string GroupKind = "Group";
    public const string ServiceAccountKind = "ServiceAccount";

    /// <summary>
    /// The most entries one list of a rule may hold. Kubernetes sets none; ours bounds the escalation check, which
    /// breaks a rule into every combination of its lists' entries. Real roles name a few dozen at most.
    /// </summary>
    public const int MaxRuleListEntries = 256;

    /// <summary>The most single-verb, single-resource rules one rule may break into (<see cref="Api.Auth.Rbac.PolicyRules.Breakdown"/>).</summary>
    public const int MaxBrokenDownRules = 10_000;

    /// <summary>ValidatePolicyRule: verbs always; resource rules need groups and resources; URL rules neither, and not in a namespace.</summary>
    public static void Rules(IReadOnlyList<PolicyRule>? rules, bool namespaced, List<FieldCause> errors)
    {
        for (var i = 0; i < (rules?.Count ?? 0); i++)
        {
            var rule = rules![i];
            var path = $"rules[{i}]";
            if (rule.Verbs.Count == 0) errors.Add(Required($"{path}.verbs", "verbs must contain at least one value"));
            var tooLong = false;
            foreach (var (field, list) in new[] { ("verbs", rule.Verbs), ("apiGroups", rule.ApiGroups), ("resources", rule.Resources), ("resourceNames", rule.ResourceNames), ("nonResourceURLs", rule.NonResourceURLs) })
            {
                if (list is not { Count: > MaxRuleListEntries }) continue;
                errors.Add(TooMany($"{path}.{field}", list.Count, MaxRuleListEntries));
                tooLong = true;
            }
            if (!tooLong && Api.Auth.Rbac.PolicyRules.BreakdownCount(rule) is > MaxBrokenDownRules and var parts)
                errors.Add(new FieldCause(path, "FieldValueInvalid", string.Create(System.Globalization.CultureInfo.InvariantCulture,
                    $"Invalid value: {parts}: the rule grants {parts} combinations of verb, API group, resource and name (or URL), must be at most {MaxBrokenDownRules}; split it into several rules")));
            if (rule.NonResourceURLs is { Count: > 0 } urls)
            {
                if (namespaced) errors.Add(InvalidValue($"{path}.nonResourceURLs", GoStrings(urls), "namespaced rules cannot apply to non-resource URLs"));
                if (rule.ApiGroups is { Count: > 0 } || rule.Resources is { Count: > 0 } || rule.ResourceNames is { Count: > 0 })
                    errors.Add(InvalidValue($"{path}.nonResourceURLs", GoStrings(urls), "rules cannot apply to both regular resources and non-resource URLs"));
                continue;
            }
            if (rule.ApiGroups is not { Count: > 0 }) errors.Add(Required($"{path}.apiGroups", "resource rules must supply at least one api group"));
            if (rule.Resources is not { Count: > 0 }) errors.Add(Required($"{path}.resources", "resource rules must supply at least one resource"));
        }
    }

    /// <summary>ValidateClusterRole's aggregation part: at least one selector, each a valid label selector.</summary>
    public static void Aggregation(AggregationRule? aggregation, List<FieldCause> errors)
    {
        if (aggregation is null) return;
        if (aggregation.ClusterRoleSelectors is not { Count: > 0 })
        {
            errors.Add(Required("aggregationRule.clusterRoleSelectors", "at least one clusterRoleSelector required if aggregationRule is non-nil"));
            return;
        }
        for (var i = 0; i < aggregation.ClusterRoleSelectors.Count; i++)
        {
            try { SelectorParser.FromLabelSelector(aggregation.ClusterRoleSelectors[i]); }
            catch (FormatException e) { errors.Add(InvalidValue($"aggregationRule.clusterRoleSelectors[{i}]", "", e.Message)); }
        }
    }

    /// <summary>ValidateRoleBinding / ValidateClusterRoleBinding: the role reference and every subject.</summary>
    public static void Binding(RoleRef roleRef, IReadOnlyList<Subject>? subjects, bool namespaced, List<FieldCause> errors)
    {
        if (roleRef.ApiGroup != Group) errors.Add(NotSupported("roleRef.apiGroup", roleRef.ApiGroup, [Group]));
        string[] kinds = namespaced ? ["Role", "ClusterRole"] : ["ClusterRole"];
        if (!kinds.Contains(roleRef.Kind)) errors.Add(NotSupported("roleRef.kind", roleRef.Kind, kinds));
        if (roleRef.Name.Length == 0) errors.Add(Required("roleRef.name", ""));
        else if (Api.ResourcePath.SegmentNameProblem(roleRef.Name) is { } problem) errors.Add(InvalidValue("roleRef.name", Quote(roleRef.Name), problem));

        for (var i = 0; i < (subjects?.Count ?? 0); i++) Subject(subjects![i], namespaced, $"subjects[{i}]", errors);
    }

    /// <summary>ValidateRoleBindingSubject.</summary>
    private static void Subject(Subject subject, bool namespaced, string path, List<FieldCause> errors)
    {
        if (subject.Name.Length == 0) errors.Add(Required($"{path}.name", ""));
        switch (subject.Kind)
        {
            case ServiceAccountKind:
                if (subject.Name.Length > 0 && Subdomain(subject.Name) is { } problem) errors.Add(InvalidValue($"{path}.name", Quote(subject.Name), problem));
                if (subject.ApiGroup is { Length: > 0 } group) errors.Add(NotSupported($"{path}.apiGroup", group, [""]));
                if (!namespaced && string.IsNullOrEmpty(subject.Namespace)) errors.Add(Required($"{path}.namespace", ""));
                break;
            case UserKind or GroupKind:
                if (subject.ApiGroup != Group) errors.Add(NotSupported($"{path}.apiGroup", subject.ApiGroup ?? "", [Group]));
                break;
            default:
                errors.Add(NotSupported($"{path}.kind", subject.Kind, [ServiceAccountKind, UserKind, GroupKind]));
                break;
        }
    }

    /// <summary>SetDefaults_Subject: users and groups are of the RBAC group when none is given.</summary>
    public static IReadOnlyList<Subject>? DefaultSubjects(IReadOnlyList<Subject>? subjects) =>
        subjects?.Select(s => s.ApiGroup is null or "" && s.Kind is UserKind or GroupKind ? s with { ApiGroup = Group } : s).ToList();

    /// <summary>ValidateRoleBindingUpdate: Kubernetes refuses to change what a binding grants; a new binding must be made.</summary>
    public static FieldCause? RoleRefUnchanged(RoleRef before, RoleRef after) =>
        before == after
            ? null
            : InvalidValue("roleRef", $"rbac.RoleRef{{APIGroup:{Quote(after.ApiGroup)}, Kind:{Quote(after.Kind)}, Name:{Quote(after.Name)}}}", "cannot change roleRef");

    private static FieldCause TooMany(string field, int count, int max) =>
        new(field, "FieldValueTooMany", string.Create(System.Globalization.CultureInfo.InvariantCulture, $"Too many: {count}: must have at most {max} items"));

    /// <summary>A string list as Go's <c>%#v</c> prints it in Kubernetes' messages: <c>[]string{"/healthz"}</c>.</summary>
    private static string GoStrings(IEnumerable<string> values) => $"[]string{{{string.Join(", ", values.Select(Quote))}}}";

    /// <summary>The <c>Role</c> column of bindings: <c>ClusterRole/admin</c>.</summary>
    public static string RoleText(RoleRef roleRef) => $"{roleRef.Kind}/{roleRef.Name}";

    /// <summary>The names of the subjects of one kind, comma-separated (service accounts as <c>namespace/name</c>), as kubectl's wide columns.</summary>
    public static string SubjectsText(IReadOnlyList<Subject>? subjects, string kind) =>
        string.Join(", ", (subjects ?? []).Where(s => s.Kind == kind).Select(s => kind == ServiceAccountKind ? $"{s.Namespace}/{s.Name}" : s.Name));

    /// <summary>The <c>Created At</c> column of roles: RFC 3339, as Kubernetes prints it.</summary>
    public static string CreatedAt(KubeObject obj) =>
        obj.Metadata.CreationTimestamp?.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture) ?? "";
}
