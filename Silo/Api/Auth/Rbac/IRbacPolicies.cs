using OrleansOrchestrator.Contracts.Model;

namespace OrleansOrchestrator.Silo.Api.Auth.Rbac;

/// <summary>Where the authoriser gets a tenant's RBAC policy: the store, followed (<see cref="RbacPolicyCache"/>), or fixed objects in tests.</summary>
public interface IRbacPolicies
{
    ValueTask<ClusterPolicy> Cluster(string tenant);

    ValueTask<NamespacePolicy> Namespace(string tenant, string ns);

    /// <summary>This process wrote a role or binding of <paramref name="kind"/> in <paramref name="ns"/> ("" or null: cluster scope).</summary>
    void Changed(string tenant, ResourceKind kind, string? ns);
}

/// <summary>One fixed set of roles and bindings for every tenant (with the implicit bindings every tenant has).</summary>
public sealed class FixedRbacPolicies(IEnumerable<KubeObject> objects) : IRbacPolicies
{
    private readonly List<KubeObject> _objects = objects.ToList();

    public ValueTask<ClusterPolicy> Cluster(string tenant) =>
        ValueTask.FromResult(new ClusterPolicy(_objects.OfType<ClusterRole>(), [.. _objects.OfType<ClusterRoleBinding>(), .. RbacPolicyCache.ImplicitBindings]));

    public ValueTask<NamespacePolicy> Namespace(string tenant, string ns) =>
        ValueTask.FromResult(new NamespacePolicy(ns, _objects.OfType<Role>().Where(r => r.Metadata.Namespace == ns),
            _objects.OfType<RoleBinding>().Where(b => b.Metadata.Namespace == ns)));

    public void Changed(string tenant, ResourceKind kind, string? ns)
    {
    }
}
