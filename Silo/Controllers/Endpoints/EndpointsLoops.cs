using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Contracts.Store;

namespace OrleansOrchestrator.Silo.Controllers.Endpoints;

/// <summary>
/// Keeps the Endpoints, EndpointSlices, load balancer status and directory routes of every Service of one
/// namespace (key: <c>tenant/namespace</c>). One loop per namespace because a pod change may concern any of
/// the namespace's Services, and the router cannot tell which without the Services.
/// </summary>
[Alias("oo.IEndpointsController")]
public interface IEndpointsController : IReconciler
{
    /// <summary>
    /// One pass now that publishes every route of the namespace whether or not it changed: the service
    /// directory rebuilding itself after activation. Returns when the routes are published.
    /// </summary>
    [Alias("Republish")]
    Task Republish();
}

/// <summary>
/// The nodes that serve LoadBalancer Services on their own addresses (key: <see cref="Key"/>): woken by node
/// changes, it wakes the endpoints controllers when the set changes.
/// </summary>
[Alias("oo.ILoadBalancerNodes")]
public interface ILoadBalancerNodes : IReconciler
{
    public const string Key = "cluster";

    /// <summary>The eligible nodes now, by name.</summary>
    [Alias("Current"), Orleans.Concurrency.AlwaysInterleave]
    Task<IReadOnlyList<LoadBalancerNode>> Current();
}

/// <summary>A node that serves LoadBalancer Services: its name and its InternalIP address.</summary>
[GenerateSerializer, Immutable, Alias("oo.LoadBalancerNode")]
public sealed record LoadBalancerNode([property: Id(0)] string Name, [property: Id(1)] string Address);

/// <summary>The wakes of the endpoints loops, as the kinds' strategies declare them.</summary>
public static class EndpointsWakes
{
    /// <summary>The endpoints controller of the object's namespace (nothing for cluster-scoped objects).</summary>
    public static IEnumerable<Wakeup> ForNamespace(string tenant, string? ns) =>
        string.IsNullOrEmpty(ns) ? [] : [new Wakeup(typeof(IEndpointsController), Key(tenant, ns))];

    /// <summary>A node's change may change which nodes serve LoadBalancer Services.</summary>
    public static IEnumerable<Wakeup> ForNode() => [new Wakeup(typeof(ILoadBalancerNodes), ILoadBalancerNodes.Key)];

    public static string Key(string tenant, string ns) => $"{tenant}/{ns}";

    public static (string Tenant, string Namespace) ParseKey(string key)
    {
        var slash = key.IndexOf('/', StringComparison.Ordinal);
        return slash < 0 ? throw new ArgumentException($"not a tenant/namespace key: {key}", nameof(key)) : (key[..slash], key[(slash + 1)..]);
    }
}
