using System.Text.Json.Nodes;
using OrleansOrchestrator.EndToEnd.Tests.Infrastructure;

namespace OrleansOrchestrator.EndToEnd.Tests.Store;

/// <summary>Optimistic concurrency and the watch guarantees, under writers racing through the real API.</summary>
public sealed class ConcurrencyTests(SiloFixture fixture) : IClassFixture<SiloFixture>
{
    private ApiClient Admin() => new(fixture.Silo, ApiClient.AdminToken(fixture.Silo));

    private static string ConfigMap(string name, string value, string? resourceVersion = null) =>
        new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "ConfigMap",
            ["metadata"] = resourceVersion is null
                ? new JsonObject { ["name"] = name }
                : new JsonObject { ["name"] = name, ["resourceVersion"] = resourceVersion },
            ["data"] = new JsonObject { ["value"] = value },
        }.ToJsonString();

    [Fact]
    public async Task TwoUpdates_SameResourceVersion_ExactlyOneWinsTheOtherGets409()
    {
        using var api = Admin();
        const string path = "/api/v1/namespaces/default/configmaps";
        Assert.Equal(201, (await api.Send(HttpMethod.Post, path, ConfigMap("contended", "0"))).Code);
        var version = (await api.Get($"{path}/contended")).Body!["metadata"]!["resourceVersion"]!.GetValue<string>();

        var results = await Task.WhenAll(
            api.Send(HttpMethod.Put, $"{path}/contended", ConfigMap("contended", "first", version)),
            api.Send(HttpMethod.Put, $"{path}/contended", ConfigMap("contended", "second", version)));

        Assert.Single(results, r => r.Code == 200);
        var loser = Assert.Single(results, r => r.Code == 409);
        Assert.Equal("Conflict", loser.Body!["reason"]!.GetValue<string>());
        Assert.Contains("the object has been modified", loser.Body["message"]!.GetValue<string>());
        var winner = results.Single(r => r.Code == 200).Body!["data"]!["value"]!.GetValue<string>();
        Assert.Equal(winner, (await api.Get($"{path}/contended")).Body!["data"]!["value"]!.GetValue<string>());
    }

    [Fact]
    public async Task Watch_ConcurrentWriters_DeliversEveryCommitOnceInOrder_AndResumesFromAnyVersion()
    {
        using var api = Admin();
        await api.Send(HttpMethod.Post, "/api/v1/namespaces", """{"metadata":{"name":"race"}}""");
        const string path = "/api/v1/namespaces/race/configmaps";
        var listVersion = (await api.Get(path)).Body!["metadata"]!["resourceVersion"]!.GetValue<string>();

        using var watchCts = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        var collected = new List<(string Type, string Name, long Version, string Value)>();
        const int writers = 8, writesEach = 25;
        var watch = Collect(api, $"{path}?watch=true&resourceVersion={listVersion}", collected, writers * writesEach, watchCts.Token);

        // Writers race: each creates its object then updates it; all go through optimistic concurrency.
        await Task.WhenAll(Enumerable.Range(0, writers).Select(async w =>
        {
            var name = $"obj-{w}";
            Assert.Equal(201, (await api.Send(HttpMethod.Post, path, ConfigMap(name, "0"))).Code);
            for (var i = 1; i < writesEach; i++)
            {
                var (code, _) = await api.Send(HttpMethod.Put, $"{path}/{name}", ConfigMap(name, i.ToString()));
                Assert.Equal(200, code);
            }
        }));
        await watch;

        Assert.Equal(writers * writesEach, collected.Count);
        Assert.Equal(collected.Select(c => c.Version).Order(), collected.Select(c => c.Version));
        Assert.Equal(collected.Count, collected.Select(c => c.Version).Distinct().Count());
        foreach (var group in collected.GroupBy(c => c.Name))
        {
            Assert.Equal(["ADDED", .. Enumerable.Repeat("MODIFIED", writesEach - 1)], group.Select(g => g.Type));
            Assert.Equal(Enumerable.Range(0, writesEach).Select(i => i.ToString()), group.Select(g => g.Value));
        }

        // Resuming from the middle replays exactly what came after.
        var middle = collected[collected.Count / 2];
        var rest = new List<(string, string, long, string)>();
        await Collect(api, $"{path}?watch=true&resourceVersion={middle.Version}", rest, collected.Count - collected.Count / 2 - 1, watchCts.Token);
        Assert.Equal(collected.Skip(collected.Count / 2 + 1), rest);
    }

    [Fact]
    public async Task Watch_FromAVersionOlderThanTheHistory_GetsExpired410()
    {
        // A collection keeps its watch history in memory and starts it afresh, above every version it ever issued,
        // when it activates again. So a silo of its own: a version that was in the history before a restart is,
        // after it, a well-formed version older than the history.
        await using var silo = new SiloProcess();
        await silo.Start();
        const string path = "/api/v1/namespaces/default/configmaps";
        string before;
        using (var api = new ApiClient(silo, ApiClient.AdminToken(silo)))
        {
            Assert.Equal(201, (await api.Send(HttpMethod.Post, path, ConfigMap("before", "0"))).Code);
            before = (await api.Get(path)).Body!["metadata"]!["resourceVersion"]!.GetValue<string>();
            Assert.Equal(201, (await api.Send(HttpMethod.Post, path, ConfigMap("after", "1"))).Code);

            // While it is in the history, the version resumes the watch: the next event is the change after it.
            var (code, resumed) = await WatchFirstEvent(api, $"{path}?watch=true&resourceVersion={before}");
            Assert.Equal(200, code);
            Assert.Equal(("ADDED", "after"), (resumed!["type"]!.GetValue<string>(), resumed["object"]!["metadata"]!["name"]!.GetValue<string>()));
        }

        await silo.Stop();
        await silo.Start();
        using (var api = new ApiClient(silo, ApiClient.AdminToken(silo)))
        {
            var (code, body) = await WatchFirstEvent(api, $"{path}?watch=true&resourceVersion={before}");
            Assert.Equal(200, code);
            Assert.True(body is not null, "no event within 10 s: the watch waited on a history that no longer holds its version");
            Assert.Equal("ERROR", body["type"]!.GetValue<string>());
            Assert.Equal(410, body["object"]!["code"]!.GetValue<int>());
            Assert.Equal("Expired", body["object"]!["reason"]!.GetValue<string>());
            Assert.Equal($"too old resource version: {before}", body["object"]!["message"]!.GetValue<string>());
        }
    }

    /// <summary>The first line of a watch; null when the server sends none within ten seconds.</summary>
    private static async Task<(int, JsonNode?)> WatchFirstEvent(ApiClient api, string url)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        using var response = await api.Http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, deadline.Token);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(deadline.Token));
        string? line;
        try { line = await reader.ReadLineAsync(deadline.Token); }
        catch (OperationCanceledException) { line = null; }
        return ((int)response.StatusCode, line is null ? null : JsonNode.Parse(line));
    }

    private static async Task Collect(ApiClient api, string url, List<(string, string, long, string)> into, int count, CancellationToken ct)
    {
        using var response = await api.Http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, ct);
        Assert.Equal(200, (int)response.StatusCode);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(ct));
        while (into.Count < count && await reader.ReadLineAsync(ct) is { } line)
        {
            var e = JsonNode.Parse(line)!;
            var obj = e["object"]!;
            into.Add((e["type"]!.GetValue<string>(), obj["metadata"]!["name"]!.GetValue<string>(),
                long.Parse(obj["metadata"]!["resourceVersion"]!.GetValue<string>()), obj["data"]!["value"]!.GetValue<string>()));
        }
    }
}
