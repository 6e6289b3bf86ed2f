using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Silo.Api.Auth;
using OrleansOrchestrator.Silo.Api.Auth.Rbac;
using OrleansOrchestrator.Silo.Controllers;

namespace OrleansOrchestrator.Silo.Hosting;

/// <summary>
/// Gives a tenant Kubernetes' default ClusterRoles (<see cref="DefaultClusterRoles"/>) and, the first time, the
/// ClusterRoleBinding <c>tenant-admins</c>. As in Kubernetes, a default role is created when missing and brought back
/// to its defaults at every start while its <c>rbac.authorization.kubernetes.io/autoupdate</c> annotation is not
/// <c>"false"</c>. <c>tenant-admins</c> binds <c>cluster-admin</c> to the tenant's token users of that first start
/// (its operator and read-only users aside), so that whoever could do everything in the tenant before RBAC still
/// can; it is made only when the tenant has no <c>cluster-admin</c> role yet, so a tenant that edits or deletes it to
/// grant less keeps it that way, and token users added later hold only what a binding grants them.
/// </summary>
public static class RbacBootstrap
{
    public const string TenantAdminsBinding = "tenant-admins";

    /// <summary>Ensures the roles and, on a tenant's first RBAC start, the binding; returns the problems met.</summary>
    public static async Task<IReadOnlyList<string>> Ensure(IGrainFactory grains, string tenant, IEnumerable<Caller> users)
    {
        var store = new StoreClient(grains, tenant, SystemActors.Bootstrap);
        var problems = new List<string>();
        var firstStart = await store.Get<ClusterRole>("", DefaultClusterRoles.ClusterAdmin) is null;
        foreach (var desired in DefaultClusterRoles.All)
        {
            var grain = store.Object(ResourceKinds.ClusterRole, "", desired.Metadata.Name!);
            var current = await grain.Get() as ClusterRole;
            var result = current switch
            {
                null => await grain.Create(desired, SystemActors.Bootstrap),
                _ when current.Metadata.Annotations?.GetValueOrDefault(DefaultClusterRoles.AutoupdateAnnotation) == "false" => null,
                _ when SameRole(current, desired) => null,
                _ => await grain.Update(desired with { Metadata = desired.Metadata with { ResourceVersion = current.Metadata.ResourceVersion } },
                    Contracts.Store.Subresource.Main, SystemActors.Bootstrap),
            };
            if (result?.Error is { Code: not 409 } error) problems.Add($"the ClusterRole {desired.Metadata.Name} of tenant {tenant}: {error.Message}");
        }
        if (!firstStart) return problems;

        var binding = TenantAdmins(users.Where(u => u.Tenant == tenant && !u.IsAdmin && !u.Groups.Contains(Caller.ViewerGroup)).Select(u => u.User));
        if (binding.Subjects!.Count == 0) return problems;
        var created = await store.Object(ResourceKinds.ClusterRoleBinding, "", TenantAdminsBinding).Create(binding, SystemActors.Bootstrap);
        if (created.Error is { Code: not 409 } bindingError) problems.Add($"the ClusterRoleBinding {TenantAdminsBinding} of tenant {tenant}: {bindingError.Message}");
        return problems;
    }

    public static ClusterRoleBinding TenantAdmins(IEnumerable<string> users) => new()
    {
        ApiVersion = ResourceKinds.ClusterRoleBinding.ApiVersion,
        Kind = ResourceKinds.ClusterRoleBinding.Kind,
        Metadata = new ObjectMeta { Name = TenantAdminsBinding },
        Subjects = users.Distinct().Order(StringComparer.Ordinal)
            .Select(u => new Subject { Kind = "User", ApiGroup = ResourceKinds.RbacGroup, Name = u }).ToList(),
        RoleRef = new RoleRef { ApiGroup = ResourceKinds.RbacGroup, Kind = "ClusterRole", Name = DefaultClusterRoles.ClusterAdmin },
    };

    private static bool SameRole(ClusterRole a, ClusterRole b) =>
        Store.ObjectSemantics.SameJson(a.Rules, b.Rules) && Store.ObjectSemantics.SameJson(a.AggregationRule, b.AggregationRule)
        && Store.ObjectSemantics.SameJson(a.Metadata.Labels, b.Metadata.Labels);
}
