using OrleansOrchestrator.Contracts.Model;

namespace OrleansOrchestrator.Contracts.Events;

/// <summary>
/// Where components outside the silo (node agents) report Kubernetes Events about an object; the silo
/// stores them aggregated, as its own controllers' events are. Key: anything (a stateless worker).
/// </summary>
[Alias("oo.IEventRecorderGrain")]
public interface IEventRecorderGrain : IGrainWithIntegerKey
{
    /// <param name="tenant">The tenant the object belongs to (events live beside it).</param>
    /// <param name="type"><c>Normal</c> or <c>Warning</c>.</param>
    [Alias("Record"), Orleans.Concurrency.OneWay]
    Task Record(string tenant, KubeObject about, string type, string reason, string message, string component, string? host);
}
