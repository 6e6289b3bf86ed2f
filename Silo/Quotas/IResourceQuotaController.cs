using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Silo.Controllers;

namespace OrleansOrchestrator.Silo.Quotas;

/// <summary>
/// The quotas of one namespace (key: <c>tenant/namespace</c>): admission reserves a create here (one at a time, so the
/// last slot goes to one writer only) and reports how the write ended; as a control loop it keeps every quota's
/// <c>status.used</c> true to the store.
/// </summary>
[Alias("oo.IResourceQuotaController")]
public interface IResourceQuotaController : IReconciler
{
    /// <summary>Null when every quota has room for <paramref name="obj"/> (now reserved for it), else Kubernetes' refusal message.</summary>
    [Alias("Reserve")]
    Task<string?> Reserve(string key, KubeObject obj);

    /// <summary>Null when every quota has room for what the update of <paramref name="old"/> to <paramref name="next"/> adds (now reserved), else Kubernetes' refusal message.</summary>
    [Alias("ReserveChange")]
    Task<string?> ReserveChange(string key, KubeObject old, KubeObject next);

    /// <summary>What <see cref="Reserve"/> (<paramref name="old"/> null) or <see cref="ReserveChange"/> would answer, reserving nothing (a dry run).</summary>
    [Alias("Check")]
    Task<string?> Check(string key, KubeObject? old, KubeObject obj);

    /// <summary>The write (create or update) of <paramref name="key"/> (the object with uid <paramref name="uid"/>) will not be stored.</summary>
    [Alias("Abandon")]
    Task Abandon(string key, string? uid);

    /// <summary>
    /// A quota's spec was written, or it was deleted (<paramref name="quota"/> null), and is durable: taken before the
    /// write is acknowledged, so a create made right after it already counts against it, though the store's list may
    /// not show the quota yet.
    /// </summary>
    [Alias("QuotaWritten")]
    Task QuotaWritten(string name, ResourceQuota? quota);

    /// <summary>A write of <paramref name="key"/> is durable; <paramref name="after"/> is what is stored now (null: it is gone).</summary>
    [Alias("Commit")]
    Task Commit(string key, KubeObject? after);
}

public static class QuotaKeys
{
    public static string Of(string tenant, string ns) => $"{tenant}/{ns}";

    public static (string Tenant, string Namespace) Parse(string key)
    {
        var slash = key.IndexOf('/', StringComparison.Ordinal);
        return (key[..slash], key[(slash + 1)..]);
    }
}
