using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Silo.Kinds.Rbac;

namespace OrleansOrchestrator.Silo.Api.Auth.Rbac;

/// <summary>
/// Kubernetes' RBAC authorizer over one tenant's policy: a request is allowed when a rule of a role bound to the user,
/// or to one of their groups, allows it — bound by a ClusterRoleBinding (any namespace of the tenant, and cluster
/// scope) or by a RoleBinding of the request's namespace. Nothing is ever denied by a rule; no binding, no access.
/// </summary>
public static class RbacEvaluator
{
    /// <summary>The group every authenticated user is in, as in Kubernetes.</summary>
    public const string AuthenticatedGroup = "system:authenticated";

    public static bool Allows(ClusterPolicy cluster, NamespacePolicy? ns, RequestAttributes request) =>
        AllowsClusterWide(cluster, request) || AllowsInNamespace(cluster, ns, request);

    /// <summary>Whether a ClusterRoleBinding allows the request (in any namespace of the tenant, or at cluster scope).</summary>
    public static bool AllowsClusterWide(ClusterPolicy cluster, RequestAttributes request)
    {
        foreach (var binding in cluster.Bindings)
            if (AppliesTo(binding.Subjects, request.User, request.Groups, "")
                && cluster.RulesOf(binding.RoleRef.Name) is { } rules && rules.Any(r => PolicyRules.Allows(r, request)))
                return true;
        return false;
    }

    /// <summary>Whether a RoleBinding of the request's namespace allows it.</summary>
    public static bool AllowsInNamespace(ClusterPolicy cluster, NamespacePolicy? ns, RequestAttributes request)
    {
        if (request.Namespace.Length == 0 || ns is null || ns.Namespace != request.Namespace) return false;
        foreach (var binding in ns.Bindings)
            if (AppliesTo(binding.Subjects, request.User, request.Groups, ns.Namespace)
                && RulesOf(cluster, ns, binding.RoleRef) is { } rules && rules.Any(r => PolicyRules.Allows(r, request)))
                return true;
        return false;
    }

    /// <summary>Every rule the user holds in <paramref name="ns"/>'s namespace (only the cluster-wide ones when it is null).</summary>
    public static IReadOnlyList<PolicyRule> RulesFor(ClusterPolicy cluster, NamespacePolicy? ns, string user, IReadOnlyList<string> groups)
    {
        var rules = new List<PolicyRule>();
        foreach (var binding in cluster.Bindings)
            if (AppliesTo(binding.Subjects, user, groups, "")) rules.AddRange(cluster.RulesOf(binding.RoleRef.Name) ?? []);
        if (ns is not null)
            foreach (var binding in ns.Bindings)
                if (AppliesTo(binding.Subjects, user, groups, ns.Namespace)) rules.AddRange(RulesOf(cluster, ns, binding.RoleRef) ?? []);
        return rules.Distinct(RuleComparer.Instance).ToList();
    }

    /// <summary>The rules a binding's role reference grants (a Role of the binding's namespace, or a ClusterRole), or null when the role does not exist.</summary>
    public static IReadOnlyList<PolicyRule>? RulesOf(ClusterPolicy cluster, NamespacePolicy? ns, RoleRef roleRef) => roleRef.Kind switch
    {
        "ClusterRole" => cluster.RulesOf(roleRef.Name),
        "Role" => ns?.RulesOf(roleRef.Name),
        _ => null,
    };

    /// <summary>The user name a ServiceAccount authenticates as, as Kubernetes makes it.</summary>
    public static string ServiceAccountUser(string ns, string name) => $"system:serviceaccount:{ns}:{name}";

    /// <summary>
    /// appliesToUser: a User subject by name, a Group by membership (<c>system:serviceaccounts</c> and
    /// <c>system:serviceaccounts:&lt;ns&gt;</c> are groups like any other), a ServiceAccount by its user name, the account's
    /// namespace defaulting to the binding's. A ServiceAccount subject with no namespace in a ClusterRoleBinding names no
    /// account and matches no one.
    /// </summary>
    public static bool AppliesTo(IReadOnlyList<Subject>? subjects, string user, IReadOnlyList<string> groups, string bindingNamespace)
    {
        foreach (var subject in subjects ?? [])
        {
            var applies = subject.Kind switch
            {
                RbacValidation.UserKind => subject.Name == user,
                RbacValidation.GroupKind => groups.Contains(subject.Name),
                RbacValidation.ServiceAccountKind => (string.IsNullOrEmpty(subject.Namespace) ? bindingNamespace : subject.Namespace) is { Length: > 0 } accountNamespace
                                                     && user == ServiceAccountUser(accountNamespace, subject.Name),
                _ => false,
            };
            if (applies) return true;
        }
        return false;
    }
}
