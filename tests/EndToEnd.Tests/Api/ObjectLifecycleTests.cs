using System.Text.Json.Nodes;
using OrleansOrchestrator.EndToEnd.Tests.Infrastructure;

namespace OrleansOrchestrator.EndToEnd.Tests.Api;

/// <summary>Kubernetes' object semantics through the API: generation, the status subresource, finalizers, server-side apply.</summary>
public sealed class ObjectLifecycleTests(SiloFixture fixture) : IClassFixture<SiloFixture>
{
    private const string Deployments = "/apis/apps/v1/namespaces/default/deployments";

    private static string Deployment(string name, int replicas = 1, string? extraMetadata = null) =>
        "{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"metadata\":{\"name\":\"" + name + "\"" + extraMetadata + "}," +
        "\"spec\":{\"replicas\":" + replicas + ",\"selector\":{\"matchLabels\":{\"app\":\"" + name + "\"}}," +
        "\"template\":{\"metadata\":{\"labels\":{\"app\":\"" + name + "\"}},\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"example/c:1\"}]}}}}";

    private ApiClient Admin() => new(fixture.Silo, ApiClient.AdminToken(fixture.Silo));

    [Fact]
    public async Task Generation_MovesOnSpecChangesOnly()
    {
        using var api = Admin();
        Assert.Equal(201, (await api.Send(HttpMethod.Post, Deployments, Deployment("gen"))).Code);

        var labelled = await api.Send(HttpMethod.Patch, $"{Deployments}/gen", """{"metadata":{"labels":{"team":"x"}}}""", "application/merge-patch+json");
        Assert.Equal(1, labelled.Body!["metadata"]!["generation"]!.GetValue<long>());

        var scaled = await api.Send(HttpMethod.Patch, $"{Deployments}/gen", """{"spec":{"replicas":4}}""", "application/merge-patch+json");
        Assert.Equal(2, scaled.Body!["metadata"]!["generation"]!.GetValue<long>());

        // A write that changes nothing stores nothing: same version. (A ConfigMap: no controller writes to it meanwhile.)
        const string configmaps = "/api/v1/namespaces/default/configmaps";
        var created = await api.Send(HttpMethod.Post, configmaps, """{"metadata":{"name":"noop"},"data":{"a":"1"}}""");
        var version = created.Body!["metadata"]!["resourceVersion"]!.GetValue<string>();
        var noop = await api.Send(HttpMethod.Patch, $"{configmaps}/noop", """{"data":{"a":"1"}}""", "application/merge-patch+json");
        Assert.Equal(version, noop.Body!["metadata"]!["resourceVersion"]!.GetValue<string>());
    }

    [Fact]
    public async Task Status_IsWrittenOnlyThroughTheStatusSubresource()
    {
        // A Service: no control loop writes its status here, so what the test writes is what it reads.
        using var api = Admin();
        const string services = "/api/v1/namespaces/default/services";
        var created = (await api.Send(HttpMethod.Post, services, """{"metadata":{"name":"stat"},"spec":{"type":"LoadBalancer","ports":[{"port":80}]}}""")).Body!.AsObject();

        // The main resource ignores status...
        var withStatus = created.DeepClone().AsObject();
        withStatus["status"] = new JsonObject { ["loadBalancer"] = new JsonObject { ["ingress"] = new JsonArray(new JsonObject { ["ip"] = "192.0.2.1" }) } };
        withStatus["spec"]!["ports"]![0]!["port"] = 81;
        var put = await api.Send(HttpMethod.Put, $"{services}/stat", withStatus.ToJsonString());
        Assert.Equal(200, put.Code);
        Assert.Null(put.Body!["status"]?["loadBalancer"]?["ingress"]);
        Assert.Equal(81, put.Body["spec"]!["ports"]![0]!["port"]!.GetValue<int>());

        // ...and the status subresource ignores everything but status.
        var statusOnly = put.Body.DeepClone().AsObject();
        statusOnly["status"] = new JsonObject { ["loadBalancer"] = new JsonObject { ["ingress"] = new JsonArray(new JsonObject { ["ip"] = "192.0.2.7" }) } };
        statusOnly["spec"]!["ports"]![0]!["port"] = 99;
        var status = await api.Send(HttpMethod.Put, $"{services}/stat/status", statusOnly.ToJsonString());
        Assert.Equal(200, status.Code);
        Assert.Equal("192.0.2.7", status.Body!["status"]!["loadBalancer"]!["ingress"]![0]!["ip"]!.GetValue<string>());
        Assert.Equal(81, status.Body["spec"]!["ports"]![0]!["port"]!.GetValue<int>());

        var read = (await api.Get($"{services}/stat/status")).Body!;
        Assert.Equal("192.0.2.7", read["status"]!["loadBalancer"]!["ingress"]![0]!["ip"]!.GetValue<string>());
    }

    [Fact]
    public async Task Delete_WithFinalizer_MarksThenRemovesWhenTheLastFinalizerGoes()
    {
        using var api = Admin();
        Assert.Equal(201, (await api.Send(HttpMethod.Post, Deployments, Deployment("final", extraMetadata: ""","finalizers":["example.com/cleanup"]"""))).Code);

        var deleting = await api.Send(HttpMethod.Delete, $"{Deployments}/final");
        Assert.Equal(202, deleting.Code);
        var marked = (await api.Get($"{Deployments}/final")).Body!;
        Assert.NotNull(marked["metadata"]!["deletionTimestamp"]);

        var cleared = await api.Send(HttpMethod.Patch, $"{Deployments}/final", """{"metadata":{"finalizers":null}}""", "application/merge-patch+json");
        Assert.Equal(200, cleared.Code);
        Assert.Equal(404, (await api.Get($"{Deployments}/final")).Code);
    }

    [Fact]
    public async Task ServerSideApply_CreatesThenUpdates()
    {
        var kubectl = fixture.Kubectl("1.32");
        const string manifest = """
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: ssa}
            data: {mode: "1"}
            """;
        Assert.Contains("configmap/ssa serverside-applied", await kubectl.Ok("apply --server-side -f -", manifest));
        Assert.Contains("configmap/ssa serverside-applied", await kubectl.Ok("apply --server-side -f -", manifest.Replace("\"1\"", "\"2\"")));
        Assert.Equal("2", await kubectl.Ok("get configmap ssa -o jsonpath='{.data.mode}'"));
    }

    [Fact]
    public async Task Yaml_Malformed_Gets400_WellFormed_IsAccepted()
    {
        using var api = Admin();
        var bad = await api.Send(HttpMethod.Post, "/api/v1/namespaces/default/configmaps", "metadata: {name: [unclosed\n", "application/yaml");
        Assert.Equal(400, bad.Code);
        Assert.Equal("BadRequest", bad.Body!["reason"]!.GetValue<string>());

        var good = await api.Send(HttpMethod.Post, "/api/v1/namespaces/default/configmaps", "metadata: {name: from-yaml}\ndata: {port: \"8080\"}\n", "application/yaml");
        Assert.Equal(201, good.Code);
        Assert.Equal("8080", good.Body!["data"]!["port"]!.GetValue<string>());
    }

    [Fact]
    public async Task ListAcrossNamespaces_Paged_EveryObjectOnce_OneVersionToWatchFrom()
    {
        using var api = Admin();
        foreach (var ns in new[] { "paged-b", "paged-a" })
        {
            Assert.Equal(201, (await api.Send(HttpMethod.Post, "/api/v1/namespaces", $$$"""{"metadata":{"name":"{{{ns}}}"}}""")).Code);
            for (var i = 0; i < 3; i++)
                Assert.Equal(201, (await api.Send(HttpMethod.Post, $"/api/v1/namespaces/{ns}/configmaps",
                    $$$"""{"metadata":{"name":"c{{{i}}}","labels":{"set":"paged"}},"data":{"n":"0"}}""")).Code);
        }
        const string list = "/api/v1/configmaps?labelSelector=set%3Dpaged&limit=4";

        var first = (await api.Get(list)).Body!;
        var version = first["metadata"]!["resourceVersion"]!.GetValue<string>();
        var token = first["metadata"]!["continue"]!.GetValue<string>();
        Assert.Equal(2, first["metadata"]!["remainingItemCount"]!.GetValue<long>());
        // Changed between the pages: a watch from the list's version must bring it.
        Assert.Equal(200, (await api.Send(HttpMethod.Patch, "/api/v1/namespaces/paged-a/configmaps/c0", """{"data":{"n":"1"}}""", "application/merge-patch+json")).Code);
        var second = (await api.Get($"{list}&continue={Uri.EscapeDataString(token)}")).Body!;

        string[] Names(JsonNode page) => page["items"]!.AsArray().Select(i => $"{i!["metadata"]!["namespace"]}/{i["metadata"]!["name"]}").ToArray();
        Assert.Equal(["paged-a/c0", "paged-a/c1", "paged-a/c2", "paged-b/c0"], Names(first));
        Assert.Equal(["paged-b/c1", "paged-b/c2"], Names(second));
        Assert.Null(second["metadata"]!["continue"]);
        Assert.Equal(version, second["metadata"]!["resourceVersion"]!.GetValue<string>());

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var watch = await api.Http.GetAsync($"/api/v1/configmaps?labelSelector=set%3Dpaged&watch=true&resourceVersion={Uri.EscapeDataString(version)}",
            HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        using var reader = new StreamReader(await watch.Content.ReadAsStreamAsync(timeout.Token));
        var change = JsonNode.Parse((await reader.ReadLineAsync(timeout.Token))!)!;
        Assert.Equal("MODIFIED", change["type"]!.GetValue<string>());
        Assert.Equal("paged-a/c0", $"{change["object"]!["metadata"]!["namespace"]}/{change["object"]!["metadata"]!["name"]}");

        // Within one namespace likewise: every page reports the first page's version.
        const string one = "/api/v1/namespaces/paged-b/configmaps?limit=2";
        var firstOfOne = (await api.Get(one)).Body!;
        Assert.Equal(200, (await api.Send(HttpMethod.Patch, "/api/v1/namespaces/paged-b/configmaps/c0", """{"data":{"n":"2"}}""", "application/merge-patch+json")).Code);
        var secondOfOne = (await api.Get($"{one}&continue={Uri.EscapeDataString(firstOfOne["metadata"]!["continue"]!.GetValue<string>())}")).Body!;
        Assert.Equal(["paged-b/c2"], Names(secondOfOne));
        Assert.Equal(firstOfOne["metadata"]!["resourceVersion"]!.GetValue<string>(), secondOfOne["metadata"]!["resourceVersion"]!.GetValue<string>());

        var forged = await api.Get($"{list}&continue=bm90LWEtdG9rZW4");
        Assert.Equal(400, forged.Code);
        Assert.Equal("invalid continue token", forged.Body!["message"]!.GetValue<string>());
    }
}
