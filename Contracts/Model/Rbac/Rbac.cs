namespace OrleansOrchestrator.Contracts.Model;

/// <summary>
/// One permission of a role: the verbs allowed on the resources of the API groups (optionally only the named
/// objects), or on non-resource URLs such as <c>/healthz</c>. <c>*</c> stands for every verb, group or resource.
/// </summary>
[GenerateSerializer, Immutable, Alias("oo.PolicyRule")]
public sealed record PolicyRule
{
    /// <summary>The verbs allowed: <c>get</c>, <c>list</c>, <c>watch</c>, <c>create</c>, <c>update</c>, <c>patch</c>, <c>delete</c>, <c>deletecollection</c>, <c>bind</c>, <c>escalate</c>, or <c>*</c>.</summary>
    [Id(0)] public IReadOnlyList<string> Verbs { get; init; } = [];
    /// <summary>The API groups of the resources ("" for the core group), or <c>*</c>.</summary>
    [Id(1)] public IReadOnlyList<string>? ApiGroups { get; init; }
    /// <summary>The resources (<c>pods</c>), subresources (<c>pods/exec</c>, <c>*/scale</c>) or <c>*</c>.</summary>
    [Id(2)] public IReadOnlyList<string>? Resources { get; init; }
    /// <summary>When set, only these objects; never matches a list, watch or create that names no object.</summary>
    [Id(3)] public IReadOnlyList<string>? ResourceNames { get; init; }
    /// <summary>URL paths that are not resources (cluster roles only); a trailing <c>*</c> matches every path it starts.</summary>
    [Id(4)] public IReadOnlyList<string>? NonResourceURLs { get; init; }
}

/// <summary><c>rbac.authorization.k8s.io/v1</c> Role: a set of permissions within one namespace.</summary>
[GenerateSerializer, Immutable, Alias("oo.Role")]
public sealed record Role : KubeObject
{
    /// <summary>The permissions the role grants; there are no deny rules, so what no rule allows is refused.</summary>
    [Id(0)] public IReadOnlyList<PolicyRule>? Rules { get; init; }
}

/// <summary>Which cluster roles an aggregated cluster role takes its rules from, by their labels.</summary>
[GenerateSerializer, Immutable, Alias("oo.AggregationRule")]
public sealed record AggregationRule
{
    [Id(0)] public IReadOnlyList<LabelSelector>? ClusterRoleSelectors { get; init; }
}

/// <summary>
/// <c>rbac.authorization.k8s.io/v1</c> ClusterRole, cluster-scoped within a tenant: permissions granted in every
/// namespace of the tenant (by a ClusterRoleBinding) or in one (by a RoleBinding).
/// </summary>
[GenerateSerializer, Immutable, Alias("oo.ClusterRole")]
public sealed record ClusterRole : KubeObject
{
    /// <summary>The permissions the role grants (of an aggregated role: gathered from the roles it selects); there are no deny rules, so what no rule allows is refused.</summary>
    [Id(0)] public IReadOnlyList<PolicyRule>? Rules { get; init; }
    /// <summary>When set, the role also holds the rules of every cluster role its selectors select.</summary>
    [Id(1)] public AggregationRule? AggregationRule { get; init; }
}

/// <summary>Who a binding grants its role to: a <c>User</c>, a <c>Group</c> or a <c>ServiceAccount</c>.</summary>
[GenerateSerializer, Immutable, Alias("oo.Subject")]
public sealed record Subject
{
    [Id(0)] public string Kind { get; init; } = "";
    /// <summary><c>rbac.authorization.k8s.io</c> for users and groups (defaulted), "" for service accounts.</summary>
    [Id(1)] public string? ApiGroup { get; init; }
    [Id(2)] public string Name { get; init; } = "";
    /// <summary>A service account's namespace (a RoleBinding's own when unset).</summary>
    [Id(3)] public string? Namespace { get; init; }
}

/// <summary>The role a binding grants; it cannot change once the binding exists.</summary>
[GenerateSerializer, Immutable, Alias("oo.RoleRef")]
public sealed record RoleRef
{
    [Id(0)] public string ApiGroup { get; init; } = "";
    /// <summary><c>Role</c> (RoleBindings only) or <c>ClusterRole</c>.</summary>
    [Id(1)] public string Kind { get; init; } = "";
    [Id(2)] public string Name { get; init; } = "";
}

/// <summary><c>rbac.authorization.k8s.io/v1</c> RoleBinding: grants a Role, or a ClusterRole's rules, in its own namespace.</summary>
[GenerateSerializer, Immutable, Alias("oo.RoleBinding")]
public sealed record RoleBinding : KubeObject
{
    /// <summary>The users, groups and service accounts that hold the role.</summary>
    [Id(0)] public IReadOnlyList<Subject>? Subjects { get; init; }
    /// <summary>The role granted; fixed once the binding exists.</summary>
    [Id(1)] public RoleRef RoleRef { get; init; } = new();
}

/// <summary><c>rbac.authorization.k8s.io/v1</c> ClusterRoleBinding: grants a ClusterRole in every namespace of the tenant.</summary>
[GenerateSerializer, Immutable, Alias("oo.ClusterRoleBinding")]
public sealed record ClusterRoleBinding : KubeObject
{
    /// <summary>The users, groups and service accounts that hold the role.</summary>
    [Id(0)] public IReadOnlyList<Subject>? Subjects { get; init; }
    /// <summary>The role granted; fixed once the binding exists.</summary>
    [Id(1)] public RoleRef RoleRef { get; init; } = new();
}
