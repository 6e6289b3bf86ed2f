namespace OrleansOrchestrator.Contracts.Model;

/// <summary>Sensitive data such as passwords, tokens or keys, kept apart from pod specs; pods use it as environment variables or files.</summary>
[GenerateSerializer, Immutable, Alias("oo.Secret")]
public sealed record Secret : KubeObject
{
    /// <summary>The secret values by key, each base64-encoded.</summary>
    [Id(0)] public IReadOnlyDictionary<string, byte[]>? Data { get; init; }
    /// <summary>Values as plain text, for convenience when writing: merged into <see cref="Data"/> (winning over its keys) and never stored or returned.</summary>
    [Id(1)] public IReadOnlyDictionary<string, string>? StringData { get; init; }
    /// <summary>What the secret holds, for tools that read it: <c>Opaque</c> (default), <c>kubernetes.io/tls</c>, <c>kubernetes.io/dockerconfigjson</c> and others.</summary>
    [Id(2)] public string? Type { get; init; }
    /// <summary>When true, the data can no longer be changed (only the object deleted).</summary>
    [Id(3)] public bool? Immutable { get; init; }
}
