using Microsoft.Extensions.Logging.Abstractions;
using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Dashboard.ServiceClient;
using OrleansOrchestrator.Dashboard.Tests.Fakes;
using static OrleansOrchestrator.Dashboard.Tests.TestObjects;

namespace OrleansOrchestrator.Dashboard.Tests.ServiceClient;

public sealed class ClusterFeedTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);
    private static readonly DashboardUser Alice = new("alice", "acme", ["developers"]);
    private static readonly DashboardUser Bob = new("bob", "acme", ["developers"]);
    private static readonly DashboardUser Carol = new("carol", "globex", ["developers"]);

    private readonly FakeClusterBackend _backend = new();

    private ClusterFeed NewFeed() => new(_backend, NullLogger<ClusterFeed>.Instance);

    [Fact]
    public async Task Subscribe_TwoSubscribersOfOneTenantAndKind_ShareOneUpstreamWatch()
    {
        _backend.SetObjects(ResourceKinds.Pod, Pod("a"));
        await using var feed = NewFeed();

        using var first = await feed.Subscribe(Alice, ResourceKinds.Pod, CancellationToken.None);
        using var second = await feed.Subscribe(Bob, ResourceKinds.Pod, CancellationToken.None);

        await Eventually.True(() => _backend.WatchCalls(ResourceKinds.Pod) == 1, "the upstream watch", Patience);
        Assert.Equal(1, _backend.ListCalls(ResourceKinds.Pod));
        Assert.Equal(["a"], first.Snapshot.Select(o => o.Metadata.Name));
        Assert.Equal(["a"], second.Snapshot.Select(o => o.Metadata.Name));
    }

    [Fact]
    public async Task Subscribe_OtherTenantOrKind_OwnUpstreamWatch()
    {
        await using var feed = NewFeed();

        using var pods = await feed.Subscribe(Alice, ResourceKinds.Pod, CancellationToken.None);
        using var otherTenantsPods = await feed.Subscribe(Carol, ResourceKinds.Pod, CancellationToken.None);
        using var deployments = await feed.Subscribe(Alice, ResourceKinds.Deployment, CancellationToken.None);

        await Eventually.True(() => _backend.WatchCalls(ResourceKinds.Pod) == 2 && _backend.WatchCalls(ResourceKinds.Deployment) == 1, "three watches", Patience);
        Assert.Equal(2, _backend.ListCalls(ResourceKinds.Pod));
    }

    [Fact]
    public async Task Subscribe_ChangeUpstream_ReachesEverySubscriber()
    {
        await using var feed = NewFeed();
        using var first = await feed.Subscribe(Alice, ResourceKinds.Pod, CancellationToken.None);
        using var second = await feed.Subscribe(Bob, ResourceKinds.Pod, CancellationToken.None);

        _backend.Send(ResourceKinds.Pod, ChangeType.Upsert, Pod("b"));

        foreach (var subscription in new[] { first, second })
        {
            var change = Assert.Single(await Receive(subscription, 1));
            Assert.Equal((ChangeType.Upsert, "default/b"), (change.Type, change.Key));
        }
    }

    [Fact]
    public async Task Subscribe_LateSubscriber_SnapshotIncludesEarlierChanges()
    {
        await using var feed = NewFeed();
        using var first = await feed.Subscribe(Alice, ResourceKinds.Pod, CancellationToken.None);
        _backend.Send(ResourceKinds.Pod, ChangeType.Upsert, Pod("b"));
        await Receive(first, 1);

        using var late = await feed.Subscribe(Bob, ResourceKinds.Pod, CancellationToken.None);

        Assert.Equal(["b"], late.Snapshot.Select(o => o.Metadata.Name));
    }

    [Fact]
    public async Task Dispose_Subscription_StopsReceivingWhileOthersStillDo()
    {
        await using var feed = NewFeed();
        var leaving = await feed.Subscribe(Alice, ResourceKinds.Pod, CancellationToken.None);
        using var staying = await feed.Subscribe(Bob, ResourceKinds.Pod, CancellationToken.None);

        leaving.Dispose();
        _backend.Send(ResourceKinds.Pod, ChangeType.Upsert, Pod("b"));

        Assert.Single(await Receive(staying, 1));
        using var timeout = new CancellationTokenSource(Patience);
        var after = new List<IReadOnlyList<ResourceChange>>();
        await foreach (var batch in leaving.Batches(timeout.Token)) after.Add(batch); // ends: its channel is completed
        Assert.Empty(after);
    }

    [Fact]
    public async Task Watch_Expired_ListsAgainAndSendsOnlyTheDifferences()
    {
        _backend.SetObjects(ResourceKinds.Pod, Pod("a"), Pod("b"), Pod("c"));
        await using var feed = NewFeed();
        using var subscription = await feed.Subscribe(Alice, ResourceKinds.Pod, CancellationToken.None);
        await Eventually.True(() => _backend.WatchCalls(ResourceKinds.Pod) == 1, "the first watch", Patience);

        // While the watch is behind: b is deleted, c changes, d appears; a stays as it was.
        _backend.SetObjects(ResourceKinds.Pod, Pod("a"), Pod("c").WithVersion("7"), Pod("d"));
        _backend.Expire(ResourceKinds.Pod);
        _backend.Send(ResourceKinds.Pod, ChangeType.Upsert, Pod("marker")); // read by the next watch, after the relist's changes

        var changes = await Receive(subscription, 4);

        Assert.Equal(2, _backend.ListCalls(ResourceKinds.Pod));
        Assert.Equal(2, _backend.WatchCalls(ResourceKinds.Pod));
        Assert.Equal(["Delete default/b", "Upsert default/c@7", "Upsert default/d@1"],
            changes.Take(3).Select(c => c.Type == ChangeType.Delete ? $"Delete {c.Key}" : $"Upsert {c.Key}@{c.Object.Metadata.ResourceVersion}").Order());
        Assert.Equal("default/marker", changes[3].Key);
    }

    [Fact]
    public async Task Watch_FailsAsItsSiloIsLost_ReconnectsAndSendsWhatChangedMeanwhile()
    {
        _backend.SetObjects(ResourceKinds.Pod, Pod("a"), Pod("b"));
        await using var feed = NewFeed();
        using var subscription = await feed.Subscribe(Alice, ResourceKinds.Pod, CancellationToken.None);
        await Eventually.True(() => _backend.WatchCalls(ResourceKinds.Pod) == 1, "the first watch", Patience);

        // The control plane fails over: the watch breaks (not a 410), and a pod was deleted and one made meanwhile.
        _backend.SetObjects(ResourceKinds.Pod, Pod("a"), Pod("c"));
        _backend.Fail(ResourceKinds.Pod, new InvalidOperationException("the silo hosting the watch is gone"));

        var changes = await Receive(subscription, 2);

        Assert.Equal(["Delete default/b", "Upsert default/c"], changes.Select(c => $"{c.Type} {c.Key}").Order());
        await Eventually.True(() => _backend.WatchCalls(ResourceKinds.Pod) == 2, "a new watch after the relist", Patience);
    }

    [Fact]
    public async Task Subscribe_KindTheUserMayNotList_Refused403WithoutWatching()
    {
        _backend.Authorize = (_, verb, kind, _) => !(kind == ResourceKinds.Node && verb == "list");
        await using var feed = NewFeed();

        var refusal = await Assert.ThrowsAsync<ActionFailedException>(() => feed.Subscribe(Alice, ResourceKinds.Node, CancellationToken.None));

        Assert.Equal(403, refusal.Code);
        Assert.Contains("nodes", refusal.Message);
        Assert.Equal(0, _backend.ListCalls(ResourceKinds.Node));
    }

    /// <summary>Reads batches until <paramref name="count"/> changes came (failing after <see cref="Patience"/>), in order.</summary>
    private static async Task<List<ResourceChange>> Receive(FeedSubscription subscription, int count)
    {
        using var timeout = new CancellationTokenSource(Patience);
        var received = new List<ResourceChange>();
        try
        {
            await foreach (var batch in subscription.Batches(timeout.Token))
            {
                received.AddRange(batch);
                if (received.Count >= count) break;
            }
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
        }
        Assert.True(received.Count == count, $"expected {count} changes, received {received.Count}: {string.Join(", ", received.Select(c => $"{c.Type} {c.Key}"))}");
        return received;
    }
}
