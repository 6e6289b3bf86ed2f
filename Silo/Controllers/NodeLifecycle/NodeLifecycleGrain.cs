using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Contracts.Nodes;
using OrleansOrchestrator.Contracts.Store;

namespace OrleansOrchestrator.Silo.Controllers.NodeLifecycle;

[Alias("oo.INodeLifecycle")]
public interface INodeLifecycle : IGrainWithStringKey
{
    /// <summary>Makes sure the loop runs (it keeps itself alive with its timer).</summary>
    Task Start();
}

/// <summary>
/// Watches node heartbeats: a node silent for the grace period is marked unreachable (Ready=Unknown and the
/// <c>node.kubernetes.io/unreachable</c> taint, so nothing new lands there); after the eviction timeout its
/// pods are deleted so that their controllers replace them elsewhere. A node that comes back clears both
/// itself (on its next heartbeat), and its agent then removes the deleted pods' containers.
/// </summary>
public sealed partial class NodeLifecycleGrain(ControllerOptions options, TimeProvider clock, ILogger<NodeLifecycleGrain> logger) : Grain, INodeLifecycle
{
    /// <summary>When this loop first saw each node: a node with no heartbeat since a silo restart gets the grace period from then.</summary>
    private readonly Dictionary<string, DateTimeOffset> _firstSeen = new(StringComparer.Ordinal);

    /// <summary>The one sweep timer of this activation: <see cref="ControllerSweep"/> calls <see cref="Start"/> every half minute.</summary>
    private IGrainTimer? _sweepTimer;

    public Task Start()
    {
        // Start is how the loop comes back after a deactivation or a silo restart, so it is called again and
        // again on a live activation too: a timer per call would multiply the sweeps for as long as the silo runs.
        if (_sweepTimer is null)
        {
            _sweepTimer = this.RegisterGrainTimer(_ => Sweep(), new GrainTimerCreationOptions { DueTime = options.ClusterSweep, Period = options.ClusterSweep, Interleave = false });
            NodeLifecycleMetrics.TimerStarted();
        }
        DelayDeactivation(TimeSpan.FromDays(3650));
        return Task.CompletedTask;
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        if (_sweepTimer is not null)
        {
            _sweepTimer.Dispose();
            _sweepTimer = null;
            NodeLifecycleMetrics.TimerStopped();
        }
        return Task.CompletedTask;
    }

    private async Task Sweep()
    {
        NodeLifecycleMetrics.Swept();
        var now = clock.GetUtcNow();
        var nodes = new StoreClient(GrainFactory, StoreKeys.SystemTenant, SystemActors.NodeLifecycle);
        foreach (var node in await nodes.List<Node>(""))
        {
            var name = node.Metadata.Name!;
            var grain = GrainFactory.GetGrain<INodeGrain>(name);
            var lastHeard = await grain.LastHeartbeat() ?? (_firstSeen.TryGetValue(name, out var seen) ? seen : _firstSeen[name] = now);
            var silence = now - lastHeard;
            if (silence <= options.NodeMonitorGracePeriod) continue;

            await grain.MarkUnreachable();
            if (silence <= options.NodeMonitorGracePeriod + options.PodEvictionTimeout) continue;
            foreach (var bound in await grain.BoundPods())
            {
                if (bound.Pod.Metadata.DeletionTimestamp is not null || ToleratesUnreachableForEver(bound.Pod)) continue;
                var tenant = StoreKeys.ParseObject(bound.Key).Tenant;
                if (await new StoreClient(GrainFactory, tenant, SystemActors.NodeLifecycle).Delete(bound.Pod))
                    LogEvicted(logger, bound.Key, name);
            }
        }
    }

    private static readonly Taint Unreachable = new() { Key = Silo.Nodes.NodeConditions.UnreachableTaint, Effect = Scheduling.Tolerations.NoExecute };

    /// <summary>
    /// A pod that tolerates the unreachable taint without <c>tolerationSeconds</c> stays, as Kubernetes' taint-based
    /// eviction leaves it: DaemonSet pods get that toleration so that a node's trouble never evicts them.
    /// </summary>
    private static bool ToleratesUnreachableForEver(Pod pod) =>
        pod.Spec.Tolerations?.Any(t => t.TolerationSeconds is null && Scheduling.Tolerations.Tolerates(t, Unreachable)) == true;

    [LoggerMessage(Level = LogLevel.Information, Message = "Evicted pod {Pod} from unreachable node {Node}")]
    private static partial void LogEvicted(ILogger logger, string pod, string node);
}
