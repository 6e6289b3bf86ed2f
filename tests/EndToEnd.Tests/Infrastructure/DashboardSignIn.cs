using System.Net;
using System.Text.RegularExpressions;

namespace OrleansOrchestrator.EndToEnd.Tests.Infrastructure;

/// <summary>The dashboard's sign-in over plain HTTP, as its form posts it: for tests about the session cookie itself.</summary>
public static partial class DashboardSignIn
{
    /// <summary>Signs in with <paramref name="token"/>; the session cookie's Set-Cookie header.</summary>
    /// <param name="thumbprint">The certificate an HTTPS dashboard must present; null for plain HTTP.</param>
    public static async Task<string> SetCookie(Uri dashboard, string token, string? thumbprint = null)
    {
        using var http = Client(dashboard, thumbprint);
        var form = await http.GetStringAsync("/login");
        var input = AntiforgeryInput().Match(form);
        Assert.True(input.Success, "the sign-in form carries an antiforgery token");
        var value = ValueAttribute().Match(input.Value).Groups["value"].Value;
        using var response = await http.PostAsync("/account/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = WebUtility.HtmlDecode(value),
            ["token"] = token,
            ["returnUrl"] = "/",
        }));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/", response.Headers.Location?.OriginalString);
        return string.Join("\n", response.Headers.GetValues("Set-Cookie").Where(c => c.StartsWith(CookieName, StringComparison.Ordinal)));
    }

    /// <summary>The session cookie's name prefix (ASP.NET splits a large cookie into numbered chunks).</summary>
    public const string CookieName = "orleans-orchestrator-dashboard";

    /// <summary>
    /// Asks for the dashboard's home page carrying the cookies of <paramref name="setCookie"/>, as a browser would send
    /// them to whichever silo a load balancer picks (none when empty); the status (200 signed in, a redirect to the sign-in page otherwise).
    /// </summary>
    public static async Task<HttpResponseMessage> Home(Uri dashboard, string setCookie)
    {
        using var http = Client(dashboard, null);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/");
        if (setCookie.Length > 0) request.Headers.Add("Cookie", string.Join("; ", setCookie.Split('\n').Select(c => c.Split(';')[0])));
        return await http.SendAsync(request);
    }

    private static HttpClient Client(Uri dashboard, string? thumbprint) =>
        new(new HttpClientHandler
        {
            ServerCertificateCustomValidationCallback = (_, cert, _, _) => thumbprint is not null && cert?.Thumbprint == thumbprint,
            AllowAutoRedirect = false,
            CookieContainer = new CookieContainer(),
        }) { BaseAddress = dashboard, Timeout = TimeSpan.FromSeconds(30) };

    [GeneratedRegex("<input[^>]*name=\"__RequestVerificationToken\"[^>]*>")]
    private static partial Regex AntiforgeryInput();

    [GeneratedRegex("value=\"(?<value>[^\"]+)\"")]
    private static partial Regex ValueAttribute();
}
