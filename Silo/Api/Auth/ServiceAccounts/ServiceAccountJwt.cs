using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace OrleansOrchestrator.Silo.Api.Auth.ServiceAccounts;

/// <summary>
/// Signs and verifies service account tokens: compact JWS (RFC 7515) with ES256 (ECDSA P-256, SHA-256), claims as
/// Kubernetes' bound tokens carry them (<c>iss</c>, <c>sub</c>, <c>aud</c>, <c>exp</c>, <c>iat</c>, <c>nbf</c>,
/// <c>jti</c>, and the <c>kubernetes.io</c> object naming namespace, service account and pod), plus the tenant.
/// <para>
/// Written on .NET's own ECDSA rather than a general JWT library on purpose: exactly one algorithm and one key are
/// accepted (no <c>alg</c> confusion, no <c>none</c>, no key taken from the token), and every step of the parse is
/// bounded — a token longer than <see cref="MaxTokenLength"/> is refused before anything is decoded, the JSON parts
/// are read with a small depth limit, and the signature is checked before the claims are read.
/// </para>
/// </summary>
public sealed class ServiceAccountJwt
{
    /// <summary>Tokens longer than this are refused unread (ours are well under 2 KiB).</summary>
    public const int MaxTokenLength = 8 * 1024;

    /// <summary>Kubernetes' default issuer and audience of a cluster's tokens.</summary>
    public const string DefaultIssuer = "https://kubernetes.default.svc.cluster.local";

    /// <summary>The claim naming the tenant the token belongs to: it is signed, so no token crosses tenants.</summary>
    public const string TenantClaim = "orleans-orchestrator.io/tenant";

    public const string Algorithm = "ES256";

    /// <summary>How far a clock may be behind the issuer's for <c>nbf</c>/<c>iat</c> (Kubernetes allows a minute).</summary>
    private static readonly TimeSpan Leeway = TimeSpan.FromMinutes(1);

    private static readonly JsonDocumentOptions Bounded = new() { MaxDepth = 8 };

    private readonly ECDsa _key;
    private readonly string _encodedHeader;

    public ServiceAccountJwt(ECDsa key, string issuer = DefaultIssuer)
    {
        if (key.KeySize != 256) throw new ArgumentException("ES256 needs a P-256 key", nameof(key));
        _key = key;
        Issuer = issuer;
        KeyId = Base64Url.EncodeToString(SHA256.HashData(key.ExportSubjectPublicKeyInfo()));
        _encodedHeader = Base64Url.EncodeToString(Encoding.UTF8.GetBytes(
            new JsonObject { ["alg"] = Algorithm, ["kid"] = KeyId, ["typ"] = "JWT" }.ToJsonString()));
    }

    public string Issuer { get; }

    /// <summary>The key's id: the SHA-256 of its public key, as Kubernetes derives its <c>kid</c>.</summary>
    public string KeyId { get; }

    /// <summary>Whether a bearer token has the shape of a JWS (three base64url parts): such tokens are ours to judge.</summary>
    public static bool LooksLikeJwt(string token)
    {
        if (token.Length is 0 or > MaxTokenLength) return token.Length > MaxTokenLength && token.Count(c => c == '.') == 2;
        var dots = 0;
        foreach (var c in token)
        {
            if (c == '.') dots++;
            else if (!IsBase64UrlChar(c)) return false;
        }
        return dots == 2 && token[0] != '.' && token[^1] != '.' && !token.Contains("..", StringComparison.Ordinal);
    }

    public string Issue(BoundToken token)
    {
        var kubernetes = new JsonObject
        {
            ["namespace"] = token.Namespace,
            ["serviceaccount"] = new JsonObject { ["name"] = token.ServiceAccount, ["uid"] = token.ServiceAccountUid },
        };
        if (token.Pod is { } pod) kubernetes["pod"] = new JsonObject { ["name"] = pod.Name, ["uid"] = pod.Uid };
        var claims = new JsonObject
        {
            ["aud"] = new JsonArray([.. token.Audiences.Select(a => (JsonNode)JsonValue.Create(a))]),
            ["exp"] = token.Expires.ToUnixTimeSeconds(),
            ["iat"] = token.IssuedAt.ToUnixTimeSeconds(),
            ["iss"] = Issuer,
            ["jti"] = token.Id,
            ["kubernetes.io"] = kubernetes,
            ["nbf"] = token.IssuedAt.ToUnixTimeSeconds(),
            ["sub"] = token.Subject,
            [TenantClaim] = token.Tenant,
        };
        var signingInput = $"{_encodedHeader}.{Base64Url.EncodeToString(Encoding.UTF8.GetBytes(claims.ToJsonString()))}";
        var signature = _key.SignData(Encoding.ASCII.GetBytes(signingInput), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        return $"{signingInput}.{Base64Url.EncodeToString(signature)}";
    }

    /// <summary>
    /// The token's claims when its signature is ours, it is valid at <paramref name="now"/> and meant for one of
    /// <paramref name="audiences"/>; otherwise null and why (for TokenReview's <c>status.error</c> and the logs, never for a client's 401).
    /// The objects it names are not looked at here: whether they still exist is the caller's question.
    /// </summary>
    public (BoundToken? Token, string? Problem) Verify(string token, DateTimeOffset now, IReadOnlyCollection<string> audiences)
    {
        if (token.Length > MaxTokenLength) return (null, $"token longer than {MaxTokenLength} characters");
        if (!LooksLikeJwt(token)) return (null, "not a JWT");
        var firstDot = token.IndexOf('.');
        var lastDot = token.LastIndexOf('.');
        var header = token.AsSpan(0, firstDot);
        var payload = token.AsSpan(firstDot + 1, lastDot - firstDot - 1);
        var signature = token.AsSpan(lastDot + 1);

        // The header first, and byte for byte ours: one algorithm, one key.
        if (!header.SequenceEqual(_encodedHeader) && !HeaderIsOurs(header)) return (null, "unexpected header (algorithm or key id)");
        if (Base64Url.GetMaxDecodedLength(signature.Length) < 64 || signature.Length != 86) return (null, "malformed signature");
        Span<byte> signatureBytes = stackalloc byte[64];
        if (Base64Url.DecodeFromChars(signature, signatureBytes, out _, out var written) != System.Buffers.OperationStatus.Done || written != 64)
            return (null, "malformed signature");
        var signingInput = Encoding.ASCII.GetBytes(token, 0, lastDot);
        if (!_key.VerifyData(signingInput, signatureBytes, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation))
            return (null, "invalid signature");

        try
        {
            using var claims = JsonDocument.Parse(Base64Url.DecodeFromChars(payload), Bounded);
            var root = claims.RootElement;
            if (root.ValueKind != JsonValueKind.Object) return (null, "claims are not an object");
            if (Text(root, "iss") != Issuer) return (null, "unexpected issuer");
            var tokenAudiences = Audiences(root);
            if (!tokenAudiences.Any(audiences.Contains)) return (null, "token audiences do not include an accepted audience");
            if (Seconds(root, "exp") is not { } exp || Seconds(root, "iat") is not { } iat) return (null, "missing exp or iat");
            if (now >= exp) return (null, "token has expired");
            if (Seconds(root, "nbf") is { } nbf && now + Leeway < nbf) return (null, "token is not valid yet");
            if (now + Leeway < iat) return (null, "token issued in the future");
            if (Text(root, TenantClaim) is not { Length: > 0 } tenant) return (null, "missing tenant");
            if (!root.TryGetProperty("kubernetes.io", out var k8s) || k8s.ValueKind != JsonValueKind.Object) return (null, "missing kubernetes.io claims");
            var ns = Text(k8s, "namespace");
            var account = k8s.TryGetProperty("serviceaccount", out var sa) && sa.ValueKind == JsonValueKind.Object ? sa : default;
            var name = account.ValueKind == JsonValueKind.Object ? Text(account, "name") : null;
            var uid = account.ValueKind == JsonValueKind.Object ? Text(account, "uid") : null;
            if (ns is not { Length: > 0 } || name is not { Length: > 0 } || uid is not { Length: > 0 }) return (null, "missing service account claims");
            if (Text(root, "sub") != BoundToken.UserName(ns, name)) return (null, "subject does not match the service account");
            BoundPod? pod = null;
            if (k8s.TryGetProperty("pod", out var podClaim))
            {
                if (podClaim.ValueKind != JsonValueKind.Object || Text(podClaim, "name") is not { Length: > 0 } podName || Text(podClaim, "uid") is not { Length: > 0 } podUid)
                    return (null, "malformed pod claim");
                pod = new BoundPod(podName, podUid);
            }
            return (new BoundToken(tenant, ns, name, uid, pod, tokenAudiences, iat, exp, Text(root, "jti") ?? ""), null);
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException or ArgumentException)
        {
            // Only a token we signed gets here, so this is a bug of ours rather than an attack; still a refusal.
            return (null, "malformed claims");
        }
    }

    /// <summary>The public key as a JSON Web Key Set (<c>/openid/v1/jwks</c>), for verifiers outside the API.</summary>
    public JsonObject Jwks()
    {
        var parameters = _key.ExportParameters(includePrivateParameters: false);
        return new JsonObject
        {
            ["keys"] = new JsonArray(new JsonObject
            {
                ["use"] = "sig",
                ["kty"] = "EC",
                ["kid"] = KeyId,
                ["crv"] = "P-256",
                ["alg"] = Algorithm,
                ["x"] = Base64Url.EncodeToString(parameters.Q.X),
                ["y"] = Base64Url.EncodeToString(parameters.Q.Y),
            }),
        };
    }

    /// <summary>A header we did not write byte for byte (another JSON writer's order) is still ours if it names only our algorithm and key.</summary>
    private bool HeaderIsOurs(ReadOnlySpan<char> encoded)
    {
        if (encoded.Length > 512) return false;
        try
        {
            using var header = JsonDocument.Parse(Base64Url.DecodeFromChars(encoded), Bounded);
            var root = header.RootElement;
            return root.ValueKind == JsonValueKind.Object
                   && Text(root, "alg") == Algorithm
                   && Text(root, "kid") == KeyId
                   && root.EnumerateObject().All(p => p.Name is "alg" or "kid" or "typ");
        }
        catch (Exception e) when (e is JsonException or FormatException)
        {
            return false;
        }
    }

    private static IReadOnlyList<string> Audiences(JsonElement root)
    {
        if (!root.TryGetProperty("aud", out var aud)) return [];
        return aud.ValueKind switch
        {
            JsonValueKind.String => [aud.GetString()!],
            JsonValueKind.Array => [.. aud.EnumerateArray().Where(a => a.ValueKind == JsonValueKind.String).Select(a => a.GetString()!).Take(16)],
            _ => [],
        };
    }

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static DateTimeOffset? Seconds(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var seconds)
        && seconds is >= 0 and < 253402300799
            ? DateTimeOffset.FromUnixTimeSeconds(seconds)
            : null;

    private static bool IsBase64UrlChar(char c) => c is (>= 'A' and <= 'Z') or (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-' or '_';
}
