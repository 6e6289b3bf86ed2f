using OrleansOrchestrator.Contracts.Model;

namespace OrleansOrchestrator.Dashboard.Model;

/// <summary>An Event as the events lists show it (the columns of <c>kubectl get events</c>).</summary>
public sealed record EventRow(string Namespace, string Name, DateTimeOffset? Last, string Type, string Reason, string Object, string Message, int Count)
{
    public static EventRow From(Event e) => new(
        e.Metadata.Namespace ?? "", e.Metadata.Name ?? "",
        e.LastTimestamp ?? e.EventTime ?? e.FirstTimestamp ?? e.Metadata.CreationTimestamp,
        e.Type ?? "Normal", e.Reason ?? "", $"{e.InvolvedObject.Kind?.ToLowerInvariant()}/{e.InvolvedObject.Name}", e.Message ?? "", e.Count ?? 1);

    public static IReadOnlyList<EventRow> Newest(IEnumerable<Event> events, int count) =>
        events.Select(From).OrderByDescending(e => e.Last).Take(count).ToList();

    /// <summary>The events about one object, newest first (what <c>kubectl describe</c> shows at its end).</summary>
    public static IReadOnlyList<EventRow> About(IEnumerable<Event> events, string kind, string? ns, string name) =>
        events.Where(e => e.InvolvedObject.Kind == kind && e.InvolvedObject.Name == name && e.Metadata.Namespace == ns)
            .Select(From).OrderByDescending(e => e.Last).ToList();
}
