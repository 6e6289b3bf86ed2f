using System.Security.Claims;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;
using Microsoft.Extensions.Logging;

namespace OrleansOrchestrator.Dashboard.ServiceClient;

/// <summary>
/// Whether a signed-in session still stands: its token is still known, for the same user, tenant and groups. A
/// revoked token, or one whose user or groups changed, ends the session (the user signs in again and gets what the
/// token grants now). Asked by the cookie on every request and by <see cref="Revalidation"/> in an open page.
/// </summary>
public static class SignedInSession
{
    public static bool StillValid(IClusterBackend backend, ClaimsPrincipal principal) =>
        DashboardClaims.TokenFingerprintOf(principal) is { } fingerprint
        && DashboardClaims.UserOf(principal) is { } signedIn
        && backend.Revalidate(fingerprint, signedIn) is { } now
        && now.Name == signedIn.Name && now.Tenant == signedIn.Tenant && now.Groups.Order().SequenceEqual(signedIn.Groups.Order());

    /// <summary>
    /// An open page (a Blazor circuit) asks again every <see cref="DashboardOptions.SessionRecheck"/>: a revoked token's
    /// page loses its user and goes to the sign-in page, instead of living as long as the browser tab.
    /// </summary>
    public sealed class Revalidation(ILoggerFactory loggers, IClusterBackend backend, DashboardOptions options)
        : RevalidatingServerAuthenticationStateProvider(loggers)
    {
        protected override TimeSpan RevalidationInterval => options.SessionRecheck;

        protected override Task<bool> ValidateAuthenticationStateAsync(AuthenticationState authenticationState, CancellationToken cancellationToken) =>
            Task.FromResult(StillValid(backend, authenticationState.User));
    }
}
