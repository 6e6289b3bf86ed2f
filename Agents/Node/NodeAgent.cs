using OrleansOrchestrator.Agents.Pods;
using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Contracts.Nodes;

namespace OrleansOrchestrator.Agents.Node;

/// <summary>
/// One node's agent: registers the Node, heartbeats, receives the pods bound to it by push (an Orleans
/// observer) and by a periodic full resync, and hands them to its pod supervisor.
/// </summary>
public sealed partial class NodeAgent(
    IGrainFactory grains,
    Contracts.Model.Node registration,
    AgentEndpoint endpoint,
    PodSupervisor supervisor,
    ILogger logger) : INodeAgentObserver
{
    public static readonly TimeSpan HeartbeatInterval = TimeSpan.FromSeconds(10);

    /// <summary>
    /// The wait after a failed contact: while the control plane fails over (its silo killed, another taking the node's
    /// grain) a heartbeat and resync through another gateway go through within seconds, not one whole interval later.
    /// </summary>
    public static readonly TimeSpan RetryAfterFailure = TimeSpan.FromSeconds(1);

    /// <summary>Full resync and subscription renewal; well within the node grain's one-minute subscription expiry.</summary>
    public static readonly TimeSpan ResyncInterval = TimeSpan.FromSeconds(20);

    public string Name { get; } = registration.Metadata.Name!;

    public PodSupervisor Supervisor => supervisor;

    public void PodChanged(string podKey, Pod? pod) => supervisor.Apply(podKey, pod);

    public async Task Run(CancellationToken cancellationToken)
    {
        var node = grains.GetGrain<INodeGrain>(Name);
        var self = grains.CreateObjectReference<INodeAgentObserver>(this);
        await Retry(() => node.Register(registration, endpoint), cancellationToken);
        var pods = supervisor.Run(cancellationToken);

        var nextResync = DateTimeOffset.MinValue;
        while (!cancellationToken.IsCancellationRequested)
        {
            var wait = HeartbeatInterval;
            try
            {
                if (DateTimeOffset.UtcNow >= nextResync)
                {
                    // Subscribe before listing, so that no change falls between the two.
                    await node.Subscribe(self);
                    supervisor.Resync(await node.BoundPods());
                    nextResync = DateTimeOffset.UtcNow + ResyncInterval;
                }
                await node.Heartbeat();
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogContactFailed(logger, e, Name);
                nextResync = DateTimeOffset.MinValue;
                wait = RetryAfterFailure;
            }
            await Task.Delay(wait, cancellationToken).ContinueWith(_ => { }, TaskScheduler.Default);
        }
        try { await node.Unsubscribe(self); }
        catch (Exception e) { LogContactFailed(logger, e, Name); }
        await pods;
    }

    private async Task Retry(Func<Task> action, CancellationToken cancellationToken)
    {
        for (var delay = TimeSpan.FromMilliseconds(200); ; delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(5).Ticks)))
        {
            try
            {
                await action();
                return;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogContactFailed(logger, e, Name);
                await Task.Delay(delay, cancellationToken);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Node {Node}: contact with the control plane failed; retrying")]
    private static partial void LogContactFailed(ILogger logger, Exception exception, string node);
}
