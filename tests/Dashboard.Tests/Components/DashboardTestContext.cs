using System.Security.Claims;
using Bunit;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using MudBlazor.Services;
using OrleansOrchestrator.Dashboard.ServiceClient;
using OrleansOrchestrator.Dashboard.Tests.Fakes;

namespace OrleansOrchestrator.Dashboard.Tests.Components;

/// <summary>
/// A bUnit context with the dashboard's services as the host registers them, the feed and the cluster replaced by
/// fakes, and a signed-in user whose claims are those the sign-in cookie carries (<see cref="DashboardClaims"/>).
/// </summary>
public static class DashboardTestContext
{
    /// <summary>How long a test waits for the page to show what the feed or a click changed (the feed batches for 100 ms).</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    public const string UserName = "alice";
    public const string Tenant = "acme";

    public static BunitContext Create(FakeClusterFeed feed, FakeClusterBackend backend, params string[] groups)
    {
        var ctx = new BunitContext();
        ctx.JSInterop.Mode = JSRuntimeMode.Loose;
        ctx.Services.AddMudServices(options => options.SnackbarConfiguration.ShowTransitionDuration = 0);
        ctx.Services.AddSingleton<IClusterFeed>(feed);
        ctx.Services.AddSingleton<IClusterBackend>(backend);
        ctx.Services.AddSingleton(TimeProvider.System);
        ctx.Services.AddScoped<NamespaceSelection>();
        ctx.Services.AddScoped<DashboardSession>();
        var authorization = ctx.AddAuthorization();
        // In this order: each of bUnit's setters rebuilds the principal from what was set before it, and SetRoles forgets the claims.
        authorization.SetAuthorized(UserName);
        authorization.SetRoles(groups.Length == 0 ? ["developers"] : groups);
        authorization.SetClaims(new Claim(DashboardClaims.TenantClaim, Tenant));
        authorization.SetAuthenticationType(DashboardClaims.AuthenticationType);
        return ctx;
    }

    /// <summary>
    /// Clicks what opens a message box, waits for the box to say <paramref name="question"/>, and answers it. The
    /// click's handler waits for the answer, so the click completes only after it.
    /// </summary>
    public static async Task AnswerMessageBoxAsync(this IRenderedComponent<MudDialogProvider> dialogs, AngleSharp.Dom.IElement opener, string question, string answer)
    {
        var clicking = opener.ClickAsync(new());
        dialogs.WaitForAssertion(() => Assert.Contains(question, dialogs.Markup), Patience);
        await dialogs.FindAll("button").Single(b => b.TextContent.Trim() == answer).ClickAsync(new());
        await clicking.WaitAsync(Patience);
    }

    /// <summary>Opens a tab of a detail page (only the open tab's panel is rendered).</summary>
    public static async Task OpenTabAsync<T>(this IRenderedComponent<T> page, string title) where T : Microsoft.AspNetCore.Components.IComponent
    {
        page.WaitForAssertion(() => Assert.Contains(page.FindAll(".mud-tab"), t => t.TextContent.Trim() == title), Patience);
        await page.FindAll(".mud-tab").Single(t => t.TextContent.Trim() == title).ClickAsync(new());
    }

    /// <summary>The providers a page's snackbars and dialogs render into (MudBlazor keeps them outside the page).</summary>
    public static (IRenderedComponent<MudSnackbarProvider> Snackbars, IRenderedComponent<MudDialogProvider> Dialogs) RenderProviders(this BunitContext ctx)
    {
        ctx.Render<MudPopoverProvider>();
        return (ctx.Render<MudSnackbarProvider>(), ctx.Render<MudDialogProvider>());
    }
}
