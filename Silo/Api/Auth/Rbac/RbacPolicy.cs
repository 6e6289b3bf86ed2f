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
        var selected = Selections(byName);
        foreach (var name in byName.Keys) _rules[name] = Resolve(name, byName, selected);
        Bindings = bindings.ToList();
    }

    public static readonly ClusterPolicy Empty = new([], []);

    public IReadOnlyList<ClusterRoleBinding> Bindings { get; }

    /// <summary>The rules of a ClusterRole (an aggregated one's gathered from the roles it selects), or null when there is none of that name.</summary>
    public IReadOnlyList<PolicyRule>? RulesOf(string clusterRole) => _rules.GetValueOrDefault(clusterRole);

    /// <summary>How many roles the resolution of aggregated roles stepped through while this policy was built.</summary>
    public int ResolutionSteps { get; private set; }

    /// <summary>The roles each aggregated role's selectors select (itself aside), in name order: worked out once per build.</summary>
    private static Dictionary<string, List<string>> Selections(Dictionary<string, ClusterRole> roles)
    {
        var ordered = roles.Values.OrderBy(r => r.Metadata.Name, StringComparer.Ordinal).ToList();
        var selected = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var (name, role) in roles)
        {
            if (role.AggregationRule is not { } aggregation) continue;
            var names = new List<string>();
            foreach (var selector in aggregation.ClusterRoleSelectors ?? [])
            {
                IReadOnlyList<LabelRequirement> requirements;
                try { requirements = SelectorParser.FromLabelSelector(selector); }
                catch (FormatException) { continue; }
                foreach (var other in ordered)
                    if (other.Metadata.Name != name && requirements.All(r => r.Matches(other.Metadata.Labels))) names.Add(other.Metadata.Name!);
            }
            selected[name] = names;
        }
        return selected;
    }

    /// <summary>
    /// As Kubernetes' aggregation controller once it has settled: an aggregated role holds the rules of every other role
    /// its selectors select (its own are replaced), those roles' aggregated rules included; a cycle adds nothing more.
    /// Each role is stepped through once per aggregated role, however many paths lead to it: roles that select each
    /// other must not cost a walk of every path (which grows as the factorial of their number).
    /// </summary>
    private IReadOnlyList<PolicyRule> Resolve(string name, Dictionary<string, ClusterRole> roles, Dictionary<string, List<string>> selected)
    {
        if (!selected.TryGetValue(name, out var start)) return roles[name].Rules ?? [];
        var rules = new List<PolicyRule>();
        var seenRules = new HashSet<PolicyRule>(RuleComparer.Instance);
        var visited = new HashSet<string>(StringComparer.Ordinal) { name };
        // Depth first, in the order the selectors select, so the rules come in the order the walk first meets them.
        var pending = new Stack<IEnumerator<string>>();
        pending.Push(start.GetEnumerator());
        while (pending.Count > 0)
        {
            if (!pending.Peek().MoveNext())
            {
                pending.Pop();
                continue;
            }
            var next = pending.Peek().Current;
            if (!visited.Add(next)) continue;
            ResolutionSteps++;
            if (selected.TryGetValue(next, out var further)) pending.Push(further.GetEnumerator());
            else
                foreach (var rule in roles[next].Rules ?? [])
                    if (seenRules.Add(rule)) rules.Add(rule);
        }
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
