using Orleans.Concurrency;
using OrleansOrchestrator.Contracts.Events;
using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Contracts.Store;

namespace OrleansOrchestrator.Silo.Controllers.Events;

/// <summary>Records events reported from outside the silo through the same aggregation as the controllers' own.</summary>
/// <remarks>
/// Reentrant: a record waits on the store (read, then write), and agents report without waiting. One request at
/// a time per worker (two workers on two cores) took events slower than 5,000 simulated nodes made them — 100,000
/// reports queued in the silo's memory at 50,000 pods. Interleaved, they share the store's group commits.
/// </remarks>
[StatelessWorker, Reentrant]
public sealed class EventRecorderGrain(TimeProvider clock) : Grain, IEventRecorderGrain
{
    public Task Record(string tenant, KubeObject about, string type, string reason, string message, string component, string? host) =>
        // Written as whoever reports: a node's agent as its node, a control loop as itself.
        new EventRecorder(new StoreClient(GrainFactory, tenant, host is null ? Actor.Controller(component) : Actor.Node(host)), component, clock, host).Record(about, type, reason, message);
}
