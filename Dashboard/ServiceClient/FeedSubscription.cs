using System.Runtime.CompilerServices;
using System.Threading.Channels;
using OrleansOrchestrator.Contracts.Model;

namespace OrleansOrchestrator.Dashboard.ServiceClient;

/// <summary>
/// What one browser circuit holds of the shared feed: the objects at the moment it subscribed, then every
/// change after that, read in batches so that a burst of changes costs one render.
/// </summary>
public sealed class FeedSubscription(IReadOnlyList<KubeObject> snapshot, ChannelReader<ResourceChange> changes, Action? unsubscribe = null) : IDisposable
{
    /// <summary>How long a batch waits for more changes after its first, bounding renders to ten a second.</summary>
    public static readonly TimeSpan BatchWindow = TimeSpan.FromMilliseconds(100);

    public IReadOnlyList<KubeObject> Snapshot { get; } = snapshot;

    public async IAsyncEnumerable<IReadOnlyList<ResourceChange>> Batches([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        while (await changes.WaitToReadAsync(cancellationToken))
        {
            await Task.Delay(BatchWindow, cancellationToken);
            var batch = new List<ResourceChange>();
            while (changes.TryRead(out var change)) batch.Add(change);
            if (batch.Count > 0) yield return batch;
        }
    }

    public void Dispose() => unsubscribe?.Invoke();
}
