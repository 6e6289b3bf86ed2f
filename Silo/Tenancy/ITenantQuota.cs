using OrleansOrchestrator.Contracts.Model;

namespace OrleansOrchestrator.Silo.Tenancy;

/// <summary>
/// One tenant's quota and lifecycle gate (key: the tenant's name): admission reserves every create of the tenant here,
/// which refuses while the tenant is being deleted and when the Tenant's quota has no room, one at a time so that the
/// last slot goes to one writer only; as a control loop it keeps the Tenant's <c>status</c> (phase, quota used) true.
/// </summary>
[Alias("oo.ITenantQuota")]
public interface ITenantQuota : Controllers.IReconciler
{
    /// <summary>Null when the create of <paramref name="obj"/> may go ahead (its share now reserved), else the refusal.</summary>
    [Alias("Reserve")]
    Task<TenantRefusal?> Reserve(string key, KubeObject obj);

    /// <summary>Null when what the update of <paramref name="old"/> to <paramref name="next"/> adds fits (now reserved), else the refusal.</summary>
    [Alias("ReserveChange")]
    Task<TenantRefusal?> ReserveChange(string key, KubeObject old, KubeObject next);

    /// <summary>What <see cref="Reserve"/> or <see cref="ReserveChange"/> would answer, reserving nothing (a dry run).</summary>
    [Alias("Check")]
    Task<TenantRefusal?> Check(string key, KubeObject? old, KubeObject obj);

    [Alias("Abandon")]
    Task Abandon(string key, string? uid);

    /// <summary>A write of <paramref name="key"/> is durable; <paramref name="after"/> is what is stored now (null: gone).</summary>
    [Alias("Commit")]
    Task Commit(string key, KubeObject? after);

    /// <summary>
    /// The Tenant object's spec or deletion mark changed: the next reservation re-reads it and the store. Interleaves
    /// (it only marks), so the Tenant's own write, which calls it, never waits on this grain's status write of it.
    /// </summary>
    [Alias("TenantWritten"), Orleans.Concurrency.AlwaysInterleave]
    Task TenantWritten();
}

/// <summary>Why a write into a tenant is refused: HTTP code, reason and Kubernetes-style message.</summary>
[GenerateSerializer, Immutable, Alias("oo.TenantRefusal")]
public sealed record TenantRefusal([property: Id(0)] int Code, [property: Id(1)] string Reason, [property: Id(2)] string Message);
