using System.Collections.Concurrent;
using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Contracts.Store;

namespace OrleansOrchestrator.Silo.Api.Auth.Rbac;

/// <summary>
/// Each tenant's RBAC policy, as the evaluator needs it per request: the tenant's ClusterRoles and ClusterRoleBindings
/// (with aggregation resolved once per change, not per request) and, per namespace asked about, its Roles and
/// RoleBindings. Every collection is followed through the store's watch (<see cref="FollowedCollection"/>), so a
/// request reads memory, not the store, however many bindings there are.
/// </summary>
public sealed class RbacPolicyCache(IGrainFactory grains) : IRbacPolicies, IDisposable
{
    /// <summary>How long one watch call of a followed collection waits before it asks again.</summary>
    private static readonly TimeSpan Poll = TimeSpan.FromSeconds(20);

    /// <summary>How long a collection no request asked about is still followed.</summary>
    private static readonly TimeSpan IdleAfter = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Bindings every tenant has without storing them: members of the <see cref="Caller.ViewerGroup"/> hold the
    /// <c>view</c> ClusterRole in every namespace of their tenant (the read-only group of before RBAC, kept).
    /// </summary>
    public static readonly IReadOnlyList<ClusterRoleBinding> ImplicitBindings =
    [
        new ClusterRoleBinding
        {
            Metadata = new ObjectMeta { Name = "oo:viewer-group" },
            Subjects = [new Subject { Kind = "Group", ApiGroup = ResourceKinds.RbacGroup, Name = Caller.ViewerGroup }],
            RoleRef = new RoleRef { ApiGroup = ResourceKinds.RbacGroup, Kind = "ClusterRole", Name = DefaultClusterRoles.View },
        },
    ];

    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<string, FollowedCollection> _collections = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, (long Roles, long Bindings, ClusterPolicy Policy)> _cluster = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string Tenant, string Ns), (long Roles, long Bindings, NamespacePolicy Policy)> _namespaces = new();

    public async ValueTask<ClusterPolicy> Cluster(string tenant)
    {
        var roles = Followed(tenant, ResourceKinds.ClusterRole, "");
        var bindings = Followed(tenant, ResourceKinds.ClusterRoleBinding, "");
        var ((roleItems, roleStamp), (bindingItems, bindingStamp)) = await Current(roles, bindings);
        if (_cluster.TryGetValue(tenant, out var cached) && cached.Roles == roleStamp && cached.Bindings == bindingStamp) return cached.Policy;
        var policy = new ClusterPolicy(roleItems.Cast<ClusterRole>(), [.. bindingItems.Cast<ClusterRoleBinding>(), .. ImplicitBindings]);
        _cluster[tenant] = (roleStamp, bindingStamp, policy);
        return policy;
    }

    public async ValueTask<NamespacePolicy> Namespace(string tenant, string ns)
    {
        var roles = Followed(tenant, ResourceKinds.Role, ns);
        var bindings = Followed(tenant, ResourceKinds.RoleBinding, ns);
        var ((roleItems, roleStamp), (bindingItems, bindingStamp)) = await Current(roles, bindings);
        if (_namespaces.TryGetValue((tenant, ns), out var cached) && cached.Roles == roleStamp && cached.Bindings == bindingStamp) return cached.Policy;
        var policy = new NamespacePolicy(ns, roleItems.Cast<Role>(), bindingItems.Cast<RoleBinding>());
        _namespaces[(tenant, ns)] = (roleStamp, bindingStamp, policy);
        return policy;
    }

    /// <summary>After a write of a role or binding through this process: the next decision reads it, without waiting for the watch.</summary>
    public void Changed(string tenant, ResourceKind kind, string? ns)
    {
        if (_collections.TryGetValue(StoreKeys.Collection(tenant, kind, ns ?? ""), out var collection)) collection.MarkStale();
    }

    public static bool IsRbacKind(ResourceKind kind) =>
        kind == ResourceKinds.Role || kind == ResourceKinds.RoleBinding || kind == ResourceKinds.ClusterRole || kind == ResourceKinds.ClusterRoleBinding;

    /// <summary>How many collections are followed now (each costs a watch while it is asked about).</summary>
    public int FollowedCount => _collections.Count;

    /// <summary>
    /// Both collections' objects. When a first list fails, a collection that never listed is dropped, so the next
    /// request makes it afresh instead of finding one that nothing follows and nothing would ever forget.
    /// </summary>
    private async ValueTask<((IReadOnlyCollection<KubeObject>, long), (IReadOnlyCollection<KubeObject>, long))> Current(
        (string Key, FollowedCollection Collection) roles, (string Key, FollowedCollection Collection) bindings)
    {
        try
        {
            return (await roles.Collection.Current(), await bindings.Collection.Current());
        }
        catch
        {
            foreach (var (key, collection) in new[] { roles, bindings })
                if (!collection.Listed) _collections.TryRemove(KeyValuePair.Create(key, collection));
            throw;
        }
    }

    private (string Key, FollowedCollection Collection) Followed(string tenant, ResourceKind kind, string ns)
    {
        var key = StoreKeys.Collection(tenant, kind, ns);
        return (key, _collections.GetOrAdd(key,
            k => new FollowedCollection(grains.GetGrain<ICollectionGrain>(k), Poll, IdleAfter, () => Forget(k), _stopping.Token)));
    }

    private void Forget(string key)
    {
        _collections.TryRemove(key, out _);
        var (tenant, kind, ns) = StoreKeys.ParseCollection(key);
        // Memory only: stamps never repeat, so a policy left here could not be mistaken for a newer one.
        if (kind == ResourceKinds.Role || kind == ResourceKinds.RoleBinding) _namespaces.TryRemove((tenant, ns), out _);
        else _cluster.TryRemove(tenant, out _);
    }

    public void Dispose()
    {
        // Not disposed: followers still finishing observe the cancelled token.
        _stopping.Cancel();
    }
}
