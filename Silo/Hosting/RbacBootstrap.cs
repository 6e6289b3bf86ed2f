using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Contracts.Store;
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
/// can. It is made once per tenant, ever: that it was made is recorded in a ConfigMap of the system tenant, which no
/// tenant's user can reach, so a tenant that deletes <c>cluster-admin</c> or <c>tenant-admins</c> (to grant less, or
/// to get the grant back at the next start) keeps what it chose; token users added later hold only what a binding
/// grants them.
/// </summary>
public static class RbacBootstrap
{
    public const string TenantAdminsBinding = "tenant-admins";

    /// <summary>Ensures the roles and, on a tenant's first RBAC start, the binding; returns the problems met.</summary>
    public static async Task<IReadOnlyList<string>> Ensure(IGrainFactory grains, string tenant, IEnumerable<Caller> users)
    {
        var store = new StoreClient(grains, tenant, SystemActors.Bootstrap);
        var problems = new List<string>();
        var marker = new StoreClient(grains, StoreKeys.SystemTenant, SystemActors.Bootstrap).Object(ResourceKinds.ConfigMap, MarkerNamespace, MarkerName(tenant));
        // Tenants bootstrapped before the record existed have cluster-admin; they are recorded without a new grant.
        var firstStart = await marker.Get() is null && await store.Get<ClusterRole>("", DefaultClusterRoles.ClusterAdmin) is null;
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
        if (firstStart)
        {
            var binding = TenantAdmins(users.Where(u => u.Tenant == tenant && !u.IsAdmin && !u.Groups.Contains(Caller.ViewerGroup)).Select(u => u.User));
            if (binding.Subjects!.Count > 0)
            {
                var created = await store.Object(ResourceKinds.ClusterRoleBinding, "", TenantAdminsBinding).Create(binding, SystemActors.Bootstrap);
                if (created.Error is { Code: not 409 } bindingError)
                {
                    // Not recorded: the next start tries again.
                    problems.Add($"the ClusterRoleBinding {TenantAdminsBinding} of tenant {tenant}: {bindingError.Message}");
                    return problems;
                }
            }
        }
        if (await marker.Get() is null)
        {
            var system = new StoreClient(grains, StoreKeys.SystemTenant, SystemActors.Bootstrap);
            var folder = await system.Object(ResourceKinds.Namespace, "", MarkerNamespace).Create(
                new Namespace { ApiVersion = "v1", Kind = "Namespace", Metadata = new ObjectMeta { Name = MarkerNamespace } }, SystemActors.Bootstrap);
            if (folder.Error is { Code: not 409 } folderError) problems.Add($"the namespace {MarkerNamespace} of the system tenant: {folderError.Message}");
            var recorded = await marker.Create(Marker(tenant), SystemActors.Bootstrap);
            if (recorded.Error is { Code: not 409 } markerError) problems.Add($"the record that tenant {tenant} was given {TenantAdminsBinding}: {markerError.Message}");
        }
        return problems;
    }

    /// <summary>Where the record of bootstrapped tenants lives: in the system tenant, out of every tenant's reach.</summary>
    public const string MarkerNamespace = "oo-rbac-bootstrap";

    /// <summary>The record's name: tenant names may hold any character, a hash of one is a valid object name.</summary>
    public static string MarkerName(string tenant) =>
        "tenant-" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(tenant)))[..40];

    private static ConfigMap Marker(string tenant) => new()
    {
        ApiVersion = ResourceKinds.ConfigMap.ApiVersion,
        Kind = ResourceKinds.ConfigMap.Kind,
        Metadata = new ObjectMeta { Name = MarkerName(tenant), Namespace = MarkerNamespace },
        Data = new Dictionary<string, string> { ["tenant"] = tenant },
    };

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
