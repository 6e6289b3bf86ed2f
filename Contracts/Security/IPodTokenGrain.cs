namespace OrleansOrchestrator.Contracts.Security;

/// <summary>
/// Where a node's agent asks for the service account token of a pod bound to it, as the kubelet makes a TokenRequest
/// for the pod (never with a user's token). The silo issues it only for a pod that exists with that uid and is bound to
/// the asking node. Key: anything (a stateless worker).
/// </summary>
[Alias("oo.IPodTokenGrain")]
public interface IPodTokenGrain : IGrainWithIntegerKey
{
    /// <param name="podKey">The pod's store key.</param>
    /// <param name="uid">The pod's uid as the agent knows it: a pod re-created under the same name gets no token for the old one.</param>
    /// <param name="node">The asking agent's node.</param>
    [Alias("Issue")]
    Task<PodToken> Issue(string podKey, string uid, string node);
}

/// <summary>
/// The files of <c>/var/run/secrets/kubernetes.io/serviceaccount/</c>: the bound token (null with <see cref="Refusal"/>
/// when none was issued), when it expires, and the API's certificate (<c>ca.crt</c>). <see cref="Automount"/> false: the
/// pod or its service account says <c>automountServiceAccountToken: false</c>, and nothing is to be mounted.
/// </summary>
[GenerateSerializer, Immutable, Alias("oo.PodToken")]
public sealed record PodToken(
    [property: Id(0)] string? Token,
    [property: Id(1)] DateTimeOffset IssuedAt,
    [property: Id(2)] DateTimeOffset ExpiresAt,
    [property: Id(3)] string CaCertificatePem,
    [property: Id(4)] string? Refusal,
    [property: Id(5)] bool Automount = true);
