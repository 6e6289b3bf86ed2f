using System.Threading.Channels;
using OrleansOrchestrator.Dashboard.ServiceClient;
using static OrleansOrchestrator.Dashboard.Tests.TestObjects;

namespace OrleansOrchestrator.Dashboard.Tests.ServiceClient;

public sealed class FeedSubscriptionTests
{
    [Fact]
    public async Task Batches_ChangesWrittenTogether_ArriveAsOneBatch()
    {
        var channel = Channel.CreateUnbounded<ResourceChange>();
        var subscription = new FeedSubscription([], channel.Reader);
        foreach (var name in new[] { "a", "b", "c" }) channel.Writer.TryWrite(new ResourceChange(ChangeType.Upsert, Pod(name)));
        channel.Writer.Complete();

        var batches = await All(subscription);

        var batch = Assert.Single(batches);
        Assert.Equal(["default/a", "default/b", "default/c"], batch.Select(c => c.Key));
    }

    [Fact]
    public async Task Batches_ChangesWrittenApart_ArriveAsSeparateBatches()
    {
        var channel = Channel.CreateUnbounded<ResourceChange>();
        var subscription = new FeedSubscription([], channel.Reader);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await using var batches = subscription.Batches(timeout.Token).GetAsyncEnumerator(timeout.Token);

        channel.Writer.TryWrite(new ResourceChange(ChangeType.Upsert, Pod("a")));
        Assert.True(await batches.MoveNextAsync());
        var first = batches.Current;
        channel.Writer.TryWrite(new ResourceChange(ChangeType.Delete, Pod("a")));
        Assert.True(await batches.MoveNextAsync());

        Assert.Equal([ChangeType.Upsert], first.Select(c => c.Type));
        Assert.Equal([ChangeType.Delete], batches.Current.Select(c => c.Type));
    }

    [Fact]
    public async Task Batches_Cancelled_StopsWithCancellation()
    {
        var channel = Channel.CreateUnbounded<ResourceChange>();
        var subscription = new FeedSubscription([], channel.Reader);
        using var cancel = new CancellationTokenSource();

        var reading = All(subscription, cancel.Token);
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => reading);
    }

    [Fact]
    public void Dispose_Subscription_Unsubscribes()
    {
        var unsubscribed = 0;
        var subscription = new FeedSubscription([Pod("a")], Channel.CreateUnbounded<ResourceChange>().Reader, () => unsubscribed++);

        subscription.Dispose();

        Assert.Equal(1, unsubscribed);
        Assert.Single(subscription.Snapshot);
    }

    private static async Task<List<IReadOnlyList<ResourceChange>>> All(FeedSubscription subscription, CancellationToken cancellationToken = default)
    {
        var batches = new List<IReadOnlyList<ResourceChange>>();
        await foreach (var batch in subscription.Batches(cancellationToken)) batches.Add(batch);
        return batches;
    }
}
