using System.Threading.Channels;
using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Dashboard.ServiceClient;

namespace OrleansOrchestrator.Dashboard.Tests.Fakes;

/// <summary>
/// The feed as a page sees it, without a cluster behind it: per kind a snapshot the test sets before rendering
/// and a channel of changes the test writes to while the page is shown.
/// </summary>
public sealed class FakeClusterFeed : IClusterFeed
{
    private readonly Lock _gate = new();
    private readonly Dictionary<ResourceKind, List<KubeObject>> _snapshots = [];
    private readonly Dictionary<ResourceKind, Channel<ResourceChange>> _changes = [];
    private readonly HashSet<ResourceKind> _forbidden = [];
    private readonly List<(DashboardUser User, ResourceKind Kind)> _subscriptions = [];
    private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private bool _held;

    public IReadOnlyList<(DashboardUser User, ResourceKind Kind)> Subscriptions
    {
        get { lock (_gate) return _subscriptions.ToList(); }
    }

    public FakeClusterFeed With(ResourceKind kind, params KubeObject[] snapshot)
    {
        lock (_gate) _snapshots[kind] = [.. snapshot];
        return this;
    }

    /// <summary>Subscribing to the kind is refused with 403, as for a user who may not list it.</summary>
    public FakeClusterFeed Forbid(ResourceKind kind)
    {
        lock (_gate) _forbidden.Add(kind);
        return this;
    }

    /// <summary>Subscriptions wait until <see cref="Release"/>: the page shows before the feed's first snapshot, as in a browser.</summary>
    public FakeClusterFeed Hold()
    {
        _held = true;
        return this;
    }

    public void Release() => _released.TrySetResult();

    public void Upsert(KubeObject obj) => Changes(ResourceKinds.Of(obj)).TryWrite(new ResourceChange(ChangeType.Upsert, obj));

    public void Delete(KubeObject obj) => Changes(ResourceKinds.Of(obj)).TryWrite(new ResourceChange(ChangeType.Delete, obj));

    /// <summary>For kinds the registry does not list yet (<see cref="ResourceKinds.Of"/> does not know them).</summary>
    public void Upsert(ResourceKind kind, KubeObject obj) => Changes(kind).TryWrite(new ResourceChange(ChangeType.Upsert, obj));

    public void Delete(ResourceKind kind, KubeObject obj) => Changes(kind).TryWrite(new ResourceChange(ChangeType.Delete, obj));

    /// <summary>The kind's change channel (one reader: the page that follows the kind).</summary>
    public ChannelWriter<ResourceChange> Changes(ResourceKind kind) => Channel(kind).Writer;

    public async Task<FeedSubscription> Subscribe(DashboardUser user, ResourceKind kind, CancellationToken cancellationToken)
    {
        if (_held) await _released.Task.WaitAsync(cancellationToken);
        lock (_gate)
        {
            if (_forbidden.Contains(kind)) throw new ActionFailedException(403, $"{kind.Plural} is forbidden: User \"{user.Name}\" cannot list them");
            _subscriptions.Add((user, kind));
            return new FeedSubscription(_snapshots.GetValueOrDefault(kind)?.ToList() ?? [], Channel(kind).Reader);
        }
    }

    private Channel<ResourceChange> Channel(ResourceKind kind)
    {
        lock (_gate)
        {
            if (!_changes.TryGetValue(kind, out var channel)) _changes[kind] = channel = System.Threading.Channels.Channel.CreateUnbounded<ResourceChange>();
            return channel;
        }
    }
}
