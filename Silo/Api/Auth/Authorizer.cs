using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Contracts.Store;
using OrleansOrchestrator.Silo.Api.Wire;

namespace OrleansOrchestrator.Silo.Api.Auth;

/// <summary>
/// Decides whether a caller may do a verb on a kind, and in which tenant the objects live. Tenancy is
/// structural (every key carries the caller's tenant, so other tenants' objects are simply not there);
/// what needs a decision is the infrastructure every tenant shares: nodes belong to the system tenant
/// and only administrators may touch them.
/// </summary>
public static class Authorizer
{
    public static string TenantFor(Caller caller, ResourceKind kind) =>
        kind == ResourceKinds.Node ? StoreKeys.SystemTenant : caller.Tenant;

    public static void Authorize(Caller caller, string verb, ResourceKind kind, string? ns, string? name = null)
    {
        if (kind == ResourceKinds.Node && !caller.IsAdmin)
            throw ApiException.Forbidden(caller.User, verb, kind.Plural, kind.Group, ns, name);
    }
}
