namespace OrleansOrchestrator.Silo.Api.Health;

/// <summary>
/// <c>--shutdown-delay-duration</c>, as kube-apiserver's: on SIGTERM the host signals that it is stopping at once — the
/// readyz <c>shutdown</c> check fails and watches end — but this holds the stop of every service (Kestrel, Orleans) for
/// the delay, during which the API and the dashboard still answer. A load balancer whose probe sees readyz fail takes the
/// silo out before it stops accepting connections, instead of finding the port closed.
/// </summary>
public sealed class ShutdownDelay(TimeSpan delay) : IHostedLifecycleService
{
    /// <summary>Bounds <c>--shutdown-delay-duration</c>: a load balancer's probe period times its failure threshold is seconds, not minutes.</summary>
    public static readonly TimeSpan Max = TimeSpan.FromMinutes(5);

    /// <summary>The host calls every service's StoppingAsync after the stopping signal and before any StopAsync.</summary>
    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        if (delay <= TimeSpan.Zero) return;
        try
        {
            await Task.Delay(delay, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // The host's shutdown timeout ran out (or a second signal): stop now.
        }
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
