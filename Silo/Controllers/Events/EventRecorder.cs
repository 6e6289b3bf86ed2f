using System.Globalization;
using System.Text;
using OrleansOrchestrator.Contracts.Model;

namespace OrleansOrchestrator.Silo.Controllers.Events;

/// <summary>
/// Records Kubernetes Events about an object, in the object's namespace, aggregated as Kubernetes does:
/// the same reason and message about the same object from the same component becomes one Event whose
/// <c>count</c> and <c>lastTimestamp</c> move.
/// </summary>
public sealed class EventRecorder(StoreClient store, string component, TimeProvider clock, string? host = null)
{
    public Task Normal(KubeObject about, string reason, string message) => Record(about, "Normal", reason, message);

    public Task Warning(KubeObject about, string reason, string message) => Record(about, "Warning", reason, message);

    public async Task Record(KubeObject about, string type, string reason, string message)
    {
        var ns = about.Metadata.Namespace is { Length: > 0 } n ? n : "default";
        var name = $"{about.Metadata.Name}.{AggregationKey(about, reason, message)}";
        var now = clock.GetUtcNow();
        for (var attempt = 0; attempt < 3; attempt++)
        {
            if (await store.Get<Event>(ns, name) is { } existing)
            {
                var updated = existing with { Count = (existing.Count ?? 1) + 1, LastTimestamp = now };
                if (await store.Update(updated) is not null) return;
                continue; // someone else counted at the same time: read again
            }
            var kind = ResourceKinds.Of(about);
            var created = await store.Create(new Event
            {
                Metadata = new ObjectMeta { Name = name, Namespace = ns },
                InvolvedObject = new ObjectReference
                {
                    Kind = kind.Kind,
                    Namespace = about.Metadata.Namespace,
                    Name = about.Metadata.Name,
                    Uid = about.Metadata.Uid,
                    ApiVersion = kind.ApiVersion,
                    ResourceVersion = about.Metadata.ResourceVersion,
                },
                Type = type,
                Reason = reason,
                Message = message,
                Source = new EventSource { Component = component, Host = host },
                ReportingComponent = component,
                ReportingInstance = host ?? component,
                FirstTimestamp = now,
                LastTimestamp = now,
                Count = 1,
            });
            if (created is not null) return;
        }
    }

    /// <summary>Same object, same component's reason and message → same Event name (FNV-1a, hex).</summary>
    private string AggregationKey(KubeObject about, string reason, string message)
    {
        var hash = 2166136261u;
        foreach (var b in Encoding.UTF8.GetBytes($"{about.Metadata.Uid}\n{component}\n{reason}\n{message}"))
            hash = (hash ^ b) * 16777619u;
        return hash.ToString("x8", CultureInfo.InvariantCulture);
    }
}
