using System.Diagnostics;
using System.Text.Json.Nodes;
using OrleansOrchestrator.EndToEnd.Tests.Infrastructure;
using OrleansOrchestrator.Tests.Shared;

namespace OrleansOrchestrator.EndToEnd.Tests.HighAvailability;

/// <summary>
/// <c>snapshot save/restore/status</c> run as an operator runs them, against a silo that keeps running and taking writes;
/// then silos started on what was restored (a new data folder, or PostgreSQL: the move from the embedded default).
/// </summary>
public sealed class SnapshotTests(PostgresServer postgres) : IClassFixture<PostgresServer>, IDisposable
{
    /// <summary>Where this test's snapshot files go (removed after it).</summary>
    private readonly string _backups = Directory.CreateTempSubdirectory("oo-snapshots-").FullName;

    public void Dispose() => Directory.Delete(_backups, recursive: true);

    private const string AdminToken = "snapshot-admin-token-0123456789";
    private const string TeamBToken = "snapshot-team-b-token-012345678";

    [Fact]
    public async Task SavedWhileTakingWrites_RestoredIntoANewDataFolder_ASiloThereHasTheSameObjectsAndVersions_AndNoExtraPods()
    {
        await using var source = await StartWithTwoTenants();
        var (admin, teamB) = (Admin(source), TeamB(source));
        await admin.Ok("create deployment web --image=example/web:1 --replicas=3");
        await Eventually.True(async () => (await PodNames(admin)).Count == 3, "the Deployment's 3 pods");

        // Writes go on while the snapshot is taken: one after the other, so a consistent snapshot holds a prefix of them.
        using var api = new ApiClient(source, AdminToken);
        using var stopWriting = new CancellationTokenSource();
        var written = 0;
        var writer = Task.Run(async () =>
        {
            while (!stopWriting.IsCancellationRequested)
            {
                var name = $"w-{written:D4}";
                var (code, _) = await api.Send(HttpMethod.Post, "/api/v1/namespaces/default/configmaps",
                    $$"""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"{{name}}"} }""");
                Assert.Equal(201, code);
                Interlocked.Increment(ref written);
            }
        });
        await Eventually.True(() => Volatile.Read(ref written) >= 5, "some writes before the snapshot");
        var file = Path.Combine(_backups, "cluster.snapshot");
        var writtenBefore = Volatile.Read(ref written);
        var save = await Cli("snapshot", "save", file, "--data-dir", source.DataDir);
        Assert.True(save.Code == 0, save.Output);
        var writtenAfter = Volatile.Read(ref written);
        await Eventually.True(() => Volatile.Read(ref written) >= writtenAfter + 3, "writes after the snapshot");
        await stopWriting.CancelAsync();
        await writer;

        var status = await Cli("snapshot", "status", file);
        Assert.True(status.Code == 0, status.Output);
        Assert.Contains("matches the rows", status.Output);
        Assert.Contains("default:", status.Output);
        Assert.Contains("team-b:", status.Output);
        Assert.Contains("sealed with key", status.Output);

        await using var restored = new SiloProcess();
        var restore = await Cli("snapshot", "restore", file, "--data-dir", restored.DataDir);
        Assert.True(restore.Code == 0, restore.Output);
        Assert.Contains("Copy the snapshot's encryption key file", restore.Output);
        // A second restore into the same folder is refused.
        Assert.Equal(1, (await Cli("snapshot", "restore", file, "--data-dir", restored.DataDir)).Code);

        // Without the key file the Secrets cannot be opened, and the silo refuses to start.
        File.Copy(source.TokenFilePath, restored.TokenFilePath);
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => restored.Start());
        Assert.Contains("encrypt", refused.Message, StringComparison.OrdinalIgnoreCase);
        File.Copy(Path.Combine(source.CredentialsPath, "encryption-keys"), Path.Combine(restored.CredentialsPath, "encryption-keys"));
        await restored.Start();
        var (admin2, teamB2) = (Admin(restored), TeamB(restored));

        // Every write acknowledged before the save began is there, with no gap after it, and none made after it ended.
        var original = Items(await admin.Ok("get configmaps -o json"));
        var copies = Items(await admin2.Ok("get configmaps -o json")).Where(c => Name(c).StartsWith("w-", StringComparison.Ordinal)).ToList();
        Assert.InRange(copies.Count, writtenBefore, writtenAfter);
        Assert.Equal(Enumerable.Range(0, copies.Count).Select(i => $"w-{i:D4}"), copies.Select(Name));
        foreach (var copy in copies)
            Assert.Equal(Identity(original.Single(o => Name(o) == Name(copy))), Identity(copy));

        // Objects no write touched since: identical, resourceVersions included, in both tenants.
        Assert.Equal(await admin.Ok("get secrets,deployments,replicasets -o json"), await admin2.Ok("get secrets,deployments,replicasets -o json"));
        Assert.Equal(await teamB.Ok("get configmaps,secrets -n shop -o json"), await teamB2.Ok("get configmaps,secrets -n shop -o json"));
        Assert.Equal("s3cret", System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(await teamB2.Ok("get secret db -n shop -o jsonpath={.data.password}"))));

        // The controllers run on the restored silo and make no pod twice: scaled to 4, the 3 pods are kept and one is added.
        var pods = await PodNames(admin);
        Assert.Equal(pods, await PodNames(admin2));
        await admin2.Ok("scale deployment web --replicas=4");
        await Eventually.True(async () => (await PodNames(admin2)).Count == 4, "a 4th pod on the restored silo");
        Assert.Subset((await PodNames(admin2)).ToHashSet(), pods.ToHashSet());
    }

    [Fact]
    public async Task ASqliteSnapshot_RestoredIntoPostgreSql_KeepsEveryRow_AndAPostgreSqlSiloServesTheSameObjects()
    {
        await using var source = await StartWithTwoTenants();
        var admin = Admin(source);
        await admin.Ok("create namespace kept");
        await admin.Ok("create configmap settings -n kept --from-literal=mode=fast");
        var file = Path.Combine(_backups, "cluster.snapshot");
        Assert.Equal(0, (await Cli("snapshot", "save", file, "--data-dir", source.DataDir)).Code);

        await postgres.CreateDatabase("snapshot_move");
        var connection = postgres.ConnectionString("snapshot_move");
        var restore = await Cli("snapshot", "restore", file, "--postgres", connection);
        Assert.True(restore.Code == 0, restore.Output);
        var again = await Cli("snapshot", "restore", file, "--postgres", connection);
        Assert.Equal(1, again.Code);
        Assert.Contains("not empty", again.Output);

        // Saved back from PostgreSQL before any silo ran there: the very same rows.
        var fromPostgres = file + ".pg";
        Assert.Equal(0, (await Cli("snapshot", "save", fromPostgres, "--postgres", connection)).Code);
        var checksum = Checksum((await Cli("snapshot", "status", file)).Output);
        Assert.Equal(checksum, Checksum((await Cli("snapshot", "status", fromPostgres)).Output));
        // And back: PostgreSQL's snapshot restored into a new data folder holds the same rows again.
        var back = Path.Combine(_backups, "back");
        Assert.Equal(0, (await Cli("snapshot", "restore", fromPostgres, "--data-dir", back)).Code);
        Assert.Equal(0, (await Cli("snapshot", "save", back + ".snapshot", "--data-dir", back)).Code);
        Assert.Equal(checksum, Checksum((await Cli("snapshot", "status", back + ".snapshot")).Output));

        await using var moved = new SiloProcess(postgres: connection);
        Directory.CreateDirectory(moved.DataDir);
        File.Copy(source.TokenFilePath, moved.TokenFilePath);
        File.Copy(Path.Combine(source.CredentialsPath, "encryption-keys"), Path.Combine(moved.CredentialsPath, "encryption-keys"));
        await moved.Start();
        foreach (var (before, after) in new[] { (Admin(source), Admin(moved)), (TeamB(source), TeamB(moved)) })
            Assert.Equal(await before.Ok("get namespaces,configmaps,secrets -A -o json"), await after.Ok("get namespaces,configmaps,secrets -A -o json"));
    }

    /// <summary>A silo with tenants default and team-b, each with a namespace, a ConfigMap and a Secret.</summary>
    private static async Task<SiloProcess> StartWithTwoTenants()
    {
        var silo = new SiloProcess();
        Directory.CreateDirectory(silo.DataDir);
        await File.WriteAllTextAsync(silo.TokenFilePath, $"{AdminToken},alice,default,system:masters\n{TeamBToken},carol,team-b,system:masters\n");
        await silo.Start();
        foreach (var kubectl in new[] { Admin(silo), TeamB(silo) })
        {
            await kubectl.Ok("create namespace shop");
            await kubectl.Ok("create configmap settings -n shop --from-literal=mode=slow");
            await kubectl.Ok("create secret generic db -n shop --from-literal=password=s3cret");
        }
        await Admin(silo).Ok("create secret generic api-key --from-literal=key=k");
        return silo;
    }

    private static Kubectl Admin(SiloProcess silo) => new("1.32", silo.KubeconfigPath, AdminToken);

    private static Kubectl TeamB(SiloProcess silo) => new("1.32", silo.KubeconfigPath, TeamBToken);

    private static async Task<List<string>> PodNames(Kubectl kubectl) =>
        Items(await kubectl.Ok("get pods -o json")).Select(Name).Order(StringComparer.Ordinal).ToList();

    private static List<JsonNode> Items(string json) => JsonNode.Parse(json)!["items"]!.AsArray().Select(i => i!).ToList();

    private static string Name(JsonNode item) => item["metadata"]!["name"]!.GetValue<string>();

    private static string Identity(JsonNode item) => $"{item["metadata"]!["uid"]}/{item["metadata"]!["resourceVersion"]}";

    private static string Checksum(string status) =>
        status.Split('\n').Single(l => l.StartsWith("checksum:", StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries)[1];

    /// <summary>The silo's command line, as an operator runs it.</summary>
    private static async Task<(int Code, string Output)> Cli(params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(RepoPaths.SiloDll);
        foreach (var a in args) info.ArgumentList.Add(a);
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output + await error);
    }
}
