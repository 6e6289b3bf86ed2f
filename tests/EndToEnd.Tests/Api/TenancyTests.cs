using OrleansOrchestrator.EndToEnd.Tests.Infrastructure;

namespace OrleansOrchestrator.EndToEnd.Tests.Api;

/// <summary>Tenants share the machines, never each other's objects; shared infrastructure is for administrators.</summary>
public sealed class TenancyTests : IAsyncLifetime
{
    private const string AliceToken = "tenant-a-token-0123456789abcdef";
    private const string BobToken = "tenant-b-token-0123456789abcdef";
    private const string ViewerToken = "tenant-a-viewer-0123456789abcdef";
    private readonly SiloProcess _silo = new();

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_silo.DataDir);
        await File.WriteAllTextAsync(_silo.TokenFilePath, $"""
            # token,user,tenant,groups
            admin-token-0123456789abcdef,admin,ops,system:masters
            {AliceToken},alice,tenant-a,
            {BobToken},bob,tenant-b,
            {ViewerToken},vera,tenant-a,view
            """);
        await _silo.Start();
    }

    public async Task DisposeAsync() => await _silo.DisposeAsync();

    [Fact]
    public async Task TenantB_CannotSeeOrChangeTenantAsObjects()
    {
        using var alice = new ApiClient(_silo, AliceToken);
        using var bob = new ApiClient(_silo, BobToken);
        const string path = "/api/v1/namespaces/default/configmaps";
        Assert.Equal(201, (await alice.Send(HttpMethod.Post, path, """{"metadata":{"name":"private"},"data":{"secret":"alice"}}""")).Code);

        Assert.Equal(404, (await bob.Get($"{path}/private")).Code);
        Assert.Empty((await bob.Get(path)).Body!["items"]!.AsArray());
        Assert.Empty((await bob.Get("/api/v1/configmaps")).Body!["items"]!.AsArray());
        Assert.Equal(404, (await bob.Send(HttpMethod.Patch, $"{path}/private", """{"data":{"secret":"bob"}}""", "application/merge-patch+json")).Code);
        Assert.Equal(404, (await bob.Send(HttpMethod.Delete, $"{path}/private")).Code);
        // Bob's namespace of the same name is his own: creating there does not touch Alice's object.
        Assert.Equal(201, (await bob.Send(HttpMethod.Post, path, """{"metadata":{"name":"private"},"data":{"secret":"bob"}}""")).Code);

        var (code, body) = await alice.Get($"{path}/private");
        Assert.Equal(200, code);
        Assert.Equal("alice", body!["data"]!["secret"]!.GetValue<string>());
        Assert.Equal(["default"], (await bob.Get("/api/v1/namespaces")).Body!["items"]!.AsArray().Select(n => n!["metadata"]!["name"]!.GetValue<string>()));
    }

    [Fact]
    public async Task TenantUser_Nodes_AreForbidden_AdminMayList()
    {
        using var bob = new ApiClient(_silo, BobToken);
        var (code, body) = await bob.Get("/api/v1/nodes");
        Assert.Equal(403, code);
        Assert.Equal("Forbidden", body!["reason"]!.GetValue<string>());
        Assert.Contains("User \"bob\" cannot list resource \"nodes\"", body["message"]!.GetValue<string>());

        using var admin = new ApiClient(_silo, "admin-token-0123456789abcdef");
        Assert.Equal(200, (await admin.Get("/api/v1/nodes")).Code);
    }

    [Fact]
    public async Task ViewerGroup_ReadsItsTenant_EveryWriteIsForbidden()
    {
        using var alice = new ApiClient(_silo, AliceToken);
        using var vera = new ApiClient(_silo, ViewerToken);
        const string path = "/api/v1/namespaces/default/configmaps";
        Assert.Equal(201, (await alice.Send(HttpMethod.Post, path, """{"metadata":{"name":"shared"},"data":{"k":"v"}}""")).Code);
        var before = (await alice.Get(path)).Body!["metadata"]!["resourceVersion"]!.GetValue<string>();

        Assert.Equal("v", (await vera.Get($"{path}/shared")).Body!["data"]!["k"]!.GetValue<string>());
        Assert.Single((await vera.Get(path)).Body!["items"]!.AsArray());
        foreach (var (method, url, body) in new[]
                 {
                     (HttpMethod.Post, path, """{"metadata":{"name":"mine"}}"""),
                     (HttpMethod.Put, $"{path}/shared", """{"metadata":{"name":"shared"},"data":{"k":"changed"}}"""),
                     (HttpMethod.Patch, $"{path}/shared", """{"data":{"k":"changed"}}"""),
                     (HttpMethod.Delete, $"{path}/shared", null),
                 })
        {
            var (code, status) = await vera.Send(method, url, body, method == HttpMethod.Patch ? "application/merge-patch+json" : "application/json");
            Assert.Equal(403, code);
            Assert.Contains("User \"vera\" cannot", status!["message"]!.GetValue<string>());
        }
        Assert.Equal(before, (await alice.Get(path)).Body!["metadata"]!["resourceVersion"]!.GetValue<string>());
    }

    [Fact]
    public async Task NoOrWrongToken_Gets401AndChangesNothing()
    {
        using var anonymous = new ApiClient(_silo, token: null);
        using var wrong = new ApiClient(_silo, "wrong-token-0123456789abcdef");
        using var alice = new ApiClient(_silo, AliceToken);
        const string path = "/api/v1/namespaces/default/configmaps";
        var before = (await alice.Get(path)).Body!["metadata"]!["resourceVersion"]!.GetValue<string>();

        foreach (var client in new[] { anonymous, wrong })
        {
            var (code, body) = await client.Send(HttpMethod.Post, path, """{"metadata":{"name":"sneaky"}}""");
            Assert.Equal(401, code);
            Assert.Equal("Unauthorized", body!["reason"]!.GetValue<string>());
            Assert.Equal(401, (await client.Get("/api")).Code);
        }
        Assert.Equal(404, (await alice.Get($"{path}/sneaky")).Code);
        Assert.Equal(before, (await alice.Get(path)).Body!["metadata"]!["resourceVersion"]!.GetValue<string>());
    }
}
