using System.Security.Cryptography.X509Certificates;
using OrleansOrchestrator.EndToEnd.Tests.Infrastructure;

namespace OrleansOrchestrator.EndToEnd.Tests.Security;

/// <summary>
/// With <c>--dashboard-https</c> the dashboard is served over TLS with the API's certificate and its session cookie is
/// <c>Secure</c>; without it (the default, loopback) it is plain HTTP and the cookie is not marked.
/// </summary>
public sealed class DashboardHttpsTests
{
    [Fact]
    public async Task DashboardHttps_ServedWithTheApisCertificate_AndTheSessionCookieIsSecure()
    {
        await using var silo = new SiloProcess(extraArgs: ["--dashboard-https"]);
        TokenFiles.WriteUsers(silo);
        await silo.Start();
        using var certificate = X509Certificate2.CreateFromPem(File.ReadAllText(silo.CertificatePath));

        var cookie = await DashboardSignIn.SetCookie(new Uri($"https://127.0.0.1:{silo.DashboardPort}"), TokenFiles.Admin, certificate.Thumbprint);

        Assert.Contains("orleans-orchestrator-dashboard", cookie);
        Assert.Contains("secure", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("Dashboard:      https://", silo.Output);
    }

    [Fact]
    public async Task DashboardByDefault_PlainHttpOnLoopback_CookieNotMarkedSecure()
    {
        await using var silo = new SiloProcess();
        TokenFiles.WriteUsers(silo);
        await silo.Start();

        var cookie = await DashboardSignIn.SetCookie(new Uri($"http://127.0.0.1:{silo.DashboardPort}"), TokenFiles.Admin);

        Assert.Contains("orleans-orchestrator-dashboard", cookie);
        Assert.DoesNotContain("secure", cookie, StringComparison.OrdinalIgnoreCase);
    }
}
