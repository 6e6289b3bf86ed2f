using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using OrleansOrchestrator.Silo.Api.Auth;
using OrleansOrchestrator.Silo.Api.Auth.ServiceAccounts;

namespace OrleansOrchestrator.Silo.Tests.Api.Auth;

/// <summary>Issuing and verifying service account tokens: what they claim, and every way a token must be refused.</summary>
public sealed class ServiceAccountJwtTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 12, 3, 10, 0, 0, TimeSpan.Zero);
    private static readonly string[] Api = [ServiceAccountJwt.DefaultIssuer];

    private readonly ECDsa _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly ServiceAccountJwt _jwt;

    public ServiceAccountJwtTests() => _jwt = new ServiceAccountJwt(_key);

    private static BoundToken Token(BoundPod? pod = null, string tenant = "acme", IReadOnlyList<string>? audiences = null, TimeSpan? life = null) =>
        new(tenant, "shop", "builder", "sa-uid-1", pod, audiences ?? Api, Now, Now + (life ?? TimeSpan.FromHours(1)), "jti-1");

    [Fact]
    public void Issued_CarriesKubernetesClaims_AndVerifiesBackToTheSameToken()
    {
        var token = Token(new BoundPod("web-0", "pod-uid-9"));
        var text = _jwt.Issue(token);

        var parts = text.Split('.');
        Assert.Equal(3, parts.Length);
        var header = JsonNode.Parse(Base64Url.DecodeFromChars(parts[0]))!;
        Assert.Equal("ES256", (string?)header["alg"]);
        Assert.Equal(_jwt.KeyId, (string?)header["kid"]);
        var claims = JsonNode.Parse(Base64Url.DecodeFromChars(parts[1]))!;
        Assert.Equal("system:serviceaccount:shop:builder", (string?)claims["sub"]);
        Assert.Equal(ServiceAccountJwt.DefaultIssuer, (string?)claims["iss"]);
        Assert.Equal(ServiceAccountJwt.DefaultIssuer, (string?)claims["aud"]![0]);
        Assert.Equal(Now.ToUnixTimeSeconds(), (long)claims["iat"]!);
        Assert.Equal(Now.ToUnixTimeSeconds(), (long)claims["nbf"]!);
        Assert.Equal((Now + TimeSpan.FromHours(1)).ToUnixTimeSeconds(), (long)claims["exp"]!);
        Assert.Equal("shop", (string?)claims["kubernetes.io"]!["namespace"]);
        Assert.Equal("sa-uid-1", (string?)claims["kubernetes.io"]!["serviceaccount"]!["uid"]);
        Assert.Equal("web-0", (string?)claims["kubernetes.io"]!["pod"]!["name"]);
        Assert.Equal("pod-uid-9", (string?)claims["kubernetes.io"]!["pod"]!["uid"]);
        Assert.Equal("acme", (string?)claims[ServiceAccountJwt.TenantClaim]);

        var (verified, problem) = _jwt.Verify(text, Now.AddMinutes(5), Api);
        Assert.Null(problem);
        Assert.Equal(token with { Audiences = verified!.Audiences }, verified);
        Assert.Equal(Api, verified.Audiences);
        Assert.Equal(new Caller("system:serviceaccount:shop:builder", "acme", ["system:serviceaccounts", "system:serviceaccounts:shop", "system:authenticated"]).ToString(), verified.Caller.ToString());
        Assert.True(ServiceAccountJwt.LooksLikeJwt(text));
    }

    [Fact]
    public void Verify_RefusesExpired_NotYetValid_AndForeignAudiences()
    {
        var text = _jwt.Issue(Token(life: TimeSpan.FromMinutes(10)));
        Assert.Equal("token has expired", _jwt.Verify(text, Now.AddMinutes(10), Api).Problem);
        Assert.NotNull(_jwt.Verify(text, Now.AddMinutes(10).AddSeconds(-1), Api).Token);
        Assert.Equal("token is not valid yet", _jwt.Verify(text, Now.AddMinutes(-2), Api).Problem);
        Assert.NotNull(_jwt.Verify(text, Now.AddSeconds(-30), Api).Token); // a clock a little behind the issuer's

        var vault = _jwt.Issue(Token(audiences: ["vault"]));
        Assert.Equal("token audiences do not include an accepted audience", _jwt.Verify(vault, Now, Api).Problem);
        Assert.NotNull(_jwt.Verify(vault, Now, ["vault", "other"]).Token);
    }

    [Fact]
    public void Verify_RefusesTokensOfAnotherKey_OrIssuer()
    {
        using var otherKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var foreign = new ServiceAccountJwt(otherKey).Issue(Token());
        Assert.Equal("unexpected header (algorithm or key id)", _jwt.Verify(foreign, Now, Api).Problem);

        var otherIssuer = new ServiceAccountJwt(_key, "https://elsewhere.example").Issue(Token());
        Assert.Equal("unexpected issuer", _jwt.Verify(otherIssuer, Now, Api).Problem);
    }

    [Fact]
    public void Verify_RefusesEveryTamperedPart()
    {
        var parts = _jwt.Issue(Token()).Split('.');
        // Claims changed to another tenant and account, signature kept.
        var claims = JsonNode.Parse(Base64Url.DecodeFromChars(parts[1]))!.AsObject();
        claims[ServiceAccountJwt.TenantClaim] = "other-tenant";
        var forged = $"{parts[0]}.{Base64Url.EncodeToString(Encoding.UTF8.GetBytes(claims.ToJsonString()))}.{parts[2]}";
        Assert.Equal("invalid signature", _jwt.Verify(forged, Now, Api).Problem);

        // alg none, or HS256 keyed with anything: the header is not ours.
        foreach (var alg in new[] { "none", "HS256", "RS256" })
        {
            var header = Base64Url.EncodeToString(Encoding.UTF8.GetBytes(new JsonObject { ["alg"] = alg, ["kid"] = _jwt.KeyId }.ToJsonString()));
            Assert.Equal("unexpected header (algorithm or key id)", _jwt.Verify($"{header}.{parts[1]}.{parts[2]}", Now, Api).Problem);
        }

        // A flipped bit anywhere in the signature.
        var signature = Base64Url.DecodeFromChars(parts[2]);
        signature[17] ^= 1;
        Assert.Equal("invalid signature", _jwt.Verify($"{parts[0]}.{parts[1]}.{Base64Url.EncodeToString(signature)}", Now, Api).Problem);
        Assert.Equal("malformed signature", _jwt.Verify($"{parts[0]}.{parts[1]}.{parts[2][..40]}", Now, Api).Problem);
    }

    [Fact]
    public void Verify_RefusesOversizedAndMalformedTokens_WithoutParsing()
    {
        var huge = new string('a', ServiceAccountJwt.MaxTokenLength) + ".b.c";
        Assert.Equal($"token longer than {ServiceAccountJwt.MaxTokenLength} characters", _jwt.Verify(huge, Now, Api).Problem);
        foreach (var text in new[] { "", "a", "a.b", "a..b", ".a.b", "a.b.", "a.b.c.d", "a b.c.d", "a.b.c=", "ä.b.c" })
            Assert.NotNull(_jwt.Verify(text, Now, Api).Problem);
        Assert.False(ServiceAccountJwt.LooksLikeJwt("0123456789abcdef0123456789abcdef"));
        Assert.False(ServiceAccountJwt.LooksLikeJwt("a.b"));
    }

    [Fact]
    public void Verify_RefusesSignedClaimsThatAreIncomplete()
    {
        // Claims we would never issue, signed with our key: each is still refused by the checks after the signature.
        string Signed(JsonObject claims)
        {
            var header = _jwt.Issue(Token()).Split('.')[0];
            var input = $"{header}.{Base64Url.EncodeToString(Encoding.UTF8.GetBytes(claims.ToJsonString()))}";
            var signature = _key.SignData(Encoding.ASCII.GetBytes(input), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
            return $"{input}.{Base64Url.EncodeToString(signature)}";
        }
        JsonObject Base() => new()
        {
            ["iss"] = ServiceAccountJwt.DefaultIssuer, ["aud"] = ServiceAccountJwt.DefaultIssuer, ["sub"] = "system:serviceaccount:shop:builder",
            ["iat"] = Now.ToUnixTimeSeconds(), ["exp"] = Now.AddHours(1).ToUnixTimeSeconds(), [ServiceAccountJwt.TenantClaim] = "acme",
            ["kubernetes.io"] = new JsonObject { ["namespace"] = "shop", ["serviceaccount"] = new JsonObject { ["name"] = "builder", ["uid"] = "u" } },
        };
        Assert.NotNull(_jwt.Verify(Signed(Base()), Now, Api).Token); // a single audience as a string is fine

        var wrongSubject = Base();
        wrongSubject["sub"] = "system:serviceaccount:kube-system:admin";
        Assert.Equal("subject does not match the service account", _jwt.Verify(Signed(wrongSubject), Now, Api).Problem);
        var noTenant = Base();
        noTenant.Remove(ServiceAccountJwt.TenantClaim);
        Assert.Equal("missing tenant", _jwt.Verify(Signed(noTenant), Now, Api).Problem);
        var noExpiry = Base();
        noExpiry.Remove("exp");
        Assert.Equal("missing exp or iat", _jwt.Verify(Signed(noExpiry), Now, Api).Problem);
        var badPod = Base();
        badPod["kubernetes.io"]!["pod"] = "web-0";
        Assert.Equal("malformed pod claim", _jwt.Verify(Signed(badPod), Now, Api).Problem);
        var deep = Base();
        JsonNode nested = new JsonObject();
        for (var i = 0; i < 50; i++) nested = new JsonObject { ["x"] = nested };
        deep["extra"] = nested;
        Assert.Equal("malformed claims", _jwt.Verify(Signed(deep), Now, Api).Problem);
    }

    [Fact]
    public void Jwks_PublishesTheKeyThatVerifies()
    {
        var key = _jwt.Jwks()["keys"]![0]!;
        Assert.Equal(_jwt.KeyId, (string?)key["kid"]);
        using var fromJwks = ECDsa.Create(new ECParameters
        {
            Curve = ECCurve.NamedCurves.nistP256,
            Q = new ECPoint { X = Base64Url.DecodeFromChars((string)key["x"]!), Y = Base64Url.DecodeFromChars((string)key["y"]!) },
        });
        var parts = _jwt.Issue(Token()).Split('.');
        Assert.True(fromJwks.VerifyData(Encoding.ASCII.GetBytes($"{parts[0]}.{parts[1]}"), Base64Url.DecodeFromChars(parts[2]),
            HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation));
        Assert.Null(key["d"]); // never the private part
    }

    public void Dispose() => _key.Dispose();
}
