namespace OrleansOrchestrator.Contracts.Model;

/// <summary>
/// An identity for the processes of pods: pods run as one (<c>spec.serviceAccountName</c>, <c>default</c> unless named),
/// and the token the node's agent puts into their containers authenticates them to the API as
/// <c>system:serviceaccount:NAMESPACE:NAME</c>. Every namespace has a <c>default</c> one.
/// </summary>
[GenerateSerializer, Immutable, Alias("oo.ServiceAccount")]
public sealed record ServiceAccount : KubeObject
{
    /// <summary>Secrets the account may use (kept for compatibility; tokens are requested, not stored in Secrets).</summary>
    [Id(0)] public IReadOnlyList<ObjectReference>? Secrets { get; init; }
    /// <summary>Secrets pods of this account pull images with.</summary>
    [Id(1)] public IReadOnlyList<LocalObjectReference>? ImagePullSecrets { get; init; }
    /// <summary>Whether pods of this account get its token mounted (a pod's own setting wins).</summary>
    [Id(2)] public bool? AutomountServiceAccountToken { get; init; }
}
