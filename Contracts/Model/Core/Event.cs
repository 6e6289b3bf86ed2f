using System.Text.Json.Serialization;
using OrleansOrchestrator.Contracts.Serialization;

namespace OrleansOrchestrator.Contracts.Model;

/// <summary>A report that something happened to an object, e.g. a pod was scheduled or an image could not be pulled. Repeats are counted in one event. Events expire after a while.</summary>
/// <remarks>A core/v1 Event, aggregated by count when repeated.</remarks>
[GenerateSerializer, Immutable, Alias("oo.Event")]
public sealed record Event : KubeObject
{
    /// <summary>The object the event is about.</summary>
    [Id(0)] public ObjectReference InvolvedObject { get; init; } = new();
    /// <summary>Why it happened, as one CamelCase word, e.g. <c>Scheduled</c> or <c>BackOff</c>.</summary>
    [Id(1)] public string? Reason { get; init; }
    /// <summary>What happened, for people.</summary>
    [Id(2)] public string? Message { get; init; }
    /// <summary>The component that reported it.</summary>
    [Id(3)] public EventSource? Source { get; init; }
    /// <summary>When it first happened.</summary>
    [Id(4)] public DateTimeOffset? FirstTimestamp { get; init; }
    /// <summary>When it most recently happened.</summary>
    [Id(5)] public DateTimeOffset? LastTimestamp { get; init; }
    /// <summary>How many times it happened.</summary>
    [Id(6)] public int? Count { get; init; }
    /// <summary><c>Normal</c> or <c>Warning</c>.</summary>
    [Id(7)] public string? Type { get; init; }
    /// <summary>When it happened, to the microsecond.</summary>
    [Id(8), JsonConverter(typeof(KubeMicroTimeConverter))] public DateTimeOffset? EventTime { get; init; }
    /// <summary>What was done, or failed, e.g. <c>Binding</c>.</summary>
    [Id(9)] public string? Action { get; init; }
    /// <summary>A second object involved, if any.</summary>
    [Id(10)] public ObjectReference? Related { get; init; }
    /// <summary>The controller that reported it, e.g. <c>kubelet</c>.</summary>
    [Id(11)] public string? ReportingComponent { get; init; }
    /// <summary>The instance of that controller, e.g. the node's name.</summary>
    [Id(12)] public string? ReportingInstance { get; init; }
}

/// <summary>The component that reported an event.</summary>
[GenerateSerializer, Immutable, Alias("oo.EventSource")]
public sealed record EventSource
{
    /// <summary>The component, e.g. <c>default-scheduler</c>.</summary>
    [Id(0)] public string? Component { get; init; }
    /// <summary>The node it runs on.</summary>
    [Id(1)] public string? Host { get; init; }
}
