using OrleansOrchestrator.EndToEnd.Tests.Infrastructure;

namespace OrleansOrchestrator.EndToEnd.Tests.Store;

/// <summary>Every acknowledged write survives the silo process dying, on the embedded SQLite store and on PostgreSQL.</summary>
public sealed class RestartTests(PostgresServer postgres) : IClassFixture<PostgresServer>
{
    private const string Manifest = """
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: settings}
        data: {mode: fast}
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: api}
        spec:
          replicas: 3
          selector: {matchLabels: {app: api}}
          template:
            metadata: {labels: {app: api}}
            spec:
              containers: [{name: api, image: "example/api:1"}]
        """;

    [Fact]
    public async Task SqliteSilo_KilledAndRestarted_KeepsEveryAcknowledgedWrite()
    {
        await using var silo = new SiloProcess();
        await KillRestartAndCheck(silo);
    }

    [Fact]
    public async Task PostgreSqlSilo_KilledAndRestarted_KeepsEveryAcknowledgedWrite()
    {
        await postgres.CreateDatabase("restart_kill");
        await using var silo = new SiloProcess(postgres: postgres.ConnectionString("restart_kill"));
        await KillRestartAndCheck(silo);
    }

    [Fact]
    public async Task PostgreSqlSilo_StoppedAndStartedOverAFreshDataFolder_ReadsTheDatabase()
    {
        await postgres.CreateDatabase("restart_stop");
        await using var first = new SiloProcess(postgres: postgres.ConnectionString("restart_stop"));
        await first.Start();
        var kubectl = new Kubectl("1.32", first.KubeconfigPath);
        await kubectl.Ok("apply -f -", Manifest);
        await kubectl.Ok("scale deployment/api --replicas=7");
        await first.Stop();

        // A second silo process with a fresh data folder, sharing only the database and the cluster's credentials folder
        // (SiloProcess gives the silos of one database one --credentials-dir, as an operator's share theirs).
        await using var second = new SiloProcess(postgres: postgres.ConnectionString("restart_stop"));
        await second.Start();
        var again = new Kubectl("1.32", second.KubeconfigPath);
        Assert.Equal("7", await again.Ok("get deployment api -o jsonpath='{.spec.replicas}'"));
        Assert.Equal("fast", await again.Ok("get configmap settings -o jsonpath='{.data.mode}'"));
    }

    private static async Task KillRestartAndCheck(SiloProcess silo)
    {
        await silo.Start();
        var kubectl = new Kubectl("1.32", silo.KubeconfigPath);
        await kubectl.Ok("create namespace kept");
        await kubectl.Ok("-n kept apply -f -", Manifest);
        await kubectl.Ok("-n kept scale deployment/api --replicas=5");
        await kubectl.Ok("-n kept delete configmap settings");
        await kubectl.Ok("-n kept create configmap after-delete --from-literal=k=v");
        var versionBefore = long.Parse(await kubectl.Ok("-n kept get deployment api -o jsonpath='{.metadata.resourceVersion}'"));
        string listVersionBefore;
        using (var api = new ApiClient(silo, ApiClient.AdminToken(silo)))
            listVersionBefore = (await api.Get("/apis/apps/v1/namespaces/kept/deployments")).Body!["metadata"]!["resourceVersion"]!.GetValue<string>();

        await silo.Kill();
        await silo.Start();

        // The watch history died with the process: resuming from before the crash must say so (410), not skip changes.
        using (var api = new ApiClient(silo, ApiClient.AdminToken(silo)))
        {
            using var response = await api.Http.GetAsync($"/apis/apps/v1/namespaces/kept/deployments?watch=true&resourceVersion={listVersionBefore}", HttpCompletionOption.ResponseHeadersRead);
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
            var first = System.Text.Json.Nodes.JsonNode.Parse((await reader.ReadLineAsync())!)!;
            Assert.Equal("ERROR", first["type"]!.GetValue<string>());
            Assert.Equal(410, first["object"]!["code"]!.GetValue<int>());
        }

        Assert.Contains("kept", await kubectl.Ok("get namespaces -o name"));
        Assert.Equal("5 2", await kubectl.Ok("-n kept get deployment api -o jsonpath='{.spec.replicas} {.metadata.generation}'"));
        var configmaps = await kubectl.Ok("-n kept get configmaps -o name");
        Assert.Contains("configmap/after-delete", configmaps);
        Assert.DoesNotContain("configmap/settings", configmaps);

        // Versions keep rising across the restart, so no client mistakes a new write for an old one.
        await kubectl.Ok("-n kept scale deployment/api --replicas=6");
        var versionAfter = long.Parse(await kubectl.Ok("-n kept get deployment api -o jsonpath='{.metadata.resourceVersion}'"));
        Assert.True(versionAfter > versionBefore, $"resourceVersion went from {versionBefore} to {versionAfter}");
    }
}
