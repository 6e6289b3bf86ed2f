using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Contracts.Store;
using OrleansOrchestrator.Silo.Api.Wire;

namespace OrleansOrchestrator.Silo.Api.Auth;

/// <summary>
/// Decides whether a caller may do a verb on a kind, and in which tenant the objects live. Tenancy is
/// structural (every key carries the caller's tenant, so other tenants' objects are simply not there);
/// what needs a decision is the infrastructure every tenant shares (nodes belong to the system tenant and
/// only administrators may touch them) and read-only users (the <see cref="Caller.ViewerGroup"/>). The API
/// and the dashboard both ask here, so a button is shown exactly when the API would accept its call.
/// </summary>
public static class Authorizer
{
    private static readonly HashSet<string> ReadVerbs = new(StringComparer.Ordinal) { "get", "list", "watch" };

    public static string TenantFor(Caller caller, ResourceKind kind) =>
        kind == ResourceKinds.Node ? StoreKeys.SystemTenant : caller.Tenant;

    public static bool May(Caller caller, string verb, ResourceKind kind)
    {
        if (kind == ResourceKinds.Node && !caller.IsAdmin) return false;
        return !caller.IsViewer || ReadVerbs.Contains(verb);
    }

    /// <summary>
    /// Whether the caller may do the verb on a subresource (<c>create</c> of <c>pods/exec</c>): today a subresource is
    /// authorised as its verb on the kind. <see cref="Authorize"/> decides here too, so the dashboard's terminal is
    /// offered exactly when the API would accept the exec.
    /// </summary>
    public static bool May(Caller caller, string verb, ResourceKind kind, string? subresource) => May(caller, verb, kind);

    /// <summary>
    /// Refuses with Kubernetes' 403 unless the caller may; a <paramref name="subresource"/> such as <c>exec</c> is
    /// authorised as its verb on the kind (a <c>create</c> of <c>pods/exec</c> needs a writer) and named in the refusal.
    /// </summary>
    public static void Authorize(Caller caller, string verb, ResourceKind kind, string? ns, string? name = null, string? subresource = null)
    {
        if (!May(caller, verb, kind, subresource))
            throw ApiException.Forbidden(caller.User, verb, kind.Plural, kind.Group, ns, name, subresource);
    }
}
