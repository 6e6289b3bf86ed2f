using System.Security.Claims;

namespace OrleansOrchestrator.Dashboard.ServiceClient;

/// <summary>How a signed-in user travels in the dashboard's cookie: name, tenant and groups as claims.</summary>
public static class DashboardClaims
{
    public const string TenantClaim = "oo:tenant";

    /// <summary>The <see cref="TokenFingerprint"/> of the token the session was signed in with.</summary>
    public const string TokenClaim = "oo:token-sha256";
    public const string AuthenticationType = "dashboard-token";

    public static ClaimsPrincipal ToPrincipal(DashboardUser user, string tokenFingerprint) =>
        new(new ClaimsIdentity(
            [new Claim(ClaimTypes.Name, user.Name), new Claim(TenantClaim, user.Tenant), new Claim(TokenClaim, tokenFingerprint),
                .. user.Groups.Select(g => new Claim(ClaimTypes.Role, g))],
            AuthenticationType, ClaimTypes.Name, ClaimTypes.Role));

    public static string? TokenFingerprintOf(ClaimsPrincipal principal) => principal.FindFirst(TokenClaim)?.Value;

    public static DashboardUser? UserOf(ClaimsPrincipal principal) =>
        principal.Identity?.IsAuthenticated == true && principal.FindFirst(TenantClaim)?.Value is { } tenant
            ? new DashboardUser(principal.Identity.Name ?? "", tenant, principal.FindAll(ClaimTypes.Role).Select(c => c.Value).ToList())
            : null;
}
