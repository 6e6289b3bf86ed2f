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
/// grain call fails: then the last event is an <c>ERROR</c> with a 500 Status, so that a client relists rather than
/// wait on a stream that will never speak again.
/// </summary>
/// <param name="collectionOf">The collection grain of a namespace ("" for a cluster-scoped kind).</param>
/// <param name="namespaces">The namespaces' collection, to follow new namespaces (an all-namespaces watch), or null.</param>
/// <param name="poll">How long one grain call waits for changes before the loop asks again.</param>
public sealed class CollectionWatcher(Func<string, ICollectionGrain> collectionOf, ICollectionGrain? namespaces, TimeSpan poll)
{
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
                    yield return ApiWatchEvent.Failed($"the watch stopped: reading the {(step.Namespace.Length == 0 ? "" : $"namespace \"{step.Namespace}\"'s ")}store failed: {failure.Message}");
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
                // The grain call itself cannot be cancelled and may wait a whole poll: stop waiting for it instead.
                var batch = await collection.Watch(after, filter, poll).WaitAsync(cancellationToken);
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
        try
        {
            var after = (await namespaces!.List(ListOptions.All).WaitAsync(cancellationToken)).Version;
            while (!cancellationToken.IsCancellationRequested)
            {
                var batch = await namespaces.Watch(after, ObjectFilter.Everything, poll).WaitAsync(cancellationToken);
                after = batch.Gone ? (await namespaces.List(ListOptions.All).WaitAsync(cancellationToken)).Version : batch.Version;
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
