using System.Threading.Channels;
using Orleans.Runtime;
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

        /// <summary>The version each watch call asked for changes after, in order.</summary>
        public readonly List<long> Asked = [];

        public void Answer(WatchBatch batch) => _answers.Writer.TryWrite(() => batch);

        public void Fail(Exception failure) => _answers.Writer.TryWrite(() => throw failure);

        public async Task<WatchBatch> Watch(long afterVersion, ObjectFilter filter, TimeSpan maxWait)
        {
            Interlocked.Increment(ref Calls);
            lock (Asked) Asked.Add(afterVersion);
            // Deliberately not cancellable: an Orleans grain call is not either.
            var answer = await _answers.Reader.ReadAsync(CancellationToken.None);
            return answer();
        }

        public Task<ListResult> List(ListOptions options) => Task.FromResult(new ListResult([], 0, null, null));

        public Task<VersionReservation> Reserve(string name) => throw new NotSupportedException();

        public Task<bool> Commit(VersionReservation reservation, WatchEvent change) => throw new NotSupportedException();

        public Task Abort(VersionReservation reservation) => throw new NotSupportedException();
    }

    private static readonly TimeSpan Poll = TimeSpan.FromSeconds(20);

    private static readonly FailoverRetry NoRetry = new([]);

    private static readonly FailoverRetry QuickRetry = new([TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(1)]);

    private static ConfigMap Map(string name) => new() { Metadata = new ObjectMeta { Name = name, Namespace = "n" } };

    private static async Task<List<ApiWatchEvent>> Collect(IAsyncEnumerable<ApiWatchEvent> events, TimeSpan limit)
    {
        var seen = new List<ApiWatchEvent>();
        await Task.Run(async () => { await foreach (var e in events) seen.Add(e); }).WaitAsync(limit);
        return seen;
    }

    [Fact]
    public async Task Watch_ChangesThenGrainCallFailsOtherwise_BoundedInternalErrorThenEnds()
    {
        var collection = new ScriptedCollection();
        collection.Answer(new WatchBatch([new WatchEvent(WatchEventType.Added, Map("a"), 5)], 5));
        collection.Fail(new InvalidOperationException("sequence contains no elements\n   at Orleans.Foo() in /src/Foo.cs:line 3"));
        var watcher = new CollectionWatcher(_ => collection, null, Poll, QuickRetry);

        var events = await Collect(watcher.Watch(new() { ["n"] = 4 }, ObjectFilter.Everything, false, CancellationToken.None), TimeSpan.FromSeconds(10));

        Assert.Equal([ApiWatchEvent.Added, ApiWatchEvent.ErrorType], events.Select(e => e.Type));
        var status = events[^1].Error!;
        Assert.Equal((500, "InternalError"), (status.Code, status.Reason));
        Assert.DoesNotContain("/src/Foo.cs", status.Message, StringComparison.Ordinal);
        Assert.Equal(2, collection.Calls); // not retried: it was no lost silo
    }

    [Fact]
    public async Task Watch_SiloLostMidWatch_ResumesFromTheLastDeliveredVersion()
    {
        var collection = new ScriptedCollection();
        collection.Answer(new WatchBatch([new WatchEvent(WatchEventType.Added, Map("a"), 5)], 5));
        collection.Fail(new SiloUnavailableException("silo S127.0.0.1:11111:1 is gone"));
        collection.Answer(new WatchBatch([new WatchEvent(WatchEventType.Added, Map("b"), 6)], 6));
        collection.Fail(new InvalidOperationException("end of script"));
        var watcher = new CollectionWatcher(_ => collection, null, Poll, QuickRetry);

        var events = await Collect(watcher.Watch(new() { ["n"] = 4 }, ObjectFilter.Everything, false, CancellationToken.None), TimeSpan.FromSeconds(10));

        Assert.Equal(["a", "b"], events.Where(e => e.Type == ApiWatchEvent.Added).Select(e => e.Object!.Metadata.Name));
        // The call after the lost silo asks from the version the client last got, not from the start or past it.
        Assert.Equal([4L, 5L, 5L, 6L], collection.Asked);
    }

    [Fact]
    public async Task Watch_SiloLostLongerThanTheRetries_Expired410WithoutRuntimeText()
    {
        var collection = new ScriptedCollection();
        collection.Answer(new WatchBatch([new WatchEvent(WatchEventType.Added, Map("a"), 7)], 7));
        for (var i = 0; i < 3; i++) collection.Fail(new SiloUnavailableException("silo S127.0.0.1:11111:1 is gone"));
        var watcher = new CollectionWatcher(_ => collection, null, Poll, QuickRetry);

        var events = await Collect(watcher.Watch(new() { ["n"] = 4 }, ObjectFilter.Everything, false, CancellationToken.None), TimeSpan.FromSeconds(10));

        var error = events[^1];
        Assert.Equal(ApiWatchEvent.ErrorType, error.Type);
        Assert.Equal((410, "Expired"), (error.Error!.Code, error.Error.Reason));
        Assert.Equal("7", error.ResourceVersion);
        Assert.DoesNotContain("S127.0.0.1", error.Error.Message, StringComparison.Ordinal);
        Assert.Equal(4, collection.Calls); // the first answer, then the failed call and its two retries
    }

    [Fact]
    public async Task Watch_GrainCallNeverAnswers_EndsWithAnErrorAfterPollAndMargin()
    {
        // A silo that died without closing its connections: the call neither answers nor fails.
        var collection = new ScriptedCollection();
        var watcher = new CollectionWatcher(_ => collection, null, TimeSpan.FromMilliseconds(50), NoRetry, answerMargin: TimeSpan.FromMilliseconds(200));

        var events = await Collect(watcher.Watch(new() { ["n"] = 4 }, ObjectFilter.Everything, false, CancellationToken.None), TimeSpan.FromSeconds(10));

        Assert.Equal(410, Assert.Single(events).Error!.Code);
    }

    [Fact]
    public async Task Watch_NewNamespacesFollowerFails_ErrorEventThenEnds()
    {
        var collection = new ScriptedCollection();
        var namespaces = new ScriptedCollection();
        namespaces.Fail(new SiloUnavailableException("silo gone"));
        var watcher = new CollectionWatcher(_ => collection, namespaces, Poll, NoRetry);

        var events = await Collect(watcher.Watch(new() { ["n"] = 0 }, ObjectFilter.Everything, false, CancellationToken.None), TimeSpan.FromSeconds(10));

        var error = Assert.Single(events);
        Assert.Equal(410, error.Error!.Code);
        Assert.Equal(CompositeVersion.Encode(new Dictionary<string, long> { ["n"] = 0 }), error.ResourceVersion);
    }

    [Fact]
    public async Task Watch_CancelledWhileAGrainCallWaits_EndsAtOnce()
    {
        // The grain call never answers (a 20 s poll that the deadline falls inside): the watch must still end on time.
        var collection = new ScriptedCollection();
        using var deadline = new CancellationTokenSource();
        var watcher = new CollectionWatcher(_ => collection, null, Poll, NoRetry);
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
        var watcher = new CollectionWatcher(_ => collection, null, Poll, NoRetry);

        var events = await Collect(watcher.Watch(new() { ["n"] = 3 }, ObjectFilter.Everything, false, CancellationToken.None), TimeSpan.FromSeconds(10));

        Assert.Equal(410, Assert.Single(events).Error!.Code);
    }

    [Fact]
    public async Task Watch_EmptyPollWithBookmarks_BookmarkAtTheNewVersion()
    {
        var collection = new ScriptedCollection();
        collection.Answer(new WatchBatch([], 12));
        collection.Fail(new InvalidOperationException("stop"));
        var watcher = new CollectionWatcher(_ => collection, null, Poll, NoRetry);

        var events = await Collect(watcher.Watch(new() { ["n"] = 3 }, ObjectFilter.Everything, true, CancellationToken.None), TimeSpan.FromSeconds(10));

        Assert.Equal(ApiWatchEvent.Bookmark, events[0].Type);
        Assert.Equal("12", events[0].ResourceVersion);
    }
}
