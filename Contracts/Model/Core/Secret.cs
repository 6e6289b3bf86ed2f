namespace OrleansOrchestrator.Contracts.Model;

[GenerateSerializer, Immutable, Alias("oo.Secret")]
public sealed record Secret : KubeObject
{
    /// <summary>Values as bytes; base64 on the wire.</summary>
    [Id(0)] public IReadOnlyDictionary<string, byte[]>? Data { get; init; }
    /// <summary>Write-only convenience: merged into <see cref="Data"/> on write and never stored.</summary>
    [Id(1)] public IReadOnlyDictionary<string, string>? StringData { get; init; }
    [Id(2)] public string? Type { get; init; }
    [Id(3)] public bool? Immutable { get; init; }
}
