using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging.Abstractions;
using OrleansOrchestrator.Silo.Api.Audit;

namespace OrleansOrchestrator.Silo.Tests.Api.Audit;

/// <summary>
/// Requests hand their events to the log and go on; the background writer puts every one in the file (flushed by the
/// time the log is disposed) and keeps each tenant's newest in memory for the dashboard.
/// </summary>
public sealed class AuditLogTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("oo-auditlog-").FullName;

    private static AuditEvent Event(string tenant, int n) => new(
        $"id-{n}", AuditEvent.ResponseComplete, $"/api/v1/namespaces/default/configmaps/c{n}", "get", "alice", [], tenant, ["127.0.0.1"], "kubectl",
        new AuditObjectRef("configmaps", "default", $"c{n}", "", "v1", null), 200, null, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow);

    [Fact]
    public async Task Disposed_EveryRecordedEventIsInTheFile_InOrder()
    {
        var path = Path.Combine(_dir, "nested", "audit.log");
        var log = new AuditLog(new AuditLogOptions(path), TimeProvider.System, NullLogger<AuditLog>.Instance);
        for (var i = 0; i < 2000; i++) log.Record(Event("acme", i));

        await log.DisposeAsync();

        var ids = File.ReadAllLines(path).Select(l => (string?)JsonNode.Parse(l)!["auditID"]).ToList();
        Assert.Equal(Enumerable.Range(0, 2000).Select(i => $"id-{i}"), ids);
        if (!OperatingSystem.IsWindows())
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        log.Record(Event("acme", 2001)); // after shutdown: ignored, not thrown
    }

    [Fact]
    public async Task Recent_OnlyTheTenantsOwn_NewestFirst_Bounded()
    {
        await using var log = new AuditLog(new AuditLogOptions(Path.Combine(_dir, "audit.log")), TimeProvider.System, NullLogger<AuditLog>.Instance);
        for (var i = 0; i < AuditLog.RecentPerTenant + 50; i++) log.Record(Event("acme", i));
        log.Record(Event("globex", 9999));

        await Eventually.True(() => log.Recent("globex", 10).Count == 1, "globex's event in memory");
        var acme = log.Recent("acme", 1000);

        Assert.Equal(AuditLog.RecentPerTenant, acme.Count);
        Assert.Equal($"id-{AuditLog.RecentPerTenant + 49}", acme[0].AuditId);
        Assert.Equal("id-50", acme[^1].AuditId);
        Assert.DoesNotContain(acme, e => e.Tenant != "acme");
        Assert.Equal(["id-249", "id-248"], log.Recent("acme", 2).Select(e => e.AuditId));
        Assert.Empty(log.Recent("initech", 10));
    }

    [Fact]
    public async Task EventWithALoneSurrogateOrAHugeName_IsWrittenBounded_AndLaterEventsStillAre()
    {
        var path = Path.Combine(_dir, "audit.log");
        var log = new AuditLog(new AuditLogOptions(path), TimeProvider.System, NullLogger<AuditLog>.Instance);
        var loneSurrogate = Event("acme", 0) with { ObjectRef = new AuditObjectRef("configmaps", "default\ud800", "bad\udc00name", "", "v1", null), UserAgent = "agent\ud83d" };
        var huge = Event("acme", 1) with { ObjectRef = new AuditObjectRef("configmaps", "default", new string('n', 1024 * 1024), "", "v1", null), RequestUri = "/" + new string('u', 1024 * 1024) };
        log.Record(loneSurrogate);
        log.Record(huge);
        for (var i = 2; i < 5; i++) log.Record(Event("acme", i));

        await log.DisposeAsync();

        var lines = File.ReadAllLines(path).Select(l => JsonNode.Parse(l)!).ToList();
        Assert.Equal(["id-0", "id-1", "id-2", "id-3", "id-4"], lines.Select(l => (string?)l["auditID"]));
        Assert.Equal("bad\ufffdname", (string?)lines[0]["objectRef"]!["name"]);
        Assert.Equal("default\ufffd", (string?)lines[0]["objectRef"]!["namespace"]);
        Assert.Equal("agent\ufffd", (string?)lines[0]["userAgent"]);
        Assert.Equal(AuditEvent.MaxFieldLength, ((string?)lines[1]["objectRef"]!["name"])!.Length);
        Assert.Equal(AuditEvent.MaxUriLength, ((string?)lines[1]["requestURI"])!.Length);
        // What the dashboard's page keeps in memory is bounded as well.
        Assert.All(log.Recent("acme", 10), e => Assert.True(e.ObjectRef!.Name!.Length <= AuditEvent.MaxFieldLength));
    }

    [Fact]
    public void Clean_BoundsAndReplacesLoneSurrogates()
    {
        Assert.Equal("plain", AuditEvent.Clean("plain", 10));
        Assert.Equal("a\ud83d\ude00b", AuditEvent.Clean("a\ud83d\ude00b", 10)); // a pair stays
        Assert.Equal("a\ufffd", AuditEvent.Clean("a\ud83d\ude00b", 2)); // a pair cut by the bound leaves no half of itself
        Assert.Equal("\ufffd\ufffd", AuditEvent.Clean("\ude00\ud83d", 10)); // reversed: both lone
    }

    public void Dispose() => Directory.Delete(_dir, true);
}
