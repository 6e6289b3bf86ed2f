using System.Text.Json.Serialization;
using OrleansOrchestrator.Contracts.Serialization;

namespace OrleansOrchestrator.Contracts.Model;

/// <summary>
/// A tenant of the hosted service (<c>tenancy.orleans-orchestrator.io/v1</c>, cluster-scoped, the operator's only):
/// creating one makes the tenant exist with its <c>default</c> namespace and default roles; deleting one deletes
/// everything of the tenant. Its quota bounds what all of the tenant's namespaces hold together.
/// </summary>
[GenerateSerializer, Immutable, Alias("oo.Tenant")]
public sealed record Tenant : KubeObject
{
    /// <summary>What the operator grants the tenant.</summary>
    [Id(0)] public TenantSpec Spec { get; init; } = new();
    /// <summary>The tenant's phase and what it uses of its quota. Written by the system.</summary>
    [Id(1)] public TenantStatus? Status { get; init; }
}

/// <summary>The desired state of a tenant.</summary>
[GenerateSerializer, Immutable, Alias("oo.TenantSpec")]
public sealed record TenantSpec
{
    /// <summary>The most the tenant may hold over all its namespaces; none when unset.</summary>
    [Id(0)] public TenantQuota? Quota { get; init; }
    /// <summary>Users the operator makes the tenant's administrators: bound to its <c>cluster-admin</c> role (ClusterRoleBinding <c>tenant-owners</c>), kept so while the Tenant says so.</summary>
    [Id(1)] public IReadOnlyList<string>? Admins { get; init; }
}

/// <summary>A tenant-wide quota, in ResourceQuota's resource names.</summary>
[GenerateSerializer, Immutable, Alias("oo.TenantQuota")]
public sealed record TenantQuota
{
    /// <summary>The most of each resource: <c>requests.cpu</c>, <c>requests.memory</c>, <c>limits.cpu</c>, <c>limits.memory</c>, <c>pods</c>, <c>namespaces</c> (or <c>count/namespaces</c>), <c>services.loadbalancers</c>, <c>services.nodeports</c>.</summary>
    [Id(0), JsonConverter(typeof(QuantityMapJsonConverter))] public IReadOnlyDictionary<string, string>? Hard { get; init; }
}

/// <summary>The observed state of a tenant.</summary>
[GenerateSerializer, Immutable, Alias("oo.TenantStatus")]
public sealed record TenantStatus
{
    /// <summary><c>Active</c>, or <c>Terminating</c> while its objects are being deleted.</summary>
    [Id(0)] public string? Phase { get; init; }
    /// <summary>The quota in force and what the tenant uses of it.</summary>
    [Id(1)] public TenantQuotaStatus? Quota { get; init; }
    /// <summary>Observations about the tenant, e.g. what its deletion waits for.</summary>
    [Id(2)] public IReadOnlyList<Condition>? Conditions { get; init; }
}

/// <summary>A tenant quota's limits in force and the usage.</summary>
[GenerateSerializer, Immutable, Alias("oo.TenantQuotaStatus")]
public sealed record TenantQuotaStatus
{
    [Id(0), JsonConverter(typeof(QuantityMapJsonConverter))] public IReadOnlyDictionary<string, string>? Hard { get; init; }
    [Id(1), JsonConverter(typeof(QuantityMapJsonConverter))] public IReadOnlyDictionary<string, string>? Used { get; init; }
}
