using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace OrleansOrchestrator.Fuzzing;

/// <summary>
/// Sends one fuzz request and judges the answer by what every answer of the API promises, whatever was sent:
/// no 5xx, complete within <see cref="TimeLimit"/>, every error a <c>metav1.Status</c> whose code is the
/// HTTP status, and no write accepted from a read-only token.
/// </summary>
public sealed class FuzzOracle(FuzzTarget target)
{
    public static readonly TimeSpan TimeLimit = TimeSpan.FromSeconds(2);

    /// <summary>How much of a body a report shows.</summary>
    private const int ShownBody = 600;

    public async Task<(FuzzOutcome Outcome, FuzzViolation? Violation)> Send(FuzzRequest request)
    {
        var outcome = await Exchange(request);
        return (outcome, Judge(request, outcome) is { } rule ? new FuzzViolation(rule, request, outcome.Describe()) : null);
    }

    /// <summary>The rule the answer breaks, or null.</summary>
    public static string? Judge(FuzzRequest request, FuzzOutcome outcome)
    {
        if (outcome.Code == 0) return $"no complete answer within {TimeLimit.TotalSeconds:F0} s";
        if (outcome.Elapsed > TimeLimit) return $"answered after more than {TimeLimit.TotalSeconds:F0} s";
        if (outcome.Code >= 500) return "5xx";
        if (outcome.Code is >= 200 and < 300)
            return request.Caller == FuzzCaller.Viewer && request.IsWrite ? "a read-only token's write accepted" : null;
        return IsStatus(outcome.Body, outcome.Code) ? null : "error body is not a metav1.Status with the HTTP code";
    }

    private static bool IsStatus(string body, int code)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            var root = json.RootElement;
            return root.ValueKind == JsonValueKind.Object
                   && root.TryGetProperty("kind", out var kind) && kind.ValueKind == JsonValueKind.String && kind.GetString() == "Status"
                   && root.TryGetProperty("code", out var statusCode) && statusCode.ValueKind == JsonValueKind.Number && statusCode.GetInt32() == code;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private async Task<FuzzOutcome> Exchange(FuzzRequest request)
    {
        // Sent exactly as generated: no client-side normalisation of dot segments or escapes.
        var uri = new Uri(target.Api.GetLeftPart(UriPartial.Authority) + request.PathAndQuery,
            new UriCreationOptions { DangerousDisablePathAndQueryCanonicalization = true });
        using var message = new HttpRequestMessage(new HttpMethod(request.Method), uri);
        if (request.Body is { } body)
        {
            message.Content = new ByteArrayContent(body);
            if (request.ContentType is { } contentType) message.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        }
        if (request.Accept is { } accept) message.Headers.TryAddWithoutValidation("Accept", accept);

        using var deadline = new CancellationTokenSource(TimeLimit);
        var clock = Stopwatch.StartNew();
        var code = 0;
        try
        {
            using var response = await target.For(request.Caller).SendAsync(message, HttpCompletionOption.ResponseHeadersRead, deadline.Token);
            code = (int)response.StatusCode;
            var bytes = await response.Content.ReadAsByteArrayAsync(deadline.Token);
            return new FuzzOutcome(code, clock.Elapsed, Shown(bytes, code), null);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            return new FuzzOutcome(0, clock.Elapsed, "", code == 0 ? "no headers" : $"status {code} sent, body unfinished");
        }
        catch (HttpRequestException e)
        {
            return new FuzzOutcome(0, clock.Elapsed, "", $"{e.HttpRequestError}: {e.Message}");
        }
    }

    /// <summary>An error's whole body (the Status check needs it; it may echo a huge field), a success's start only.</summary>
    private static string Shown(byte[] bytes, int code) =>
        Encoding.UTF8.GetString(bytes, 0, code >= 300 ? bytes.Length : Math.Min(bytes.Length, ShownBody));
}
