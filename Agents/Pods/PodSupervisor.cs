using OrleansOrchestrator.Agents.Networking;
using OrleansOrchestrator.Agents.Node;
using OrleansOrchestrator.Agents.Runtime;
using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Contracts.Nodes;

namespace OrleansOrchestrator.Agents.Pods;

/// <summary>
/// Runs the pods of one node: keeps the desired set from pushes and full resyncs (newest state wins), and
/// once a second lists what the engine runs and gives every idle pod worker a pass over that snapshot.
/// Containers of pods that are not desired here are removed — but only after the first full resync, so a
/// restarted agent adopts what it already runs instead of tearing it down. Containers are created with the
/// Service routes and network facts of <paramref name="routes"/>, and wait until it has a complete view.
/// </summary>
/// <param name="hostPorts">Told the published ports of every listing and every sandbox started (for the proxy's guard); null: nobody listens.</param>
/// <param name="nodeDns">The node's own resolver configuration, for pods with <c>dnsPolicy: Default</c> (and the search path of ClusterFirst ones).</param>
public sealed partial class PodSupervisor(
    IContainerRuntime runtime,
    IClusterAccess cluster,
    PodVolumes volumes,
    IServiceRoutes routes,
    ResolverConfig nodeDns,
    string hostIp,
    TimeProvider clock,
    ILogger logger,
    PublishedHostPorts? hostPorts = null)
{
    private static readonly TimeSpan Tick = TimeSpan.FromSeconds(1);

    private readonly Dictionary<string, PodWorker> _workers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Task> _running = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Pod> _waitingForName = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();
    private readonly SemaphoreSlim _nudge = new(0);
    private bool _resynced;

    /// <summary>How many pods this node currently runs (for logs and tests).</summary>
    public int PodCount { get { lock (_lock) return _workers.Count; } }

    /// <summary>A pushed change: the pod's newest state, or null when it is gone from this node.</summary>
    public void Apply(string key, Pod? pod)
    {
        lock (_lock)
        {
            if (pod is null)
            {
                if (_workers.TryGetValue(key, out var gone)) gone.Remove();
                _waitingForName.Remove(key);
            }
            else Upsert(key, pod);
        }
        _nudge.Release();
    }

    /// <summary>A full resync: exactly these pods are bound here now.</summary>
    public void Resync(IReadOnlyList<BoundPod> pods)
    {
        lock (_lock)
        {
            var keys = pods.Select(p => p.Key).ToHashSet(StringComparer.Ordinal);
            foreach (var (key, worker) in _workers)
                if (!keys.Contains(key)) worker.Remove();
            foreach (var bound in pods) Upsert(bound.Key, bound.Pod);
            _resynced = true;
        }
        _nudge.Release();
    }

    private void Upsert(string key, Pod pod)
    {
        if (_workers.TryGetValue(key, out var worker) && worker.Ref.Uid == pod.Metadata.Uid) worker.Update(pod);
        else if (worker is null || worker.Finished) _workers[key] = new PodWorker(key, pod, runtime, cluster, volumes, routes, nodeDns, hostIp, clock, logger, hostPorts);
        else
        {
            // A new pod reusing the name of one still being torn down: it starts once the old one is gone.
            worker.Remove();
            _waitingForName[key] = pod;
        }
    }

    public async Task Run(CancellationToken cancellationToken)
    {
        // Pods waiting for the Service directory start as soon as its view is complete, not at the next tick.
        var wasReady = RoutesReady();
        void OnRoutesChanged()
        {
            var ready = RoutesReady();
            if (ready && !wasReady) _nudge.Release();
            wasReady = ready;
        }
        routes.Changed += OnRoutesChanged;
        try
        {
            await RunPasses(cancellationToken);
        }
        finally
        {
            routes.Changed -= OnRoutesChanged;
        }
    }

    private bool RoutesReady() => routes.Network is not null && routes.Complete;

    private async Task RunPasses(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await Pass(cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                LogPassFailed(logger, e);
            }
            await _nudge.WaitAsync(Tick, cancellationToken).ContinueWith(_ => { }, TaskScheduler.Default);
        }
        Task[] inFlight;
        lock (_lock) inFlight = _running.Values.ToArray();
        await Task.WhenAll(inFlight).ContinueWith(_ => { }, TaskScheduler.Default);
    }

    private async Task Pass(CancellationToken cancellationToken)
    {
        var takenAt = clock.GetUtcNow();
        var snapshot = new NodeSnapshot(takenAt, await runtime.ListContainers(cancellationToken), await runtime.ListSandboxes(cancellationToken));
        hostPorts?.Observe(snapshot.Sandboxes, takenAt);
        lock (_lock)
        {
            foreach (var (key, task) in _running.ToList())
                if (task.IsCompleted) _running.Remove(key);
            foreach (var (key, worker) in _workers.ToList())
            {
                if (worker.Finished)
                {
                    _workers.Remove(key);
                    if (_waitingForName.Remove(key, out var next)) _workers[key] = new PodWorker(key, next, runtime, cluster, volumes, routes, nodeDns, hostIp, clock, logger, hostPorts);
                    continue;
                }
                // A worker that is mid-step, or acted after this snapshot was taken, waits for the next one.
                if (_running.ContainsKey(key) || worker.LastActed >= takenAt) continue;
                _running[key] = Task.Run(() => worker.Reconcile(snapshot, cancellationToken), cancellationToken);
            }
            if (!_resynced) return;
        }
        await RemoveOrphans(snapshot, cancellationToken);
    }

    /// <summary>Containers and sandboxes of pods that no worker owns (deleted while the agent was away).</summary>
    private async Task RemoveOrphans(NodeSnapshot snapshot, CancellationToken cancellationToken)
    {
        HashSet<string> owned;
        lock (_lock) owned = _workers.Values.Select(w => w.Ref.Uid).ToHashSet(StringComparer.Ordinal);
        foreach (var orphan in snapshot.Containers.Where(c => !owned.Contains(c.Pod.Uid)))
        {
            LogOrphan(logger, orphan.Name, orphan.Pod.ToString());
            if (orphan.State == ContainerRunState.Running) await runtime.StopContainer(orphan.Id, TimeSpan.FromSeconds(2), cancellationToken);
            await runtime.RemoveContainer(orphan.Id, cancellationToken);
        }
        foreach (var sandbox in snapshot.Sandboxes.Where(s => !owned.Contains(s.Pod.Uid)))
        {
            await runtime.RemoveSandbox(sandbox.Pod, cancellationToken);
            volumes.Remove(sandbox.Pod.Uid);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A pass over the node's pods failed")]
    private static partial void LogPassFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Removing container {Container} of pod {Pod}, which is no longer bound here")]
    private static partial void LogOrphan(ILogger logger, string container, string pod);
}
