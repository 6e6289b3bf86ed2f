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

    public void Dispose() => Directory.Delete(_dir, true);
}
