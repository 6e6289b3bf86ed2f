using OrleansOrchestrator.Agents.Networking;
using OrleansOrchestrator.Contracts.Networking;

namespace OrleansOrchestrator.Agents.Tests.Networking;

public sealed class RouteBookTests
{
    private static readonly Guid Epoch = Guid.NewGuid();

    private static ServiceRoute Route(string name, string ip = "10.96.0.20") =>
        new() { Tenant = "t", Namespace = "default", Name = name, ClusterIP = ip, Ports = [new RoutePort { Port = 80 }] };

    private static ServiceDirectorySnapshot Snapshot(long version, params ServiceRoute[] routes) =>
        new() { Epoch = Epoch, Version = version, Routes = routes, Complete = true, Network = new ClusterNetwork { ServiceCidr = "10.96.0.0/16" } };

    [Fact]
    public void A_snapshot_replaces_everything_and_pushes_apply_one_version_after_another()
    {
        var book = new RouteBook();
        Assert.True(book.ApplySnapshot(Snapshot(5, Route("a"), Route("b"))));
        Assert.Equal(["t/default/a", "t/default/b"], book.Routes.Keys.Order());
        Assert.True(book.Complete);
        Assert.Equal("10.96.0.0/16", book.Network!.ServiceCidr);

        Assert.Equal(PushOutcome.Applied, book.ApplyPush(Epoch, 6, [Route("c")], ["t/default/a"]));
        Assert.Equal(["t/default/b", "t/default/c"], book.Routes.Keys.Order());
        Assert.Equal(6, book.Version);
    }

    [Fact]
    public void A_push_that_overtakes_an_earlier_one_waits_for_it()
    {
        var book = new RouteBook();
        book.ApplySnapshot(Snapshot(1));
        Assert.Equal(PushOutcome.Buffered, book.ApplyPush(Epoch, 3, [Route("a", "10.96.0.30")], []));
        Assert.Empty(book.Routes);
        Assert.True(book.HasGap);

        // Version 2 arrives: both apply, in order (3 replaces what 2 wrote).
        Assert.Equal(PushOutcome.Applied, book.ApplyPush(Epoch, 2, [Route("a", "10.96.0.20")], []));
        Assert.Equal("10.96.0.30", book.Routes["t/default/a"].ClusterIP);
        Assert.Equal(3, book.Version);
        Assert.False(book.HasGap);
    }

    [Fact]
    public void Old_and_repeated_pushes_are_ignored()
    {
        var book = new RouteBook();
        book.ApplySnapshot(Snapshot(4, Route("a")));
        Assert.Equal(PushOutcome.Stale, book.ApplyPush(Epoch, 4, [], ["t/default/a"]));
        Assert.Equal(PushOutcome.Stale, book.ApplyPush(Epoch, 2, [], ["t/default/a"]));
        Assert.Single(book.Routes);
    }

    [Fact]
    public void A_push_of_another_directory_activation_asks_for_a_snapshot()
    {
        var book = new RouteBook();
        book.ApplySnapshot(Snapshot(4, Route("a")));
        Assert.Equal(PushOutcome.EpochChanged, book.ApplyPush(Guid.NewGuid(), 1, [], ["t/default/a"]));
        Assert.Single(book.Routes);

        // The new activation's snapshot is taken even though its version is lower.
        var other = Snapshot(1) with { Epoch = Guid.NewGuid() };
        Assert.True(book.ApplySnapshot(other));
        Assert.Empty(book.Routes);
        Assert.Equal(1, book.Version);
    }

    [Fact]
    public void An_older_snapshot_of_the_same_activation_does_not_undo_pushes()
    {
        var book = new RouteBook();
        book.ApplySnapshot(Snapshot(1));
        book.ApplyPush(Epoch, 2, [Route("a")], []);
        Assert.False(book.ApplySnapshot(Snapshot(1)));
        Assert.Single(book.Routes);
    }

    [Fact]
    public void A_snapshot_fills_a_gap_and_the_pushes_after_it_still_apply()
    {
        var book = new RouteBook();
        book.ApplySnapshot(Snapshot(1));
        book.ApplyPush(Epoch, 3, [Route("three")], []);
        book.ApplyPush(Epoch, 5, [Route("five")], []);
        Assert.True(book.HasGap);

        // The snapshot is at 4: it contains 3 (and 2, which went missing); 5 follows it.
        Assert.True(book.ApplySnapshot(Snapshot(4, Route("two"), Route("three"))));
        Assert.Equal(["t/default/five", "t/default/three", "t/default/two"], book.Routes.Keys.Order());
        Assert.Equal(5, book.Version);
        Assert.False(book.HasGap);
    }

    [Fact]
    public void Pushes_that_arrive_before_the_first_snapshot_apply_after_it_when_newer()
    {
        var book = new RouteBook();
        Assert.Equal(PushOutcome.Buffered, book.ApplyPush(Epoch, 7, [Route("seven")], []));
        Assert.Equal(PushOutcome.Buffered, book.ApplyPush(Epoch, 6, [Route("six")], []));
        Assert.False(book.HasSnapshot);

        // The snapshot was taken at 6: 6 is in it, 7 is not.
        book.ApplySnapshot(Snapshot(6, Route("six")));
        Assert.Equal(["t/default/seven", "t/default/six"], book.Routes.Keys.Order());
        Assert.Equal(7, book.Version);
    }

    [Fact]
    public void An_incomplete_snapshot_is_reported_as_incomplete()
    {
        var book = new RouteBook();
        book.ApplySnapshot(Snapshot(0) with { Complete = false });
        Assert.False(book.Complete);
    }
}
