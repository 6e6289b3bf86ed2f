using System.Security.Claims;

namespace OrleansOrchestrator.Dashboard.ServiceClient;

/// <summary>How a signed-in user travels in the dashboard's cookie: name, tenant and groups as claims.</summary>
public static class DashboardClaims
{
    public const string TenantClaim = "oo:tenant";
    public const string AuthenticationType = "dashboard-token";

    public static ClaimsPrincipal ToPrincipal(DashboardUser user) =>
        new(new ClaimsIdentity(
            [new Claim(ClaimTypes.Name, user.Name), new Claim(TenantClaim, user.Tenant), .. user.Groups.Select(g => new Claim(ClaimTypes.Role, g))],
            AuthenticationType, ClaimTypes.Name, ClaimTypes.Role));

    public static DashboardUser? UserOf(ClaimsPrincipal principal) =>
        principal.Identity?.IsAuthenticated == true && principal.FindFirst(TenantClaim)?.Value is { } tenant
            ? new DashboardUser(principal.Identity.Name ?? "", tenant, principal.FindAll(ClaimTypes.Role).Select(c => c.Value).ToList())
            : null;
}
