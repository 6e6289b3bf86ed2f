using System.Globalization;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using OrleansOrchestrator.Contracts.Selection;
using OrleansOrchestrator.Contracts.Store;

namespace OrleansOrchestrator.Silo.Api;

/// <summary>
/// The watch loop of the API: follows one collection (or, across namespaces, one per namespace and the namespaces
/// created meanwhile) by long-polling each collection grain, and merges what they release into one stream of
/// watch events. It ends when its token is cancelled — at once, even while a poll is waiting in a grain — or when a
/// collection cannot be followed any more; it is never silent. Each poll is bounded (a call to a silo that died
/// without closing its connections would otherwise wait for the runtime's response timeout); a poll that fails
/// because a silo was lost is asked again, with the retry policy's back-off, of the re-activated grain from the last
/// version delivered — which serves it if it still can, or answers "gone" (a 410 for the client). When the retries
/// run out the last event is an <c>ERROR</c> with a 410 Status, so that the client relists rather than wait on a
/// stream that will never speak again; any other failure, an <c>ERROR</c> with ControlPlaneFailure's bounded 500.
/// </summary>
/// <param name="collectionOf">The collection grain of a namespace ("" for a cluster-scoped kind).</param>
/// <param name="namespaces">The namespaces' collection, to follow new namespaces (an all-namespaces watch), or null.</param>
/// <param name="poll">How long one grain call waits for changes before the loop asks again.</param>
/// <param name="retry">How a poll that failed with a lost silo is asked again.</param>
/// <param name="answerMargin">How much longer than its poll a grain call may take (default <see cref="DefaultAnswerMargin"/>).</param>
public sealed class CollectionWatcher(
    Func<string, ICollectionGrain> collectionOf, ICollectionGrain? namespaces, TimeSpan poll, FailoverRetry retry, TimeSpan? answerMargin = null)
{
    /// <summary>
    /// How much longer than its poll a grain call may take before the watcher stops waiting for it: a loaded silo
    /// answers a poll late by milliseconds; a silo that is gone never answers.
    /// </summary>
    public static readonly TimeSpan DefaultAnswerMargin = TimeSpan.FromSeconds(5);

    private readonly TimeSpan _answerLimit = poll + (answerMargin ?? DefaultAnswerMargin);

    /// <summary>What a pump hands the merging loop: a batch of a namespace's collection, or the reason it stopped.</summary>
    private sealed record Step(string Namespace, WatchBatch? Batch, Exception? Failure = null);

    /// <param name="positions">Per namespace, the version after which changes are wanted.</param>
    /// <param name="bookmarks">Whether to send a BOOKMARK when a poll ends without changes.</param>
    public async IAsyncEnumerable<ApiWatchEvent> Watch(
        Dictionary<string, long> positions, ObjectFilter filter, bool bookmarks,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var composite = namespaces is not null;
        var channel = Channel.CreateBounded<Step>(64);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var pumps = positions.Select(p => Pump(p.Key, p.Value, filter, channel.Writer, stop.Token)).ToList();
        if (composite)
            pumps.Add(FollowNewNamespaces(positions.Keys.ToHashSet(StringComparer.Ordinal), filter, channel.Writer, stop.Token));

        try
        {
            await foreach (var step in channel.Reader.ReadAllAsync(cancellationToken))
            {
                if (step.Failure is { } failure)
                {
                    yield return ApiWatchEvent.Stopped(failure,
                        composite ? CompositeVersion.Encode(positions) : positions[step.Namespace].ToString(CultureInfo.InvariantCulture));
                    yield break;
                }
                var batch = step.Batch!;
                if (batch.Gone)
                {
                    yield return ApiWatchEvent.Expired(positions[step.Namespace].ToString(CultureInfo.InvariantCulture));
                    yield break;
                }
                foreach (var change in batch.Events)
                    yield return new ApiWatchEvent(TypeName(change.Type), change.Object, change.Version.ToString(CultureInfo.InvariantCulture));
                positions[step.Namespace] = batch.Version;
                if (bookmarks && batch.Events.Count == 0)
                    yield return new ApiWatchEvent(ApiWatchEvent.Bookmark, null,
                        composite ? CompositeVersion.Encode(positions) : batch.Version.ToString(CultureInfo.InvariantCulture));
            }
        }
        finally
        {
            await stop.CancelAsync();
            // Quick: every wait of the pumps observes the token.
            await Task.WhenAll(pumps);
        }
    }

    /// <summary>Long-polls one collection into the channel until cancelled, the history is gone, or a call fails.</summary>
    private async Task Pump(string ns, long from, ObjectFilter filter, ChannelWriter<Step> writer, CancellationToken cancellationToken)
    {
        try
        {
            var collection = collectionOf(ns);
            var after = from;
            while (!cancellationToken.IsCancellationRequested)
            {
                var batch = await Poll(collection, after, filter, cancellationToken);
                await writer.WriteAsync(new Step(ns, batch), cancellationToken);
                if (batch.Gone) return;
                after = batch.Version;
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            await Report(writer, new Step(ns, null, e), cancellationToken);
        }
    }

    /// <summary>An all-namespaces watch also follows namespaces created after it started (their collections start at version 0).</summary>
    private async Task FollowNewNamespaces(HashSet<string> known, ObjectFilter filter, ChannelWriter<Step> writer, CancellationToken cancellationToken)
    {
        var pumps = new List<Task>();
        var namespaceCollection = namespaces!;
        try
        {
            var after = (await retry.Read(() => namespaceCollection.List(ListOptions.All), cancellationToken).WaitAsync(cancellationToken)).Version;
            while (!cancellationToken.IsCancellationRequested)
            {
                var batch = await Poll(namespaceCollection, after, ObjectFilter.Everything, cancellationToken);
                after = batch.Gone ? (await retry.Read(() => namespaceCollection.List(ListOptions.All), cancellationToken).WaitAsync(cancellationToken)).Version : batch.Version;
                foreach (var added in batch.Events.Where(e => e.Type == WatchEventType.Added))
                    if (known.Add(added.Object.Metadata.Name!))
                        pumps.Add(Pump(added.Object.Metadata.Name!, 0, filter, writer, cancellationToken));
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            await Report(writer, new Step("", null, e), cancellationToken);
        }
        await Task.WhenAll(pumps);
    }

    /// <summary>
    /// One long poll of a collection, bounded by the answer margin past its wait and asked again while its
    /// silo is being replaced. The grain call itself cannot be cancelled: the loop stops waiting for it instead.
    /// </summary>
    private Task<WatchBatch> Poll(ICollectionGrain collection, long after, ObjectFilter filter, CancellationToken cancellationToken) =>
        retry.Read(() => collection.Watch(after, filter, poll).WaitAsync(_answerLimit, cancellationToken), cancellationToken);

    private static async Task Report(ChannelWriter<Step> writer, Step failure, CancellationToken cancellationToken)
    {
        try
        {
            await writer.WriteAsync(failure, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // The watch already ended: nobody is left to tell.
        }
    }

    private static string TypeName(WatchEventType type) => type switch
    {
        WatchEventType.Added => ApiWatchEvent.Added,
        WatchEventType.Modified => ApiWatchEvent.Modified,
        _ => ApiWatchEvent.Deleted,
    };
}
