namespace OrleansOrchestrator.Contracts.Model;

/// <summary>Configuration as key/value pairs, which pods use as environment variables, command arguments or files in a volume.</summary>
[GenerateSerializer, Immutable, Alias("oo.ConfigMap")]
public sealed record ConfigMap : KubeObject
{
    /// <summary>Text values by key (keys: letters, digits, <c>-</c>, <c>_</c> and <c>.</c>).</summary>
    [Id(0)] public IReadOnlyDictionary<string, string>? Data { get; init; }
    /// <summary>Binary values by key, base64-encoded; keys must not repeat those of <c>data</c>.</summary>
    [Id(1)] public IReadOnlyDictionary<string, byte[]>? BinaryData { get; init; }
    /// <summary>When true, the data can no longer be changed (only the object deleted).</summary>
    [Id(2)] public bool? Immutable { get; init; }
}
