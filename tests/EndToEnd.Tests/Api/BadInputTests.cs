using System.Text;
using OrleansOrchestrator.EndToEnd.Tests.Infrastructure;

namespace OrleansOrchestrator.EndToEnd.Tests.Api;

/// <summary>Garbage in gets Kubernetes' error, as a Status, and the store is exactly as before.</summary>
public sealed class BadInputTests(SiloFixture fixture) : IClassFixture<SiloFixture>
{
    private const string Deployments = "/apis/apps/v1/namespaces/default/deployments";

    private const string ValidDeployment = """
        {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"good"},
         "spec":{"replicas":0,"selector":{"matchLabels":{"app":"good"}},
                 "template":{"metadata":{"labels":{"app":"good"}},"spec":{"containers":[{"name":"c","image":"example/c:1"}]}}}}
        """;

    public static TheoryData<string, string, string, int, string> Garbage => new()
    {
        { "POST", Deployments, """{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"trunc""", 400, "BadRequest" },
        { "POST", Deployments, ValidDeployment.Replace("\"replicas\":0", "\"replicas\":\"two\""), 400, "BadRequest" },
        { "POST", Deployments, ValidDeployment.Replace("\"containers\":[", "\"containers\":{\"x\":").Replace("\"}]}}}}", "\"}}}}}"), 400, "BadRequest" },
        { "POST", Deployments, ValidDeployment.Replace("\"good\"}", "\"Not_Valid\"}"), 422, "Invalid" },
        { "POST", Deployments, ValidDeployment.Replace("\"kind\":\"Deployment\"", "\"kind\":\"Pod\""), 400, "BadRequest" },
        { "POST", "/apis/apps/v1/namespaces/default/widgets", ValidDeployment, 404, "NotFound" },
        { "POST", "/apis/nope.example.com/v1/namespaces/default/things", ValidDeployment, 404, "NotFound" },
        { "POST", Deployments + "?fieldValidation=Strict", ValidDeployment.Replace("\"replicas\":0", "\"replicas\":0,\"replica\":3"), 422, "Invalid" },
        { "PUT", Deployments + "/good", ValidDeployment.Replace("\"name\":\"good\"", "\"name\":\"other\""), 400, "BadRequest" },
        { "PATCH", Deployments + "/good", "[{\"op\":\"replace\",\"path\":\"/spec/nothere/x\",\"value\":1}]", 422, "Invalid" },
        { "PATCH", Deployments + "/good", "{\"spec\":{\"replicas\":-5}}", 422, "Invalid" },
        { "DELETE", Deployments + "/absent", "", 404, "NotFound" },
    };

    [Theory, MemberData(nameof(Garbage))]
    public async Task Garbage_GetsTheKubernetesError_AndTheStoreIsUnchanged(string method, string path, string body, int code, string reason)
    {
        using var api = new ApiClient(fixture.Silo, ApiClient.AdminToken(fixture.Silo));
        await EnsureGoodDeployment(api);
        var before = await Snapshot(api);

        var contentType = method == "PATCH" ? (body.StartsWith('[') ? "application/json-patch+json" : "application/merge-patch+json") : "application/json";
        var (actualCode, status) = await api.Send(new HttpMethod(method), path, body.Length > 0 ? body : null, contentType);

        Assert.Equal(code, actualCode);
        Assert.Equal("Status", status!["kind"]!.GetValue<string>());
        Assert.Equal(reason, status["reason"]!.GetValue<string>());
        Assert.Equal(code, status["code"]!.GetValue<int>());
        Assert.False(string.IsNullOrEmpty(status["message"]!.GetValue<string>()));
        Assert.Equal(before, await Snapshot(api));
    }

    [Fact]
    public async Task TenMegabyteBody_Gets413_AndTheStoreIsUnchanged()
    {
        using var api = new ApiClient(fixture.Silo, ApiClient.AdminToken(fixture.Silo));
        await EnsureGoodDeployment(api);
        var before = await Snapshot(api);
        var huge = "{\"metadata\":{\"name\":\"huge\"},\"data\":{\"blob\":\"" + new string('x', 10 * 1024 * 1024) + "\"}}";

        var (code, status) = await api.Send(HttpMethod.Post, "/api/v1/namespaces/default/configmaps", huge);

        Assert.Equal(413, code);
        Assert.Equal("RequestEntityTooLarge", status!["reason"]!.GetValue<string>());
        Assert.Equal(before, await Snapshot(api));
        Assert.Equal(404, (await api.Get("/api/v1/namespaces/default/configmaps/huge")).Code);
    }

    [Fact]
    public async Task InvalidObject_Gets422WithFieldPaths()
    {
        using var api = new ApiClient(fixture.Silo, ApiClient.AdminToken(fixture.Silo));
        var bad = ValidDeployment.Replace("\"good\"}", "\"bad\"}").Replace("\"name\":\"good\"", "\"name\":\"bad\"").Replace("\"image\":\"example/c:1\"", "\"image\":\"\"");
        var (code, status) = await api.Send(HttpMethod.Post, Deployments, bad);
        Assert.Equal(422, code);
        var fields = status!["details"]!["causes"]!.AsArray().Select(c => c!["field"]!.GetValue<string>());
        Assert.Contains("spec.template.spec.containers[0].image", fields);
        Assert.Contains("Deployment.apps \"bad\" is invalid", status["message"]!.GetValue<string>());
    }

    /// <summary>
    /// The deployment the bad requests aim at, with zero replicas, once its controller has settled (so that
    /// nothing but the request under test could change the store).
    /// </summary>
    private static async Task EnsureGoodDeployment(ApiClient api)
    {
        if ((await api.Get($"{Deployments}/good")).Code == 404)
            Assert.Equal(201, (await api.Send(HttpMethod.Post, Deployments, ValidDeployment)).Code);
        string? previous = null;
        await Eventually.True(async () =>
        {
            var now = await Snapshot(api);
            var settled = now == previous && now.Contains("\"observedGeneration\"", StringComparison.Ordinal);
            previous = now;
            return settled;
        }, "the deployment's controller to settle");
    }

    /// <summary>Everything stored in the namespace, with every object's and every list's version.</summary>
    private static async Task<string> Snapshot(ApiClient api)
    {
        var text = new StringBuilder();
        foreach (var path in new[] { Deployments, "/api/v1/namespaces/default/configmaps", "/api/v1/namespaces/default/pods" })
        {
            var (_, body) = await api.Get(path);
            text.AppendLine(body!.ToJsonString());
        }
        return text.ToString();
    }
}
