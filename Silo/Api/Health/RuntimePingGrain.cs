using Orleans.Concurrency;

namespace OrleansOrchestrator.Silo.Api.Health;

/// <summary>
/// The liveness check's grain call: a stateless worker, so it runs on the silo that asks, through its scheduler and
/// messaging, and reads no database — a store or membership outage fails readiness, never liveness (which would have
/// every silo restarted for an outage a restart cannot mend).
/// </summary>
public interface IRuntimePing : IGrainWithIntegerKey
{
    Task Ping();
}

[StatelessWorker]
public sealed class RuntimePingGrain : Grain, IRuntimePing
{
    public Task Ping() => Task.CompletedTask;
}
