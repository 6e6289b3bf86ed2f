using OrleansOrchestrator.Contracts.Model;

namespace OrleansOrchestrator.Silo.Controllers.ServiceAccounts;

/// <summary>Keeps the <c>default</c> ServiceAccount of one namespace (key: <c>tenant/namespace</c>).</summary>
[Alias("oo.IServiceAccountsController")]
public interface IServiceAccountsController : IReconciler;

/// <summary>The wakes of the service accounts loop, as the kinds' strategies declare them.</summary>
public static class ServiceAccountWakes
{
    public static IEnumerable<Wakeup> ForNamespace(string tenant, string? ns) =>
        string.IsNullOrEmpty(ns) ? [] : [new Wakeup(typeof(IServiceAccountsController), Endpoints.EndpointsWakes.Key(tenant, ns))];
}

/// <summary>
/// Kubernetes' service account controller: every namespace that is not being deleted has a ServiceAccount named
/// <c>default</c>, made when the namespace appears and again whenever it is deleted.
/// </summary>
public sealed class ServiceAccountsControllerGrain(ILogger<ServiceAccountsControllerGrain> logger) : ReconcilerGrain(logger), IServiceAccountsController
{
    public const string DefaultName = "default";

    public static readonly Contracts.Store.Actor Actor = Contracts.Store.Actor.Controller("service-account-controller");

    protected override async Task<TimeSpan?> Reconcile()
    {
        var (tenant, ns) = Endpoints.EndpointsWakes.ParseKey(this.GetPrimaryKeyString());
        var store = new StoreClient(GrainFactory, tenant, Actor);
        await EnsureDefault(store, ns);
        return null;
    }

    /// <summary>Creates the namespace's <c>default</c> account unless it has one or the namespace is gone or going.</summary>
    public static async Task EnsureDefault(StoreClient store, string ns)
    {
        var space = await store.Get<Namespace>("", ns);
        if (space is null || space.Metadata.DeletionTimestamp is not null) return;
        if (await store.Get<ServiceAccount>(ns, DefaultName) is not null) return;
        var created = await store.TryCreate(new ServiceAccount { Metadata = new ObjectMeta { Name = DefaultName, Namespace = ns } });
        // 409: made meanwhile (by pod admission, or another silo's loop); 403: the namespace began to go.
        if (created.Error is { Code: not (409 or 403) } error) throw new InvalidOperationException(error.Message);
    }
}
