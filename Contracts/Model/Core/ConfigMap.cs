namespace OrleansOrchestrator.Contracts.Model;

[GenerateSerializer, Immutable, Alias("oo.ConfigMap")]
public sealed record ConfigMap : KubeObject
{
    [Id(0)] public IReadOnlyDictionary<string, string>? Data { get; init; }
    [Id(1)] public IReadOnlyDictionary<string, byte[]>? BinaryData { get; init; }
    [Id(2)] public bool? Immutable { get; init; }
}
