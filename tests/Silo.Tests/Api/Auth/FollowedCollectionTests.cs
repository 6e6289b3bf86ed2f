using System.Threading.Channels;
using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Contracts.Selection;
using OrleansOrchestrator.Contracts.Store;
using OrleansOrchestrator.Silo.Api.Auth.Rbac;

namespace OrleansOrchestrator.Silo.Tests.Api.Auth;

/// <summary>The RBAC cache's copy of a collection: listed once, then kept by the watch, listed again when it cannot be trusted.</summary>
public sealed class FollowedCollectionTests : IDisposable
{
    private sealed class FakeCollection : ICollectionGrain
    {
        public readonly Channel<WatchBatch> Batches = Channel.CreateUnbounded<WatchBatch>();
        public volatile IReadOnlyList<KubeObject> Items = [];
        public volatile int Lists;
        public long Version;

        public Task<ListResult> List(ListOptions options)
        {
            Interlocked.Increment(ref Lists);
            return Task.FromResult(new ListResult(Items, Version, null, null));
        }

        public async Task<WatchBatch> Watch(long afterVersion, ObjectFilter filter, TimeSpan maxWait) => await Batches.Reader.ReadAsync();

        public Task<VersionReservation> Reserve(string name) => throw new NotSupportedException();
        public Task<bool> Commit(VersionReservation reservation, WatchEvent change) => throw new NotSupportedException();
        public Task Abort(VersionReservation reservation) => throw new NotSupportedException();
    }

    private readonly CancellationTokenSource _stopping = new();
    private readonly FakeCollection _store = new() { Items = [Binding("a")], Version = 5 };
    private int _idle;

    public void Dispose() => _stopping.Cancel();

    private static RoleBinding Binding(string name) => new() { Metadata = new ObjectMeta { Name = name, Namespace = "dev" } };

    private FollowedCollection Follow(TimeSpan? idleAfter = null) =>
        new(_store, TimeSpan.FromSeconds(20), idleAfter ?? TimeSpan.FromMinutes(5), () => Interlocked.Increment(ref _idle), _stopping.Token);

    private static async Task<IReadOnlyList<string>> Names(FollowedCollection followed) =>
        (await followed.Current()).Items.Select(o => o.Metadata.Name!).Order().ToList();

    [Fact]
    public async Task ListsOnce_ThenFollowsTheWatch_IgnoringEventsTheListAlreadyHad()
    {
        var followed = Follow();
        Assert.Equal(["a"], await Names(followed));

        _store.Batches.Writer.TryWrite(new WatchBatch(
        [
            new WatchEvent(WatchEventType.Deleted, Binding("a"), 4),
            new WatchEvent(WatchEventType.Added, Binding("b"), 6),
        ], 6));

        await Eventually.True(async () => (await Names(followed)).SequenceEqual(["a", "b"]), "the new binding to be followed");
        Assert.Equal(1, _store.Lists);
    }

    [Fact]
    public async Task NewStamp_WithEveryChange_SameStampWithout()
    {
        var followed = Follow();
        var first = (await followed.Current()).Stamp;
        Assert.Equal(first, (await followed.Current()).Stamp);

        _store.Batches.Writer.TryWrite(new WatchBatch([new WatchEvent(WatchEventType.Modified, Binding("a"), 6)], 6));

        await Eventually.True(async () => (await followed.Current()).Stamp != first, "a new stamp");
    }

    [Fact]
    public async Task GoneHistoryOrOwnWrite_ListsAgain()
    {
        var followed = Follow();
        await followed.Current();

        _store.Items = [Binding("a"), Binding("c")];
        followed.MarkStale();
        Assert.Equal(["a", "c"], await Names(followed));

        _store.Items = [Binding("d")];
        _store.Batches.Writer.TryWrite(new WatchBatch([], 9, Gone: true));
        await Eventually.True(async () => (await Names(followed)).SequenceEqual(["d"]), "the relisted bindings");
    }

    [Fact]
    public async Task Unread_StopsFollowing_AndSaysSo()
    {
        var followed = Follow(idleAfter: TimeSpan.Zero);
        await followed.Current();

        _store.Batches.Writer.TryWrite(new WatchBatch([], 5));

        await Eventually.True(() => Volatile.Read(ref _idle) == 1, "the idle callback");
        _store.Items = [];
        Assert.Empty(await Names(followed));
    }
}
