using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text.RegularExpressions;
using OrleansOrchestrator.EndToEnd.Tests.Infrastructure;

namespace OrleansOrchestrator.EndToEnd.Tests.Security;

/// <summary>
/// With <c>--dashboard-https</c> the dashboard is served over TLS with the API's certificate and its session cookie is
/// <c>Secure</c>; without it (the default, loopback) it is plain HTTP and the cookie is not marked.
/// </summary>
public sealed partial class DashboardHttpsTests
{
    [Fact]
    public async Task DashboardHttps_ServedWithTheApisCertificate_AndTheSessionCookieIsSecure()
    {
        await using var silo = new SiloProcess(extraArgs: ["--dashboard-https"]);
        TokenFiles.WriteUsers(silo);
        await silo.Start();
        using var certificate = X509Certificate2.CreateFromPem(File.ReadAllText(silo.CertificatePath));

        var cookie = await SignIn(new Uri($"https://127.0.0.1:{silo.DashboardPort}"), certificate.Thumbprint);

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

        var cookie = await SignIn(new Uri($"http://127.0.0.1:{silo.DashboardPort}"), null);

        Assert.Contains("orleans-orchestrator-dashboard", cookie);
        Assert.DoesNotContain("secure", cookie, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>Signs in with the admin token as the sign-in form does; the session cookie's Set-Cookie header.</summary>
    private static async Task<string> SignIn(Uri dashboard, string? thumbprint)
    {
        using var handler = new HttpClientHandler
        {
            ServerCertificateCustomValidationCallback = (_, cert, _, _) => thumbprint is not null && cert?.Thumbprint == thumbprint,
            AllowAutoRedirect = false,
            CookieContainer = new CookieContainer(),
        };
        using var http = new HttpClient(handler) { BaseAddress = dashboard, Timeout = TimeSpan.FromSeconds(30) };
        var form = await http.GetStringAsync("/login");
        var input = AntiforgeryInput().Match(form);
        Assert.True(input.Success, "the sign-in form carries an antiforgery token");
        var value = ValueAttribute().Match(input.Value).Groups["value"].Value;
        using var response = await http.PostAsync("/account/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = WebUtility.HtmlDecode(value),
            ["token"] = TokenFiles.Admin,
            ["returnUrl"] = "/",
        }));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/", response.Headers.Location?.OriginalString);
        return string.Join("\n", response.Headers.GetValues("Set-Cookie").Where(c => c.StartsWith("orleans-orchestrator-dashboard", StringComparison.Ordinal)));
    }

    [GeneratedRegex("<input[^>]*name=\"__RequestVerificationToken\"[^>]*>")]
    private static partial Regex AntiforgeryInput();

    [GeneratedRegex("value=\"(?<value>[^\"]+)\"")]
    private static partial Regex ValueAttribute();
}
