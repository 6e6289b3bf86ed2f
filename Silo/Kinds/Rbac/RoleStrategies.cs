using OrleansOrchestrator.Contracts.Model;
using static OrleansOrchestrator.Silo.Api.Tables.TableColumns;

namespace OrleansOrchestrator.Silo.Kinds.Rbac;

/// <summary><c>rbac.authorization.k8s.io/v1</c> Role: permissions within its namespace. What it grants is decided by the RBAC evaluator.</summary>
public static class RoleStrategy
{
    public static readonly KindStrategy<Role> Strategy = new()
    {
        Identity = ResourceKinds.Role,
        Names = NameRule.PathSegment,
        Defaults = role => role,
        Validation = (role, errors) => RbacValidation.Rules(role.Rules, namespaced: true, errors),
        Table = [Name, Col<Role>("Created At", (r, _) => RbacValidation.CreatedAt(r), type: "date")],
        Fields = new Dictionary<string, Func<Role, string>>(),
        Spec = null,
        Status = null,
        Scale = null,
        Owned = [],
        ControlLoop = null,
    };
}

/// <summary>
/// <c>rbac.authorization.k8s.io/v1</c> ClusterRole, cluster-scoped within a tenant: permissions a ClusterRoleBinding grants
/// in every namespace of the tenant, or a RoleBinding in its own. An aggregated role's rules are resolved by the evaluator.
/// </summary>
public static class ClusterRoleStrategy
{
    public static readonly KindStrategy<ClusterRole> Strategy = new()
    {
        Identity = ResourceKinds.ClusterRole,
        Names = NameRule.PathSegment,
        Defaults = role => role,
        Validation = (role, errors) =>
        {
            RbacValidation.Rules(role.Rules, namespaced: false, errors);
            RbacValidation.Aggregation(role.AggregationRule, errors);
        },
        Table = [Name, Col<ClusterRole>("Created At", (r, _) => RbacValidation.CreatedAt(r), type: "date")],
        Fields = new Dictionary<string, Func<ClusterRole, string>>(),
        Spec = null,
        Status = null,
        Scale = null,
        Owned = [],
        ControlLoop = null,
    };
}

/// <summary><c>rbac.authorization.k8s.io/v1</c> RoleBinding: grants a Role, or a ClusterRole's rules, in its namespace. Its role cannot change.</summary>
public static class RoleBindingStrategy
{
    public static readonly KindStrategy<RoleBinding> Strategy = new()
    {
        Identity = ResourceKinds.RoleBinding,
        Names = NameRule.PathSegment,
        Defaults = binding => binding with { Subjects = RbacValidation.DefaultSubjects(binding.Subjects) },
        Validation = (binding, errors) => RbacValidation.Binding(binding.RoleRef, binding.Subjects, namespaced: true, errors),
        UpdateRule = (before, after) => RbacValidation.RoleRefUnchanged(before.RoleRef, after.RoleRef),
        Table =
        [
            Name,
            Col<RoleBinding>("Role", (b, _) => RbacValidation.RoleText(b.RoleRef)),
            Age,
            Col<RoleBinding>("Users", (b, _) => RbacValidation.SubjectsText(b.Subjects, RbacValidation.UserKind), 1),
            Col<RoleBinding>("Groups", (b, _) => RbacValidation.SubjectsText(b.Subjects, RbacValidation.GroupKind), 1),
            Col<RoleBinding>("ServiceAccounts", (b, _) => RbacValidation.SubjectsText(b.Subjects, RbacValidation.ServiceAccountKind), 1),
        ],
        Fields = new Dictionary<string, Func<RoleBinding, string>>(),
        Spec = null,
        Status = null,
        Scale = null,
        Owned = [],
        ControlLoop = null,
    };
}

/// <summary><c>rbac.authorization.k8s.io/v1</c> ClusterRoleBinding: grants a ClusterRole in every namespace of the tenant (never beyond it).</summary>
public static class ClusterRoleBindingStrategy
{
    public static readonly KindStrategy<ClusterRoleBinding> Strategy = new()
    {
        Identity = ResourceKinds.ClusterRoleBinding,
        Names = NameRule.PathSegment,
        Defaults = binding => binding with { Subjects = RbacValidation.DefaultSubjects(binding.Subjects) },
        Validation = (binding, errors) => RbacValidation.Binding(binding.RoleRef, binding.Subjects, namespaced: false, errors),
        UpdateRule = (before, after) => RbacValidation.RoleRefUnchanged(before.RoleRef, after.RoleRef),
        Table =
        [
            Name,
            Col<ClusterRoleBinding>("Role", (b, _) => RbacValidation.RoleText(b.RoleRef)),
            Age,
            Col<ClusterRoleBinding>("Users", (b, _) => RbacValidation.SubjectsText(b.Subjects, RbacValidation.UserKind), 1),
            Col<ClusterRoleBinding>("Groups", (b, _) => RbacValidation.SubjectsText(b.Subjects, RbacValidation.GroupKind), 1),
            Col<ClusterRoleBinding>("ServiceAccounts", (b, _) => RbacValidation.SubjectsText(b.Subjects, RbacValidation.ServiceAccountKind), 1),
        ],
        Fields = new Dictionary<string, Func<ClusterRoleBinding, string>>(),
        Spec = null,
        Status = null,
        Scale = null,
        Owned = [],
        ControlLoop = null,
    };
}
