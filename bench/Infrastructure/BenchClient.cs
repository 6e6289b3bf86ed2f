using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;

namespace OrleansOrchestrator.Bench.Infrastructure;

/// <summary>The Kubernetes API of a bench silo, over HTTPS with the admin token.</summary>
public sealed class BenchClient(HttpClient http) : IDisposable
{
    public HttpClient Http => http;

    public async Task<JsonNode> Json(string path, CancellationToken cancellationToken = default) =>
        JsonNode.Parse(await http.GetStringAsync(path, cancellationToken))!;

    /// <summary>Sends a request and answers the status code (the body is read and dropped).</summary>
    public async Task<int> Send(HttpMethod method, string path, string? body = null, string contentType = "application/json", CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null) request.Content = new StringContent(body, Encoding.UTF8, contentType);
        using var response = await http.SendAsync(request, cancellationToken);
        await response.Content.ReadAsByteArrayAsync(cancellationToken);
        return (int)response.StatusCode;
    }

    /// <summary>Sends a request that must answer <paramref name="expected"/>; answers how long it took, in milliseconds.</summary>
    public async Task<double> Timed(HttpMethod method, string path, string? body = null, int expected = 0, string contentType = "application/json", CancellationToken cancellationToken = default)
    {
        var start = Stopwatch.GetTimestamp();
        var code = await Send(method, path, body, contentType, cancellationToken);
        var ms = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        if (expected != 0 ? code != expected : code is < 200 or > 299)
            throw new InvalidOperationException($"{method} {path} answered {code}");
        return ms;
    }

    public async Task CreateNamespace(string name)
    {
        var code = await Send(HttpMethod.Post, "/api/v1/namespaces", "{\"metadata\":{\"name\":\"" + name + "\"}}");
        if (code is not (201 or 409)) throw new InvalidOperationException($"creating namespace {name} answered {code}");
    }

    /// <summary>Waits until <paramref name="count"/> nodes report Ready.</summary>
    public async Task WaitForReadyNodes(int count, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        using var ticker = Ticker.Start(() => $"waiting for {count} nodes Ready");
        while (true)
        {
            var ready = (await Json("/api/v1/nodes"))["items"]!.AsArray().Count(n =>
                n!["status"]?["conditions"]?.AsArray().Any(c => c!["type"]!.GetValue<string>() == "Ready" && c["status"]!.GetValue<string>() == "True") == true);
            if (ready >= count) return;
            if (clock.Elapsed > timeout) throw new TimeoutException($"only {ready}/{count} nodes Ready after {timeout}");
            await Task.Delay(500);
        }
    }

    public void Dispose() => http.Dispose();
}
