using System.Net.Http.Headers;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;

namespace OrleansOrchestrator.EndToEnd.Tests.Infrastructure;

/// <summary>A raw HTTPS client of the API with one bearer token, trusting only the silo's own certificate.</summary>
public sealed class ApiClient : IDisposable
{
    private readonly HttpClient _http;

    public ApiClient(SiloProcess silo, string? token)
    {
        using var certificate = X509Certificate2.CreateFromPem(File.ReadAllText(silo.CertificatePath));
        var thumbprint = certificate.Thumbprint;
        var handler = new HttpClientHandler
        {
            ServerCertificateCustomValidationCallback = (_, cert, _, _) => cert?.Thumbprint == thumbprint,
        };
        _http = new HttpClient(handler) { BaseAddress = silo.ApiUri, Timeout = TimeSpan.FromSeconds(60) };
        if (token is not null) _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
    }

    /// <summary>The administrator's token from the kubeconfig the silo wrote (its token file keeps only the token's hash).</summary>
    public static string AdminToken(SiloProcess silo) =>
        File.ReadLines(silo.KubeconfigPath).Select(l => l.Trim()).First(l => l.StartsWith("token: ", StringComparison.Ordinal))["token: ".Length..].Trim();

    public async Task<(int Code, JsonNode? Body)> Send(HttpMethod method, string path, string? body = null, string contentType = "application/json")
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null) request.Content = new StringContent(body, Encoding.UTF8, contentType);
        return await Send(request);
    }

    public async Task<(int Code, JsonNode? Body)> Send(HttpRequestMessage request)
    {
        using var response = await _http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        JsonNode? json = null;
        try { json = text.Length > 0 ? JsonNode.Parse(text) : null; }
        catch (System.Text.Json.JsonException) { }
        return ((int)response.StatusCode, json);
    }

    public Task<(int Code, JsonNode? Body)> Get(string path) => Send(HttpMethod.Get, path);

    public HttpClient Http => _http;

    public void Dispose() => _http.Dispose();
}
