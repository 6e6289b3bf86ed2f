using System.Collections.Concurrent;
using System.Security.Cryptography;
using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Contracts.Store;
using OrleansOrchestrator.Silo.Api.Wire;

namespace OrleansOrchestrator.Silo.Api.Auth.ServiceAccounts;

/// <summary>How long tokens live: what a TokenRequest may ask, and what a pod's projected token gets.</summary>
/// <param name="PodTokenLifetime">A pod's projected token (<c>--service-account-token-seconds</c>; Kubernetes' kubelet asks for an hour).</param>
public sealed record ServiceAccountTokenOptions(TimeSpan PodTokenLifetime)
{
    /// <summary>A TokenRequest without <c>expirationSeconds</c> gets an hour, as in Kubernetes.</summary>
    public static readonly TimeSpan DefaultLifetime = TimeSpan.FromHours(1);

    /// <summary>Kubernetes' bounds on a TokenRequest's <c>expirationSeconds</c>: ten minutes to 2^32 seconds; we stop at a year.</summary>
    public static readonly TimeSpan MinimumRequested = TimeSpan.FromMinutes(10);
    public static readonly TimeSpan MaximumRequested = TimeSpan.FromDays(365);
}

/// <summary>
/// Issues, reviews and authenticates bound service account tokens. A token is accepted only while what it names still
/// exists as it was: the service account with the same uid and, for a pod's token, the pod with the same uid — so
/// deleting either revokes its tokens. Valid answers are remembered for a few seconds so that a pod polling the API
/// costs one signature check and two store reads per <see cref="RecheckAfter"/>, not per request.
/// </summary>
public sealed class ServiceAccountTokens(ServiceAccountJwt jwt, IGrainFactory grains, TimeProvider clock, ServiceAccountTokenOptions options)
{
    /// <summary>How long a verified token is taken without looking at its objects again: a deletion revokes within this.</summary>
    public static readonly TimeSpan RecheckAfter = TimeSpan.FromSeconds(5);

    /// <summary>Remembered tokens at most; past this the memory is dropped whole (a flood of distinct tokens cannot grow it).</summary>
    private const int MaxRemembered = 10_000;

    private readonly ConcurrentDictionary<string, (Caller Caller, DateTimeOffset Until)> _recent = new(StringComparer.Ordinal);

    public ServiceAccountJwt Jwt => jwt;

    public ServiceAccountTokenOptions Options => options;

    /// <summary>The audience tokens get when none is asked for, and the one the API accepts.</summary>
    public IReadOnlyList<string> ApiAudiences { get; } = [jwt.Issuer];

    /// <summary>The caller a bearer token authenticates as, or null (the API answers 401).</summary>
    public async ValueTask<Caller?> Authenticate(string token)
    {
        if (token.Length > ServiceAccountJwt.MaxTokenLength) return null;
        var now = clock.GetUtcNow();
        var key = Convert.ToBase64String(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(token)));
        if (_recent.TryGetValue(key, out var known) && known.Until > now) return known.Caller;
        var (verified, _) = await Review(token, ApiAudiences, tenant: null);
        if (verified is null)
        {
            _recent.TryRemove(key, out _);
            return null;
        }
        if (_recent.Count >= MaxRemembered) _recent.Clear();
        var until = now + RecheckAfter < verified.Expires ? now + RecheckAfter : verified.Expires;
        _recent[key] = (verified.Caller, until);
        return verified.Caller;
    }

    /// <summary>
    /// A token's claims when it is valid for one of <paramref name="audiences"/> and what it names still exists; the
    /// reason otherwise. With <paramref name="tenant"/>, a token of another tenant is refused as unknown.
    /// </summary>
    public async Task<(BoundToken? Token, string? Problem)> Review(string token, IReadOnlyCollection<string> audiences, string? tenant)
    {
        var (verified, problem) = jwt.Verify(token, clock.GetUtcNow(), audiences);
        if (verified is null) return (null, problem);
        if (tenant is not null && verified.Tenant != tenant) return (null, "invalid bearer token");
        var account = await Get(verified.Tenant, ResourceKinds.ServiceAccount, verified.Namespace, verified.ServiceAccount);
        if (account is null || account.Metadata.Uid != verified.ServiceAccountUid || account.Metadata.DeletionTimestamp is not null)
            return (null, $"service account {verified.Namespace}/{verified.ServiceAccount} has been deleted");
        if (verified.Pod is { } pod)
        {
            var stored = await Get(verified.Tenant, ResourceKinds.Pod, verified.Namespace, pod.Name);
            if (stored is null || stored.Metadata.Uid != pod.Uid)
                return (null, $"pod {verified.Namespace}/{pod.Name} has been deleted");
        }
        return (verified, null);
    }

    /// <summary>
    /// A new token for the service account (a TokenRequest): 404 when the account (or the pod it is to be bound to) does
    /// not exist, or exists with another uid than the request names.
    /// </summary>
    public async Task<BoundToken> Request(string tenant, string ns, string name, IReadOnlyList<string>? audiences, TimeSpan lifetime, BoundPod? podRef, string? podUidWanted = null)
    {
        var account = await Get(tenant, ResourceKinds.ServiceAccount, ns, name)
                      ?? throw ApiException.NotFound(ResourceKinds.ServiceAccount.Plural, "", name);
        BoundPod? pod = null;
        if (podRef is not null)
        {
            var stored = await Get(tenant, ResourceKinds.Pod, ns, podRef.Name) as Pod
                         ?? throw ApiException.NotFound(ResourceKinds.Pod.Plural, "", podRef.Name);
            if (podRef.Uid.Length > 0 && podRef.Uid != stored.Metadata.Uid)
                throw new ApiException(409, "Conflict", $"the UID in the bound object reference ({podRef.Uid}) does not match the UID in record. The object might have been deleted and then recreated");
            var podAccount = stored.Spec.ServiceAccountName is { Length: > 0 } named ? named : "default";
            if (podAccount != name)
                throw ApiException.BadRequest($"cannot bind a token of service account {Admission.Validation.Quote(name)} to pod {Admission.Validation.Quote(podRef.Name)}, which runs as {Admission.Validation.Quote(podAccount)}");
            pod = new BoundPod(podRef.Name, stored.Metadata.Uid!);
        }
        var now = clock.GetUtcNow();
        // Whole seconds: what the JWT carries is what the answer says.
        var issued = DateTimeOffset.FromUnixTimeSeconds(now.ToUnixTimeSeconds());
        return new BoundToken(tenant, ns, name, account.Metadata.Uid!, pod,
            audiences is { Count: > 0 } ? audiences : ApiAudiences, issued, issued + lifetime, Guid.NewGuid().ToString());
    }

    /// <summary>A pod's projected token, as the node's agent asks for it: bound to the pod, for the API, <see cref="ServiceAccountTokenOptions.PodTokenLifetime"/> long.</summary>
    public async Task<BoundToken> ForPod(string tenant, Pod pod)
    {
        var ns = pod.Metadata.Namespace ?? "";
        var account = pod.Spec.ServiceAccountName is { Length: > 0 } named ? named : "default";
        return await Request(tenant, ns, account, null, options.PodTokenLifetime, new BoundPod(pod.Metadata.Name!, pod.Metadata.Uid!));
    }

    private async Task<KubeObject?> Get(string tenant, ResourceKind kind, string ns, string name) =>
        await grains.GetGrain<IObjectGrain>(StoreKeys.Object(tenant, kind, ns, name)).Get();
}
