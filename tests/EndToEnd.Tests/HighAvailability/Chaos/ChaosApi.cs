using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;

namespace OrleansOrchestrator.Chaos;

/// <summary>
/// A client of the API of every silo at once, behaving as client-go behind a load balancer does: a request goes to one
/// silo (round-robin, or a preferred one), a refused connection moves it to the next, and <c>503</c>/<c>429</c> are
/// retried after <c>Retry-After</c>. Any <c>500</c>, or an error answer that is not a Kubernetes <c>Status</c>, is
/// recorded as a finding: a client cannot act on it.
/// </summary>
public sealed class ChaosApi : IDisposable
{
    /// <summary>Longest wait a <c>Retry-After</c> is honoured for (a longer one is clamped, as client-go does).</summary>
    private static readonly TimeSpan MaxRetryAfter = TimeSpan.FromSeconds(5);

    /// <summary>One attempt on one silo: a silo killed mid-request may leave the connection hanging.</summary>
    private static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(15);

    private readonly HttpClient[] _clients;
    private readonly ChaosFindings _findings;
    private int _next;

    public ChaosApi(IReadOnlyList<IChaosSilo> silos, string token, ChaosFindings findings)
    {
        _findings = findings;
        _clients = silos.Select(s => Client(s, token)).ToArray();
    }

    public int Silos => _clients.Length;

    private static HttpClient Client(IChaosSilo silo, string token)
    {
        using var certificate = X509Certificate2.CreateFromPem(silo.CertificatePem);
        var thumbprint = certificate.Thumbprint;
        var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = 256,
            ConnectTimeout = TimeSpan.FromSeconds(5),
            SslOptions = { RemoteCertificateValidationCallback = (_, c, _, _) => c is X509Certificate2 c2 && c2.Thumbprint == thumbprint },
        };
        var http = new HttpClient(handler) { BaseAddress = silo.ApiUri, Timeout = Timeout.InfiniteTimeSpan };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return http;
    }

    /// <summary>The HTTP client of one silo, for a streaming watch.</summary>
    public HttpClient Of(int silo) => _clients[silo % _clients.Length];

    /// <summary>
    /// Sends until an answer that is not "retry" arrives or <paramref name="deadline"/> passes (then code 0).
    /// <paramref name="preferred"/> picks the first silo tried (null: round-robin).
    /// </summary>
    public async Task<ChaosAnswer> Send(HttpMethod method, string path, string? body = null, string contentType = "application/json",
        int? preferred = null, TimeSpan? deadline = null, CancellationToken cancel = default)
    {
        var until = DateTime.UtcNow + (deadline ?? TimeSpan.FromSeconds(60));
        var silo = preferred ?? Interlocked.Increment(ref _next);
        var lastProblem = "";
        while (DateTime.UtcNow < until && !cancel.IsCancellationRequested)
        {
            var client = Of(silo);
            using var request = new HttpRequestMessage(method, path);
            if (body is not null) request.Content = new StringContent(body, Encoding.UTF8, contentType);
            using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancel);
            attempt.CancelAfter(AttemptTimeout);
            HttpResponseMessage response;
            string text;
            try
            {
                response = await client.SendAsync(request, attempt.Token);
                text = await response.Content.ReadAsStringAsync(attempt.Token);
            }
            catch (Exception e) when (e is HttpRequestException or OperationCanceledException or IOException && !cancel.IsCancellationRequested)
            {
                // A dead silo or one killed mid-request: what a load balancer does is send the next request elsewhere.
                Interlocked.Increment(ref _findings.ConnectionRefused);
                lastProblem = $"{e.GetType().Name}: {e.Message}";
                silo++;
                continue;
            }
            using (response)
            {
                var code = (int)response.StatusCode;
                var json = Parse(text);
                if (code >= 400 && json?["kind"]?.GetValue<string>() != "Status")
                    _findings.Add("error answer that is not a Status", $"{method} {path} → {code} {Bounded(text)}");
                if (code is 503 or 429)
                {
                    Interlocked.Increment(ref _findings.Retried503Or429);
                    if (response.Headers.RetryAfter?.Delta is null && response.Headers.RetryAfter?.Date is null)
                        _findings.Add("503/429 without Retry-After", $"{method} {path} → {code} {Bounded(text)}");
                    var wait = response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1);
                    // Honouring Retry-After is the point of the answer: this is the client's back-off, not a test's wait.
                    await Task.Delay(wait > MaxRetryAfter ? MaxRetryAfter : wait, cancel).ConfigureAwait(false);
                    lastProblem = $"{code} {Bounded(text)}";
                    silo++;
                    continue;
                }
                if (code >= 500)
                    _findings.Add($"{code} from the API", $"{method} {path} → {code} {Bounded(text)}");
                return new ChaosAnswer(code, json, text);
            }
        }
        return new ChaosAnswer(0, null, $"no answer before the deadline; last: {lastProblem}");
    }

    public Task<ChaosAnswer> Get(string path, int? preferred = null, CancellationToken cancel = default) =>
        Send(HttpMethod.Get, path, preferred: preferred, cancel: cancel);

    private static JsonNode? Parse(string text)
    {
        try { return text.Length > 0 ? JsonNode.Parse(text) : null; }
        catch (System.Text.Json.JsonException) { return null; }
    }

    public static string Bounded(string text) => text.Length <= 300 ? text.ReplaceLineEndings(" ") : text[..300].ReplaceLineEndings(" ") + "…";

    public void Dispose()
    {
        foreach (var c in _clients) c.Dispose();
    }
}

/// <summary>An API answer (code 0: none arrived in time).</summary>
public sealed record ChaosAnswer(int Code, JsonNode? Body, string Text)
{
    public bool Ok => Code is >= 200 and < 300;
}
