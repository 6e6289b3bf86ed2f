using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using OrleansOrchestrator.EndToEnd.Tests.Infrastructure;

namespace OrleansOrchestrator.EndToEnd.Tests.Api;

/// <summary>
/// A hostile client with a valid token (an administrator's, or a read-only one) sends what no honest client would:
/// every answer is a Kubernetes <c>Status</c> with a 4xx code, the silo stays up, and nothing stored changes.
/// </summary>
public sealed class HostileInputTests(HostileInputTests.Fixture fixture) : IClassFixture<HostileInputTests.Fixture>
{
    private const string Ns = "hostile";
    private const string ConfigMaps = $"/api/v1/namespaces/{Ns}/configmaps";
    private const string Deployments = $"/apis/apps/v1/namespaces/{Ns}/deployments";
    private const string ApplyYaml = "application/apply-patch+yaml";

    /// <summary>One silo with an administrator and a viewer, and the objects every request aims at.</summary>
    public sealed class Fixture : IAsyncLifetime
    {
        public SiloProcess Silo { get; } = new();

        public async Task InitializeAsync()
        {
            TokenFiles.WriteUsers(Silo);
            await Silo.Start();
            using var admin = new ApiClient(Silo, TokenFiles.Admin);
            Assert.Equal(201, (await admin.Send(HttpMethod.Post, "/api/v1/namespaces", $$$"""{"metadata":{"name":"{{{Ns}}}"}}""")).Code);
            Assert.Equal(201, (await admin.Send(HttpMethod.Post, ConfigMaps, """{"metadata":{"name":"pt"},"data":{"a":"1"}}""")).Code);
            // Zero replicas: its controller writes its status once and then nothing changes under the tests.
            Assert.Equal(201, (await admin.Send(HttpMethod.Post, Deployments, Manifests.Deployment("web", 0, "example/c:1"), "application/yaml")).Code);
            await Eventually.True(async () => (await admin.Get($"{Deployments}/web")).Body?["status"]?["observedGeneration"] is not null,
                "the deployment's controller to write its status");
        }

        public async Task DisposeAsync() => await Silo.DisposeAsync();
    }

    private static string SelfAlias => "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: pt\ndata: &x\n  a: *x\n";

    /// <summary>Nine anchors, each nine copies of the one before: 9^9 strings from a few hundred bytes.</summary>
    private static string BillionLaughs
    {
        get
        {
            var yaml = new StringBuilder("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: lol\nx:\n  a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
            for (var level = 'b'; level <= 'i'; level++)
            {
                var previous = (char)(level - 1);
                yaml.Append($"  {level}: &{level} [{string.Join(",", Enumerable.Repeat($"*{previous}", 9))}]\n");
            }
            return yaml.ToString();
        }
    }

    private static string DeepJson(int depth) =>
        $$$"""{"metadata":{"name":"deep","annotations":{"a":"b"}},"data":{"k":"v"},"x":{{{new string('[', depth)}}}{{{new string(']', depth)}}}}""";

    private static string PodWith(string spec) =>
        $$$"""{"apiVersion":"v1","kind":"Pod","metadata":{"name":"nulls"},"spec":{{{spec}}}}""";

    public static TheoryData<string, string, string, string, string, int> Requests => new()
    {
        // method, path, content type, body, token ("admin" or "viewer"), expected code
        { "PATCH", $"{ConfigMaps}/pt?fieldManager=x&force=true", ApplyYaml, SelfAlias, "admin", 400 },
        { "PATCH", $"{ConfigMaps}/pt?fieldManager=x&force=true", ApplyYaml, SelfAlias, "viewer", 403 },
        { "POST", ConfigMaps, "application/yaml", SelfAlias, "admin", 400 },
        { "DELETE", $"{ConfigMaps}/pt", "application/yaml", "gracePeriodSeconds: &g [*g]\n", "admin", 400 },
        { "POST", ConfigMaps, "application/yaml", BillionLaughs, "admin", 400 },
        { "PATCH", $"{ConfigMaps}/pt?fieldManager=x", ApplyYaml, BillionLaughs, "admin", 400 },
        { "POST", ConfigMaps, "application/yaml", "data: " + new string('[', 100_000), "admin", 400 },
        { "POST", ConfigMaps, "application/yaml", "data:\n" + string.Concat(Enumerable.Range(1, 1000).Select(i => new string(' ', i) + "a:\n")), "admin", 400 },
        { "POST", ConfigMaps, "application/json", DeepJson(100), "admin", 400 },
        { "POST", ConfigMaps, "application/json", DeepJson(100_000), "admin", 400 },
        { "POST", ConfigMaps, "application/json", """{"metadata":{"name":"s"},"data":{"k":"\ud800"}}""", "admin", 400 },
        { "POST", ConfigMaps, "application/json", """{"metadata":{"name":"s"},"data":{"\udc00":"v"}}""", "admin", 400 },
        { "POST", ConfigMaps, "application/yaml", "metadata:\n  name: s\ndata:\n  k: \"\\ud800\"\n", "admin", 400 },
        { "POST", $"/api/v1/namespaces/{Ns}/pods", "application/json", PodWith("""{"containers":null}"""), "admin", 422 },
        { "POST", $"/api/v1/namespaces/{Ns}/pods", "application/json", PodWith("""{"containers":[null]}"""), "admin", 422 },
        { "POST", $"/api/v1/namespaces/{Ns}/pods", "application/json", PodWith("""{"containers":[{"name":"c","image":"i","env":[null],"ports":null}]}"""), "admin", 422 },
        { "POST", Deployments, "application/json", """{"metadata":{"name":"n"},"spec":{"selector":null,"template":null}}""", "admin", 422 },
        { "PATCH", $"{ConfigMaps}/pt", "application/merge-patch+json", """[{"data":{"a":"2"}}]""", "admin", 400 },
        { "PATCH", $"{ConfigMaps}/pt", "application/strategic-merge-patch+json", "[]", "admin", 400 },
        { "PATCH", $"{ConfigMaps}/pt?fieldManager=x", ApplyYaml, "5", "admin", 400 },
        { "PATCH", $"{ConfigMaps}/pt", "application/json-patch+json", """{"op":"add"}""", "admin", 400 },
        { "PATCH", $"{ConfigMaps}/pt", "application/json-patch+json", "[1, null, \"x\"]", "admin", 422 },
        { "DELETE", $"{ConfigMaps}/a%25b", "", "", "admin", 400 },
        { "PATCH", $"{Deployments}/web/scale", "application/merge-patch+json", "[1]", "admin", 400 },
        { "PATCH", $"{Deployments}/web/scale", "application/merge-patch+json", "\"x\"", "admin", 400 },
        { "PUT", $"{Deployments}/web/scale", "application/json", "[1]", "admin", 400 },
        { "DELETE", $"{ConfigMaps}/pt", "application/json", """{"gracePeriodSeconds":"x"}""", "admin", 400 },
        { "DELETE", $"{ConfigMaps}/pt", "application/json", """{"propagationPolicy":5}""", "admin", 400 },
        { "DELETE", $"{ConfigMaps}/pt", "application/json", """{"preconditions":[]}""", "admin", 400 },
        { "DELETE", $"{ConfigMaps}/pt", "application/json", """{"preconditions":{"uid":{}}}""", "admin", 400 },
        { "DELETE", $"{ConfigMaps}/pt", "application/json", "[]", "admin", 400 },
        { "GET", $"{ConfigMaps}?limit=abc", "", "", "viewer", 400 },
        // (limit=-1 asks for no limit, as in Kubernetes: a 200.)
        { "GET", $"{ConfigMaps}?continue=garbage", "", "", "viewer", 400 },
        { "GET", $"/api/v1/configmaps?continue={Uri.EscapeDataString(Convert.ToBase64String("1\nx"u8.ToArray()))}", "", "", "viewer", 400 },
        { "GET", $"{ConfigMaps}?labelSelector=a%3D%3D{new string('x', 6000)}", "", "", "viewer", 400 },
        { "GET", $"{ConfigMaps}?labelSelector=a+in+({new string('(', 6000)}", "", "", "viewer", 400 },
        { "GET", $"{ConfigMaps}?watch=1&timeoutSeconds=-1", "", "", "viewer", 400 },
        { "GET", $"{ConfigMaps}?watch=1&timeoutSeconds=abc", "", "", "viewer", 400 },
        // Found by the fuzz suite: forty copies of the data into itself, each doubling it; a patch that
        // nests values ever deeper; and discovery documents answering other methods as if they were GETs.
        { "PATCH", $"{ConfigMaps}/pt", "application/json-patch+json", DoublingCopies, "admin", 422 },
        { "PATCH", $"{ConfigMaps}/pt", "application/json-patch+json", DeeperAndDeeper, "admin", 422 },
        { "DELETE", "/openapi/v3", "", "", "viewer", 405 },
        // A name or namespace from a body that could not be part of a store key (bench fuzz found "a/b": a 500).
        { "POST", $"/api/v1/namespaces/{Ns}/secrets", "application/json", """{"metadata":{"name":"a/b"}}""", "admin", 422 },
        { "POST", "/api/v1/nodes", "application/yaml", "metadata: {name: a/b}\n", "admin", 422 },
        { "POST", "/api/v1/configmaps", "application/json", """{"metadata":{"name":"x","namespace":"a/b"}}""", "admin", 400 },
        // A Job whose selector does not parse (bench fuzz: the generated-selector check threw, a 500).
        { "POST", $"/apis/batch/v1/namespaces/{Ns}/jobs", "application/json",
            """{"metadata":{"name":"j"},"spec":{"selector":{"matchExpressions":[{"key":"k","operator":"x1","values":["v"]}]},"template":{"spec":{"restartPolicy":"Never","containers":[{"name":"c","image":"x"}]}}}}""", "admin", 422 },
        { "PATCH", $"{Deployments}/web/scale", "application/json-patch+json", """[{"op":0,"path":"/spec/replicas","value":1}]""", "admin", 422 },
        { "POST", "/apis", "application/json", "{}", "viewer", 405 },
    };

    private static string DoublingCopies =>
        "[" + string.Join(",", Enumerable.Range(0, 40).Select(i => $$"""{"op":"copy","from":"/data","path":"/data/c{{i}}"}""")) + "]";

    /// <summary>Each operation adds a value 60 levels deep at the bottom of the one before.</summary>
    private static string DeeperAndDeeper
    {
        get
        {
            var value = string.Concat(Enumerable.Repeat("{\"x\":", 60)) + "1" + new string('}', 60);
            var operations = Enumerable.Range(0, 3).Select(i =>
                "{\"op\":\"add\",\"path\":\"/data" + string.Concat(Enumerable.Repeat("/x", i * 60)) + "\",\"value\":" + value + "}");
            return "[" + string.Join(",", operations) + "]";
        }
    }

    [Theory, MemberData(nameof(Requests))]
    public async Task HostileRequest_GetsAStatus_SiloStaysUp_StoreUnchanged(string method, string path, string contentType, string body, string token, int code)
    {
        using var admin = new ApiClient(fixture.Silo, TokenFiles.Admin);
        using var api = new ApiClient(fixture.Silo, token == "viewer" ? TokenFiles.Viewer : TokenFiles.Admin);
        var before = await Snapshot(admin);

        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (body.Length > 0)
        {
            request.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        }
        var clock = Stopwatch.StartNew();
        var (actual, status) = await api.Send(request);

        AssertStatus(code, actual, status);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"answered after {clock.Elapsed}");
        await AssertAliveAndUnchanged(admin, before);
    }

    public static TheoryData<string> InvalidUtf8Bodies => new()
    {
        "{\"metadata\":{\"name\":\"s\"},\"data\":{\"k\":\"\u00ff\"}}",
        "{\"metadata\":{\"name\":\"s\"},\"data\":{\"\u00c3\":\"v\"}}",
    };

    [Theory, MemberData(nameof(InvalidUtf8Bodies))]
    public async Task InvalidUtf8_Gets400_SiloStaysUp_StoreUnchanged(string latin1Body)
    {
        using var admin = new ApiClient(fixture.Silo, TokenFiles.Admin);
        var before = await Snapshot(admin);
        // Each char of the literal is one byte on the wire: 0xFF is never valid UTF-8, nor is 0xC3 before a quote.
        using var request = new HttpRequestMessage(HttpMethod.Post, ConfigMaps) { Content = new ByteArrayContent(Encoding.Latin1.GetBytes(latin1Body)) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");

        var (code, status) = await admin.Send(request);

        AssertStatus(400, code, status);
        await AssertAliveAndUnchanged(admin, before);
    }

    [Theory]
    [InlineData($"{ConfigMaps}/..", "..")]
    [InlineData($"{ConfigMaps}/.", ".")]
    [InlineData($"{ConfigMaps}/%2e%2E", "..")]
    [InlineData($"{ConfigMaps}/pt/../..", "..")]
    public async Task DeleteWithDotSegments_Gets400_NamespaceSurvives(string rawPath, string segment)
    {
        using var admin = new ApiClient(fixture.Silo, TokenFiles.Admin);
        var before = await Snapshot(admin);
        // As curl --path-as-is sends it: System.Uri would otherwise remove the dot segments before sending.
        var target = new Uri(fixture.Silo.ApiUri + rawPath.TrimStart('/'), new UriCreationOptions { DangerousDisablePathAndQueryCanonicalization = true });
        using var request = new HttpRequestMessage(HttpMethod.Delete, target);

        var (code, status) = await admin.Send(request);

        AssertStatus(400, code, status);
        Assert.Contains($"may not be '{segment}'", status!["message"]!.GetValue<string>(), StringComparison.Ordinal);
        await AssertAliveAndUnchanged(admin, before);
    }

    [Fact]
    public async Task Watch_TimeoutSecondsOne_EndsWithinTwoSeconds()
    {
        using var viewer = new ApiClient(fixture.Silo, TokenFiles.Viewer);
        var clock = Stopwatch.StartNew();

        using var response = await viewer.Http.GetAsync($"{ConfigMaps}?watch=1&timeoutSeconds=1", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(200, (int)response.StatusCode);
        var text = await response.Content.ReadAsStringAsync();

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2.5), $"the watch ended after {clock.Elapsed}");
        Assert.Contains("\"ADDED\"", text, StringComparison.Ordinal);
    }

    private static void AssertStatus(int expected, int code, JsonNode? status)
    {
        Assert.True(expected == code, $"expected {expected}, got {code}: {status?.ToJsonString()}");
        Assert.Equal("Status", status?["kind"]?.GetValue<string>());
        Assert.Equal(code, status!["code"]!.GetValue<int>());
        Assert.False(string.IsNullOrEmpty(status["message"]?.GetValue<string>()));
    }

    private async Task AssertAliveAndUnchanged(ApiClient admin, string before)
    {
        var (health, _) = await admin.Get("/healthz");
        Assert.Equal(200, health);
        Assert.Equal(before, await Snapshot(admin));
    }

    /// <summary>Everything the requests aim at, with every object's and every list's version.</summary>
    private static async Task<string> Snapshot(ApiClient api)
    {
        var text = new StringBuilder();
        foreach (var path in new[] { $"/api/v1/namespaces/{Ns}", ConfigMaps, Deployments, $"/api/v1/namespaces/{Ns}/pods" })
        {
            var (code, body) = await api.Get(path);
            Assert.Equal(200, code);
            text.AppendLine(body!.ToJsonString());
        }
        return text.ToString();
    }
}
