using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Contracts.Selection;

namespace OrleansOrchestrator.Silo.Api.Auth.Rbac;

/// <summary>
/// The cluster-wide part of one tenant's RBAC: its ClusterRoles, with aggregated ones resolved, and its
/// ClusterRoleBindings (which reach every namespace of the tenant, never another tenant's). Immutable: a change
/// makes a new one.
/// </summary>
public sealed class ClusterPolicy
{
    private readonly Dictionary<string, IReadOnlyList<PolicyRule>> _rules = new(StringComparer.Ordinal);

    public ClusterPolicy(IEnumerable<ClusterRole> roles, IEnumerable<ClusterRoleBinding> bindings)
    {
        var byName = roles.Where(r => r.Metadata.Name is not null).ToDictionary(r => r.Metadata.Name!, StringComparer.Ordinal);
        foreach (var name in byName.Keys) _rules[name] = Resolve(name, byName, []);
        Bindings = bindings.ToList();
    }

    public static readonly ClusterPolicy Empty = new([], []);

    public IReadOnlyList<ClusterRoleBinding> Bindings { get; }

    /// <summary>The rules of a ClusterRole (an aggregated one's gathered from the roles it selects), or null when there is none of that name.</summary>
    public IReadOnlyList<PolicyRule>? RulesOf(string clusterRole) => _rules.GetValueOrDefault(clusterRole);

    /// <summary>
    /// As Kubernetes' aggregation controller: an aggregated role holds the rules of every other role its selectors
    /// select (its own are replaced), those roles' aggregated rules included; a cycle adds nothing more.
    /// </summary>
    private static IReadOnlyList<PolicyRule> Resolve(string name, Dictionary<string, ClusterRole> roles, HashSet<string> visiting)
    {
        var role = roles[name];
        if (role.AggregationRule is not { } aggregation) return role.Rules ?? [];
        if (!visiting.Add(name)) return [];
        var rules = new List<PolicyRule>();
        foreach (var selector in aggregation.ClusterRoleSelectors ?? [])
        {
            IReadOnlyList<LabelRequirement> requirements;
            try { requirements = SelectorParser.FromLabelSelector(selector); }
            catch (FormatException) { continue; }
            foreach (var other in roles.Values.OrderBy(r => r.Metadata.Name, StringComparer.Ordinal))
            {
                if (other.Metadata.Name == name || !requirements.All(r => r.Matches(other.Metadata.Labels))) continue;
                foreach (var rule in Resolve(other.Metadata.Name!, roles, visiting))
                    if (!rules.Contains(rule, RuleComparer.Instance)) rules.Add(rule);
            }
        }
        visiting.Remove(name);
        return rules;
    }
}

/// <summary>One namespace's Roles and RoleBindings.</summary>
public sealed class NamespacePolicy(string ns, IEnumerable<Role> roles, IEnumerable<RoleBinding> bindings)
{
    private readonly Dictionary<string, IReadOnlyList<PolicyRule>> _rules =
        roles.Where(r => r.Metadata.Name is not null).ToDictionary(r => r.Metadata.Name!, r => r.Rules ?? [], StringComparer.Ordinal);

    public string Namespace { get; } = ns;

    public IReadOnlyList<RoleBinding> Bindings { get; } = bindings.ToList();

    public IReadOnlyList<PolicyRule>? RulesOf(string role) => _rules.GetValueOrDefault(role);

    public static NamespacePolicy Empty(string ns) => new(ns, [], []);
}

/// <summary>Rules compared by value (records compare their lists by reference).</summary>
public sealed class RuleComparer : IEqualityComparer<PolicyRule>
{
    public static readonly RuleComparer Instance = new();

    public bool Equals(PolicyRule? x, PolicyRule? y) =>
        x is not null && y is not null && Same(x.Verbs, y.Verbs) && Same(x.ApiGroups, y.ApiGroups) && Same(x.Resources, y.Resources)
        && Same(x.ResourceNames, y.ResourceNames) && Same(x.NonResourceURLs, y.NonResourceURLs);

    public int GetHashCode(PolicyRule rule) => HashCode.Combine(string.Join(",", rule.Verbs), string.Join(",", rule.Resources ?? []));

    private static bool Same(IReadOnlyList<string>? a, IReadOnlyList<string>? b) => (a ?? []).SequenceEqual(b ?? []);
}
