using System.Text.Json.Nodes;
using OrleansOrchestrator.EndToEnd.Tests.Infrastructure;

namespace OrleansOrchestrator.EndToEnd.Tests.Streaming;

/// <summary>An exec is in the audit log as soon as it starts (not only once it ends), with both kubectl transports.</summary>
[Collection(StreamingFixture.Collection)]
public sealed class ExecAuditTests(StreamingFixture cluster)
{
    [Theory]
    [InlineData("1.32", "get")] // a WebSocket is a GET, and Kubernetes' request verb follows the method
    [InlineData("1.29", "create")] // SPDY upgrades a POST
    public async Task RunningExec_IsAuditedAtItsStart_AndAgainWhenItEnds(string version, string verb)
    {
        var marker = $"audit-{Guid.NewGuid():N}";
        // `sh -c cat NAME`: cat runs until stdin closes, and NAME (sh's $0) is in the request's URI.
        using (var exec = cluster.Kubectl(version).Start($"exec -i shell -c side -- sh -c cat {marker}"))
        {
            await exec.WriteLine("ping");
            await Eventually.True(() => exec.Output.Contains("ping", StringComparison.Ordinal), "the exec to echo");

            var started = await Eventually.Value(async () => (await Events(marker)).FirstOrDefault(), "the running exec in the audit log");
            Assert.Equal("ResponseStarted", (string?)started["stage"]);
            Assert.Equal(101, (int)started["responseStatus"]!["code"]!);
            Assert.Equal(verb, (string?)started["verb"]);
            Assert.Equal("alice", (string?)started["user"]!["username"]);
            Assert.Equal("""{"resource":"pods","namespace":"default","name":"shell","apiGroup":"","apiVersion":"v1","subresource":"exec"}""",
                started["objectRef"]!.ToJsonString());
            Assert.False(exec.HasExited);
        }

        var both = await Eventually.Value(async () => await Events(marker) is { Count: 2 } e ? e : null, "the ended exec in the audit log");
        Assert.Equal("ResponseComplete", (string?)both[1]["stage"]);
        Assert.Equal((string?)both[0]["auditID"], (string?)both[1]["auditID"]);
    }

    private async Task<List<JsonNode>> Events(string marker)
    {
        var path = Path.Combine(cluster.Node.Silo.DataDir, "audit.log");
        if (!File.Exists(path)) return [];
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        var text = await new StreamReader(stream).ReadToEndAsync();
        return [.. text[..(text.LastIndexOf('\n') + 1)].Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Where(l => l.Contains(marker, StringComparison.Ordinal))
            .Select(l => JsonNode.Parse(l)!)];
    }
}
