using System.Text;
using System.Text.Json.Nodes;
using OrleansOrchestrator.EndToEnd.Tests.Infrastructure;

namespace OrleansOrchestrator.EndToEnd.Tests.Api;

/// <summary>
/// What kubectl 1.32 does is in the silo's audit log (<c>audit.log</c> in the data folder) as Kubernetes' audit Events:
/// who, which verb, which object, the answer's code; refusals too; and never a Secret's data.
/// </summary>
public sealed class AuditLogTests : IAsyncLifetime
{
    private readonly SiloProcess _silo = new();
    private Kubectl _alice = null!;
    private Kubectl _victor = null!;

    private string AuditPath => Path.Combine(_silo.DataDir, "audit.log");

    public async Task InitializeAsync()
    {
        TokenFiles.WriteUsers(_silo);
        await _silo.Start();
        _alice = new Kubectl("1.32", _silo.KubeconfigPath);
        _victor = new Kubectl("1.32", _silo.KubeconfigPath, TokenFiles.Viewer);
    }

    public async Task DisposeAsync() => await _silo.DisposeAsync();

    [Fact]
    public async Task KubectlWrites_AndARefusal_AreLoggedWithUserVerbObjectAndCode()
    {
        await _alice.Ok("create configmap audit-cm --from-literal=k=v");
        Assert.NotEqual(0, (await _alice.Run("create configmap audit-cm --from-literal=k=v")).ExitCode);
        const string manifest = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: applied-cm\ndata:\n  k: {0}\n";
        await _alice.Ok("apply -f -", string.Format(manifest, "one"));
        await _alice.Ok("apply -f -", string.Format(manifest, "two"));
        await _alice.Ok("delete configmap audit-cm");
        Assert.Contains("NotFound", (await _alice.Run("get configmap no-such-cm")).Stderr);
        Assert.Contains("Invalid", (await _alice.Run("create configmap Not_A_Name --from-literal=k=v")).Stderr);
        var refused = await _victor.Run("create configmap not-allowed --from-literal=k=v");
        Assert.Contains("forbidden", refused.Stderr);

        var events = await Eventually.Value(async () =>
        {
            var all = await ReadEvents();
            return all.Any(e => Summary(e) == ("victor", "create", null, 403)) ? all : null;
        }, "the refused create in the audit log");

        var mine = events.Where(e => (string?)e["objectRef"]?["resource"] == "configmaps").Select(Summary).ToList();
        Assert.Contains(("alice", "create", "audit-cm", 201), mine);
        // A create names its object in the body, not the URL: as in Kubernetes, the objectRef of one that failed has no name.
        Assert.Contains(("alice", "create", null, 409), mine);
        Assert.Contains(("alice", "create", "applied-cm", 201), mine); // the first apply creates
        Assert.Contains(("alice", "patch", "applied-cm", 200), mine); // the second one patches
        Assert.Contains(("alice", "delete", "audit-cm", 200), mine);
        Assert.Contains(("victor", "create", null, 403), mine);
        Assert.Contains(("alice", "get", "no-such-cm", 404), mine);
        Assert.Contains(("alice", "create", null, 422), mine);

        var create = events.First(e => Summary(e) == ("alice", "create", "audit-cm", 201));
        Assert.Equal("audit.k8s.io/v1", (string?)create["apiVersion"]);
        Assert.Equal("Event", (string?)create["kind"]);
        Assert.Equal("ResponseComplete", (string?)create["stage"]);
        Assert.Equal("Metadata", (string?)create["level"]);
        Assert.StartsWith("/api/v1/namespaces/default/configmaps", (string?)create["requestURI"]);
        Assert.StartsWith("kubectl.1.32/v1.32", (string?)create["userAgent"]);
        Assert.Equal(["127.0.0.1"], create["sourceIPs"]!.AsArray().Select(i => (string?)i));
        Assert.Contains("system:masters", create["user"]!["groups"]!.AsArray().Select(g => (string?)g));
        Assert.Equal("default", (string?)create["user"]!["extra"]!["orleans-orchestrator.io/tenant"]![0]);
        Assert.Equal("v1", (string?)create["objectRef"]!["apiVersion"]);
        var received = DateTimeOffset.Parse((string)create["requestReceivedTimestamp"]!);
        var completed = DateTimeOffset.Parse((string)create["stageTimestamp"]!);
        Assert.InRange(completed - received, TimeSpan.Zero, TimeSpan.FromSeconds(30));
        Assert.Equal("forbid", (string?)events.First(e => Summary(e) == ("victor", "create", null, 403))["annotations"]!["authorization.k8s.io/decision"]);
        // Reads are audited at Metadata level too.
        Assert.Contains(events, e => (string?)e["verb"] == "get" && Ref(e) == ("configmaps", "default", "applied-cm"));
    }

    [Fact]
    public async Task SecretData_NeverInTheLog_EvenAfterShutdownFlush()
    {
        var value = $"s3cr3t-{Guid.NewGuid():N}";
        await _alice.Ok($"create secret generic audit-secret --from-literal=password={value}");
        Assert.Contains(Convert.ToBase64String(Encoding.UTF8.GetBytes(value)), await _alice.Ok("get secret audit-secret -o yaml"));
        await _alice.Ok($"patch secret audit-secret -p {{\"stringData\":{{\"other\":\"{value}\"}}}}");
        await _alice.Ok("delete secret audit-secret");
        await _silo.Stop();

        var events = await ReadEvents();
        Assert.Contains(events, e => Summary(e) == ("alice", "create", "audit-secret", 201));
        Assert.Contains(events, e => Summary(e) == ("alice", "get", "audit-secret", 200));
        Assert.Contains(events, e => Summary(e) == ("alice", "patch", "audit-secret", 200));
        // The last request before the stop is there: the queue was drained and the file flushed on shutdown.
        Assert.Contains(events, e => Summary(e) == ("alice", "delete", "audit-secret", 200));
        var everything = string.Concat(Directory.GetFiles(_silo.DataDir, "audit*").Select(File.ReadAllText));
        Assert.DoesNotContain(value, everything);
        Assert.DoesNotContain(Convert.ToBase64String(Encoding.UTF8.GetBytes(value)), everything);
    }

    [Fact]
    public async Task WatchWithoutTheWatchVerb_Is403Status_BeforeAnyStream_AndAuditedAsForbidden()
    {
        // The view role does not read secrets: victor may not watch them.
        using var victor = new ApiClient(_silo, TokenFiles.Viewer);

        var (code, body) = await victor.Get("/api/v1/namespaces/default/secrets?watch=true&timeoutSeconds=5");

        Assert.Equal(403, code);
        Assert.Equal(("Status", "Forbidden", 403), ((string?)body?["kind"], (string?)body?["reason"], (int?)body?["code"]));
        Assert.Contains("cannot watch resource \"secrets\"", (string?)body!["message"]);
        var watch = await Eventually.Value(async () =>
        {
            var mine = (await ReadEvents()).Where(e => (string?)e["verb"] == "watch" && (string?)e["user"]?["username"] == "victor").ToList();
            return mine.Any(e => (string?)e["stage"] == "ResponseComplete") ? mine : null;
        }, "victor's watch in the audit log");
        // Both stages of the long-running request (started and complete) carry the refusal.
        Assert.All(watch, e => Assert.Equal((403, "forbid"), ((int)e["responseStatus"]!["code"]!, (string?)e["annotations"]!["authorization.k8s.io/decision"])));
    }

    private static (string? User, string? Verb, string? Name, int Code) Summary(JsonNode e) =>
        ((string?)e["user"]?["username"], (string?)e["verb"], (string?)e["objectRef"]?["name"], (int)e["responseStatus"]!["code"]!);

    private static (string?, string?, string?) Ref(JsonNode e) =>
        ((string?)e["objectRef"]?["resource"], (string?)e["objectRef"]?["namespace"], (string?)e["objectRef"]?["name"]);

    /// <summary>The complete lines of the log so far (the writer may be in the middle of one).</summary>
    private async Task<List<JsonNode>> ReadEvents()
    {
        if (!File.Exists(AuditPath)) return [];
        await using var stream = new FileStream(AuditPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        var text = await new StreamReader(stream).ReadToEndAsync();
        var complete = text[..(text.LastIndexOf('\n') + 1)];
        return [.. complete.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!)];
    }
}
