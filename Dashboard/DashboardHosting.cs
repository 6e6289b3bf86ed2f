using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;
using OrleansOrchestrator.Dashboard.Components;
using OrleansOrchestrator.Dashboard.ServiceClient;

namespace OrleansOrchestrator.Dashboard;

/// <summary>Where a newcomer finds the cluster (shown on the sign-in page), and where the dashboard keeps its cookie keys.</summary>
public sealed record DashboardOptions(string ApiUrl, string KubeconfigPath, string KeysDirectory)
{
    /// <summary>How often an open page checks that its token is still valid (a revoked token's page ends within it).</summary>
    public TimeSpan SessionRecheck { get; init; } = TimeSpan.FromSeconds(30);
}

/// <summary>
/// Adds the dashboard to a web host that provides an <see cref="IClusterBackend"/>: the silo co-hosts it, or
/// a process of its own runs it as an Orleans client.
/// </summary>
public static class DashboardHosting
{
    public const string LoginPath = "/login";

    public static IServiceCollection AddDashboard(this IServiceCollection services, DashboardOptions options)
    {
        services.AddSingleton(options);
        services.AddRazorComponents().AddInteractiveServerComponents();
        services.AddMudServices();
        services.AddSingleton<IClusterFeed, ClusterFeed>();
        services.AddSingleton(sp => new SignInThrottle(sp.GetService<TimeProvider>() ?? TimeProvider.System));
        services.AddScoped<DashboardSession>();
        services.AddScoped<NamespaceSelection>();
        services.AddCascadingAuthenticationState();
        services.AddScoped<AuthenticationStateProvider, SignedInSession.Revalidation>();
        services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme)
            .AddCookie(cookie =>
            {
                cookie.LoginPath = LoginPath;
                cookie.Cookie.Name = "orleans-orchestrator-dashboard";
                cookie.Cookie.HttpOnly = true;
                cookie.Cookie.SameSite = SameSiteMode.Strict;
                // Secure whenever the dashboard is served over HTTPS (--dashboard-https), so it never travels in the clear.
                cookie.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                cookie.ExpireTimeSpan = TimeSpan.FromHours(8);
                cookie.SlidingExpiration = true;
                // Every request re-checks the session's token: a revoked one is signed out at once.
                cookie.Events.OnValidatePrincipal = async context =>
                {
                    var backend = context.HttpContext.RequestServices.GetRequiredService<IClusterBackend>();
                    if (context.Principal is { } principal && SignedInSession.StillValid(backend, principal)) return;
                    context.RejectPrincipal();
                    await context.HttpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
                };
            });
        services.AddAuthorization();
        // Keys on disk, so that a restart does not sign everyone out (and not in /root/.aspnet, which the data folder's owner may not have).
        services.AddDataProtection()
            .PersistKeysToFileSystem(new DirectoryInfo(options.KeysDirectory))
            .SetApplicationName("orleans-orchestrator-dashboard");
        return services;
    }

    /// <summary>The dashboard's pipeline, for the branch of the host that serves the dashboard's port.</summary>
    public static void UseDashboard(this IApplicationBuilder app)
    {
        app.UseRouting();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseAntiforgery();
        app.UseEndpoints(endpoints =>
        {
            endpoints.MapStaticAssets();
            endpoints.MapRazorComponents<App>()
                .AddInteractiveServerRenderMode()
                .RequireAuthorization();
            MapAccount(endpoints);
        });
    }

    private static void MapAccount(IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/account/login", async (HttpContext context, IClusterBackend backend, IAntiforgery antiforgery, SignInThrottle throttle) =>
        {
            if (!await antiforgery.IsRequestValidAsync(context)) return Results.Redirect($"{LoginPath}?error=expired");
            var form = await context.Request.ReadFormAsync();
            var name = form["user"].ToString().Trim();
            DashboardUser? user;
            string credential;
            if (name.Length > 0)
            {
                // A user name and password, of the tenant on the form (or user@tenant in the name field).
                var tenant = form["tenant"].ToString().Trim();
                if (tenant.Length == 0 && name.LastIndexOf('@') is var at and > 0) (name, tenant) = (name[..at], name[(at + 1)..]);
                // Locked out: refused unchecked, with the same answer as a wrong password.
                if (throttle.Begin(SignInThrottle.UserKey(tenant, name), SignInThrottle.AddressKey(context.Connection.RemoteIpAddress?.ToString())) is not { } attempt)
                    return Results.Redirect($"{LoginPath}?error=password");
                await throttle.Checks.WaitAsync(context.RequestAborted);
                (DashboardUser User, string Credential)? checkedIn;
                try
                {
                    checkedIn = backend.SignInWithPassword(tenant, name, form["password"].ToString());
                }
                finally
                {
                    throttle.Checks.Release();
                }
                if (checkedIn is not { } signedIn) return Results.Redirect($"{LoginPath}?error=password");
                attempt.Succeeded();
                (user, credential) = signedIn;
            }
            else
            {
                var token = form["token"].ToString().Trim();
                user = backend.SignIn(token);
                if (user is null) return Results.Redirect($"{LoginPath}?error=invalid");
                credential = TokenFingerprint.Of(token);
            }
            await context.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, DashboardClaims.ToPrincipal(user, credential));
            var returnUrl = form["returnUrl"].ToString();
            return Results.LocalRedirect(returnUrl.StartsWith('/') && !returnUrl.StartsWith("//", StringComparison.Ordinal) ? returnUrl : "/");
        }).AllowAnonymous();
        endpoints.MapGet("/account/logout", async (HttpContext context) =>
        {
            await context.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
            return Results.Redirect(LoginPath);
        }).AllowAnonymous();
    }
}
