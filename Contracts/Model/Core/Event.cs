using System.Text.Json.Serialization;
using OrleansOrchestrator.Contracts.Serialization;

namespace OrleansOrchestrator.Contracts.Model;

/// <summary>A core/v1 Event: something that happened to an object, aggregated by count when repeated.</summary>
[GenerateSerializer, Immutable, Alias("oo.Event")]
public sealed record Event : KubeObject
{
    [Id(0)] public ObjectReference InvolvedObject { get; init; } = new();
    [Id(1)] public string? Reason { get; init; }
    [Id(2)] public string? Message { get; init; }
    [Id(3)] public EventSource? Source { get; init; }
    [Id(4)] public DateTimeOffset? FirstTimestamp { get; init; }
    [Id(5)] public DateTimeOffset? LastTimestamp { get; init; }
    [Id(6)] public int? Count { get; init; }
    [Id(7)] public string? Type { get; init; }
    [Id(8), JsonConverter(typeof(KubeMicroTimeConverter))] public DateTimeOffset? EventTime { get; init; }
    [Id(9)] public string? Action { get; init; }
    [Id(10)] public ObjectReference? Related { get; init; }
    [Id(11)] public string? ReportingComponent { get; init; }
    [Id(12)] public string? ReportingInstance { get; init; }
}

[GenerateSerializer, Immutable, Alias("oo.EventSource")]
public sealed record EventSource
{
    [Id(0)] public string? Component { get; init; }
    [Id(1)] public string? Host { get; init; }
}
