using System.Threading.Channels;
using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Contracts.Selection;
using OrleansOrchestrator.Contracts.Store;
using OrleansOrchestrator.Silo.Api;

namespace OrleansOrchestrator.Silo.Tests.Api;

public class CollectionWatcherTests
{
    /// <summary>
    /// A collection grain whose watch calls answer from a queue the test fills: a batch, an exception, or nothing yet
    /// (the call then waits, as a real long poll does, until the test enqueues or for ever).
    /// </summary>
    private sealed class ScriptedCollection : ICollectionGrain
    {
        private readonly Channel<Func<WatchBatch>> _answers = Channel.CreateUnbounded<Func<WatchBatch>>();

        public int Calls;

        public void Answer(WatchBatch batch) => _answers.Writer.TryWrite(() => batch);

        public void Fail(Exception failure) => _answers.Writer.TryWrite(() => throw failure);

        public async Task<WatchBatch> Watch(long afterVersion, ObjectFilter filter, TimeSpan maxWait)
        {
            Interlocked.Increment(ref Calls);
            // Deliberately not cancellable: an Orleans grain call is not either.
            var answer = await _answers.Reader.ReadAsync(CancellationToken.None);
            return answer();
        }

        public Task<ListResult> List(ListOptions options) => Task.FromResult(new ListResult([], 0, null, null));

        public Task<VersionReservation> Reserve() => throw new NotSupportedException();

        public Task<bool> Commit(VersionReservation reservation, WatchEvent change) => throw new NotSupportedException();

        public Task Abort(VersionReservation reservation) => throw new NotSupportedException();
    }

    private static readonly TimeSpan Poll = TimeSpan.FromSeconds(20);

    private static ConfigMap Map(string name) => new() { Metadata = new ObjectMeta { Name = name, Namespace = "n" } };

    private static async Task<List<ApiWatchEvent>> Collect(IAsyncEnumerable<ApiWatchEvent> events, TimeSpan limit)
    {
        var seen = new List<ApiWatchEvent>();
        await Task.Run(async () => { await foreach (var e in events) seen.Add(e); }).WaitAsync(limit);
        return seen;
    }

    [Fact]
    public async Task Watch_ChangesThenGrainCallFails_ErrorEventThenEnds()
    {
        var collection = new ScriptedCollection();
        collection.Answer(new WatchBatch([new WatchEvent(WatchEventType.Added, Map("a"), 5)], 5));
        collection.Fail(new TimeoutException("Response did not arrive on time"));
        var watcher = new CollectionWatcher(_ => collection, null, Poll);

        var events = await Collect(watcher.Watch(new() { ["n"] = 4 }, ObjectFilter.Everything, false, CancellationToken.None), TimeSpan.FromSeconds(10));

        Assert.Equal([ApiWatchEvent.Added, ApiWatchEvent.ErrorType], events.Select(e => e.Type));
        var status = events[^1].Error!;
        Assert.Equal(500, status.Code);
        Assert.Equal("InternalError", status.Reason);
        Assert.Contains("Response did not arrive on time", status.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Watch_NewNamespacesFollowerFails_ErrorEventThenEnds()
    {
        var collection = new ScriptedCollection();
        var namespaces = new ScriptedCollection();
        namespaces.Fail(new InvalidOperationException("silo gone"));
        var watcher = new CollectionWatcher(_ => collection, namespaces, Poll);

        var events = await Collect(watcher.Watch(new() { ["n"] = 0 }, ObjectFilter.Everything, false, CancellationToken.None), TimeSpan.FromSeconds(10));

        Assert.Equal(500, Assert.Single(events).Error!.Code);
    }

    [Fact]
    public async Task Watch_CancelledWhileAGrainCallWaits_EndsAtOnce()
    {
        // The grain call never answers (a 20 s poll that the deadline falls inside): the watch must still end on time.
        var collection = new ScriptedCollection();
        using var deadline = new CancellationTokenSource();
        var watcher = new CollectionWatcher(_ => collection, null, Poll);
        var watching = Collect(watcher.Watch(new() { ["n"] = 0 }, ObjectFilter.Everything, false, deadline.Token), TimeSpan.FromSeconds(5));
        await Eventually.True(() => Volatile.Read(ref collection.Calls) > 0, "the first grain call");

        await deadline.CancelAsync();
        var ended = await Record.ExceptionAsync(() => watching);

        Assert.True(ended is null or OperationCanceledException, $"ended with {ended}");
    }

    [Fact]
    public async Task Watch_HistoryGone_ExpiredThenEnds()
    {
        var collection = new ScriptedCollection();
        collection.Answer(new WatchBatch([], 9, Gone: true));
        var watcher = new CollectionWatcher(_ => collection, null, Poll);

        var events = await Collect(watcher.Watch(new() { ["n"] = 3 }, ObjectFilter.Everything, false, CancellationToken.None), TimeSpan.FromSeconds(10));

        Assert.Equal(410, Assert.Single(events).Error!.Code);
    }

    [Fact]
    public async Task Watch_EmptyPollWithBookmarks_BookmarkAtTheNewVersion()
    {
        var collection = new ScriptedCollection();
        collection.Answer(new WatchBatch([], 12));
        collection.Fail(new InvalidOperationException("stop"));
        var watcher = new CollectionWatcher(_ => collection, null, Poll);

        var events = await Collect(watcher.Watch(new() { ["n"] = 3 }, ObjectFilter.Everything, true, CancellationToken.None), TimeSpan.FromSeconds(10));

        Assert.Equal(ApiWatchEvent.Bookmark, events[0].Type);
        Assert.Equal("12", events[0].ResourceVersion);
    }
}
