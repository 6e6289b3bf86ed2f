using Orleans.Concurrency;
using OrleansOrchestrator.Contracts.Events;
using OrleansOrchestrator.Contracts.Model;

namespace OrleansOrchestrator.Silo.Controllers.Events;

/// <summary>Records events reported from outside the silo through the same aggregation as the controllers' own.</summary>
[StatelessWorker]
public sealed class EventRecorderGrain(TimeProvider clock) : Grain, IEventRecorderGrain
{
    public Task Record(string tenant, KubeObject about, string type, string reason, string message, string component, string? host) =>
        new EventRecorder(new StoreClient(GrainFactory, tenant), component, clock, host).Record(about, type, reason, message);
}
