using OrleansOrchestrator.Contracts.Model;

namespace OrleansOrchestrator.Contracts.Store;

/// <summary>
/// Grain keys of the store. Every key starts with its tenant, so no query can reach across tenants by
/// construction: <c>{tenant}/{resource}/{namespace}/{name}</c> for an object and
/// <c>{tenant}/{resource}/{namespace}</c> for its collection (namespace is empty for cluster-scoped kinds).
/// None of the parts can contain '/': tenants, namespaces and names are DNS labels or subdomains.
/// </summary>
public static class StoreKeys
{
    /// <summary>The tenant that owns cluster infrastructure shared by all tenants (nodes).</summary>
    public const string SystemTenant = "system";

    public static string Object(string tenant, ResourceKind kind, string? ns, string name) =>
        $"{tenant}/{kind.Resource}/{(kind.Namespaced ? ns : "")}/{name}";

    public static string Collection(string tenant, ResourceKind kind, string? ns) =>
        $"{tenant}/{kind.Resource}/{(kind.Namespaced ? ns : "")}";

    /// <summary>The prefix shared by the keys of every object in a collection.</summary>
    public static string CollectionPrefix(string collectionKey) => collectionKey + "/";

    public static (string Tenant, ResourceKind Kind, string Namespace, string Name) ParseObject(string key)
    {
        var parts = key.Split('/');
        if (parts.Length != 4) throw new ArgumentException($"not an object key: {key}", nameof(key));
        var kind = ResourceKinds.FindByResource(parts[1]) ?? throw new ArgumentException($"unknown resource in key: {key}", nameof(key));
        return (parts[0], kind, parts[2], parts[3]);
    }

    public static (string Tenant, ResourceKind Kind, string Namespace) ParseCollection(string key)
    {
        var parts = key.Split('/');
        if (parts.Length != 3) throw new ArgumentException($"not a collection key: {key}", nameof(key));
        var kind = ResourceKinds.FindByResource(parts[1]) ?? throw new ArgumentException($"unknown resource in key: {key}", nameof(key));
        return (parts[0], kind, parts[2]);
    }
}
