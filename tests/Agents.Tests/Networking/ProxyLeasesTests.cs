using OrleansOrchestrator.Agents.Networking.Proxy;

namespace OrleansOrchestrator.Agents.Tests.Networking;

public sealed class ProxyLeasesTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"oo-leases-{Guid.NewGuid():N}");
    private readonly ManualTime _time = new(new DateTimeOffset(2026, 12, 3, 12, 0, 0, TimeSpan.Zero));

    public void Dispose()
    {
        if (Directory.Exists(_directory)) Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public void An_agent_is_abandoned_once_its_lease_is_older_than_the_limit_and_one_without_a_lease_that_long_after_it_was_first_seen()
    {
        var leases = new ProxyLeases(_directory, _time);
        var alive = new ProxyChainNames("OO-AAAAAA-");
        var killed = new ProxyChainNames("OO-BBBBBB-");
        leases.Renew(alive);
        leases.Renew(killed);
        _time.Advance(TimeSpan.FromMinutes(1));
        // OO-CCCCCC- has chains but never had a lease (an older agent): first seen now.
        Assert.Empty(leases.Abandoned(["OO-AAAAAA-", "OO-BBBBBB-", "OO-CCCCCC-"]));

        _time.Advance(ProxyLeases.AbandonedAfter - TimeSpan.FromMinutes(1));
        leases.Renew(alive);
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(["OO-BBBBBB-"], leases.Abandoned(["OO-AAAAAA-", "OO-BBBBBB-", "OO-CCCCCC-"]));

        _time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(["OO-BBBBBB-", "OO-CCCCCC-"], leases.Abandoned(["OO-AAAAAA-", "OO-BBBBBB-", "OO-CCCCCC-"]));

        // Reclaimed: its lease goes too, and coming back it renews one as any agent does.
        leases.Release("OO-BBBBBB-");
        leases.Renew(killed);
        Assert.Empty(leases.Abandoned(["OO-AAAAAA-", "OO-BBBBBB-"]));
    }

    private sealed class ManualTime(DateTimeOffset now) : TimeProvider
    {
        private DateTimeOffset _now = now;

        public override DateTimeOffset GetUtcNow() => _now;

        public void Advance(TimeSpan by) => _now += by;
    }
}
