using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace OrleansOrchestrator.Dashboard;

/// <summary>Where a newcomer finds the cluster: shown on the dashboard's address.</summary>
public sealed record DashboardInfo(string ApiUrl, string KubeconfigPath);

/// <summary>
/// The dashboard's endpoints. For now the landing page that tells a newcomer where the API and the
/// kubeconfig are; the live Blazor dashboard (nodes, pods, deployments, rollouts) builds on this project.
/// </summary>
public static class DashboardEndpoints
{
    public static IEndpointRouteBuilder MapDashboard(this IEndpointRouteBuilder endpoints, DashboardInfo info)
    {
        endpoints.MapGet("/", () => Results.Content(LandingPage(info), "text/html; charset=utf-8"));
        return endpoints;
    }

    private static string LandingPage(DashboardInfo info) => $"""
        <!doctype html>
        <html lang="en">
        <head><meta charset="utf-8"><title>OrleansOrchestrator</title></head>
        <body style="font-family: sans-serif; max-width: 48rem; margin: 2rem auto">
          <h1>OrleansOrchestrator</h1>
          <p>Kubernetes API: <code>{WebUtility.HtmlEncode(info.ApiUrl)}</code></p>
          <p>kubeconfig: <code>{WebUtility.HtmlEncode(info.KubeconfigPath)}</code></p>
          <pre>export KUBECONFIG={WebUtility.HtmlEncode(info.KubeconfigPath)}
        kubectl get nodes</pre>
          <p>The live dashboard is not built yet.</p>
        </body>
        </html>
        """;
}
