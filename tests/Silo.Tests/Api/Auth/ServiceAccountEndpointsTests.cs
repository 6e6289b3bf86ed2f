using System.Security.Cryptography;
using System.Text.Json.Nodes;
using OrleansOrchestrator.Silo.Api.Auth;
using OrleansOrchestrator.Silo.Api.Auth.ServiceAccounts;
using OrleansOrchestrator.Silo.Api.Wire;

namespace OrleansOrchestrator.Silo.Tests.Api.Auth;

/// <summary>
/// Hostile and malformed TokenRequest and TokenReview bodies: each is refused with Kubernetes' status (or, for a review,
/// answered "not authenticated") before anything is looked up in the store — no store exists in these tests, so a
/// lookup would fail them.
/// </summary>
public sealed class ServiceAccountEndpointsTests : IDisposable
{
    private static readonly Caller Operator = new("admin", "acme", [Caller.AdminGroup]);

    private readonly ECDsa _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly ServiceAccountEndpoints _endpoints;

    public ServiceAccountEndpointsTests()
    {
        var tokens = new ServiceAccountTokens(new ServiceAccountJwt(_key), grains: null!, TimeProvider.System, new ServiceAccountTokenOptions(TimeSpan.FromHours(1)));
        _endpoints = new ServiceAccountEndpoints(tokens, new Authorizer(policies: null!));
    }

    [Theory]
    [InlineData("[]", 400, "must be a JSON object")]
    [InlineData("""{"kind":"Pod"}""", 400, "does not match the resource (TokenRequest)")]
    [InlineData("""{"spec":{"audiences":"api"}}""", 422, "must be a list of strings")]
    [InlineData("""{"spec":{"audiences":[1]}}""", 422, "spec.audiences[0]")]
    [InlineData("""{"spec":{"audiences":[""]}}""", 422, "non-empty string")]
    [InlineData("""{"spec":{"expirationSeconds":"600"}}""", 422, "whole number of seconds")]
    [InlineData("""{"spec":{"expirationSeconds":599}}""", 422, "may not specify a duration less than 10 minutes")]
    [InlineData("""{"spec":{"expirationSeconds":1e30}}""", 422, "whole number of seconds")]
    [InlineData("""{"spec":{"expirationSeconds":99999999999}}""", 422, "may not specify a duration larger than")]
    [InlineData("""{"spec":{"boundObjectRef":{"kind":"Secret","name":"s"}}}""", 422, "supported values: \"Pod\"")]
    [InlineData("""{"spec":{"boundObjectRef":{"kind":"Pod","apiVersion":"apps/v1","name":"p"}}}""", 422, "supported values: \"v1\"")]
    [InlineData("""{"spec":{"boundObjectRef":{"kind":"Pod","name":"../x"}}}""", 422, "spec.boundObjectRef.name")]
    public async Task TokenRequest_MalformedBodies_AreRefusedWithKubernetesStatus(string body, int code, string message)
    {
        var refusal = await Assert.ThrowsAsync<ApiException>(() => _endpoints.RequestToken(Operator, "shop", "builder", JsonNode.Parse(body)!));
        Assert.Equal(code, refusal.Code);
        Assert.Contains(message, refusal.ToStatus().Message + string.Join(" ", refusal.ToStatus().Details?.Causes?.Select(c => c.Field + " " + c.Message) ?? []));
    }

    [Fact]
    public async Task TokenRequest_TooManyAudiences_Refused()
    {
        var body = new JsonObject { ["spec"] = new JsonObject { ["audiences"] = new JsonArray([.. Enumerable.Range(0, 17).Select(i => (JsonNode)JsonValue.Create($"a{i}"))]) } };
        var refusal = await Assert.ThrowsAsync<ApiException>(() => _endpoints.RequestToken(Operator, "shop", "builder", body));
        Assert.Equal(422, refusal.Code);
    }

    /// <summary>Sixteen audiences of 1000 characters would make a token longer than any the authenticator accepts.</summary>
    [Fact]
    public async Task TokenRequest_AudiencesTooLongTogether_Refused()
    {
        var body = new JsonObject { ["spec"] = new JsonObject { ["audiences"] = new JsonArray([.. Enumerable.Range(0, 16).Select(i => (JsonNode)JsonValue.Create($"{i:x}" + new string('a', 999)))]) } };
        var refusal = await Assert.ThrowsAsync<ApiException>(() => _endpoints.RequestToken(Operator, "shop", "builder", body));
        Assert.Equal(422, refusal.Code);
        Assert.Contains("must take at most", refusal.ToStatus().Details?.Causes?.Single().Message);
    }

    /// <summary>The largest token the bound lets through (longest names, escaped audiences) is still one the authenticator takes.</summary>
    [Fact]
    public void LargestAllowedAudiences_TokenWithinTheAuthenticatorsLimit()
    {
        // Control characters escape to six bytes each: the bound counts them escaped, as the token carries them.
        var each = ServiceAccountEndpoints.MaxAudiencesBytes / ServiceAccountEndpoints.MaxAudiences - 3;
        var audiences = Enumerable.Range(0, ServiceAccountEndpoints.MaxAudiences).Select(i => new string('\u0001', each / 6 - 1) + (char)('a' + i)).ToList();
        var name = new string('n', 253);
        var now = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        var token = new ServiceAccountJwt(_key).Issue(new BoundToken(new string('t', 63), new string('s', 63), name, Guid.NewGuid().ToString(),
            new BoundPod(name, Guid.NewGuid().ToString()), audiences, now, now.AddHours(1), Guid.NewGuid().ToString()));

        Assert.InRange(token.Length, ServiceAccountEndpoints.MaxAudiencesBytes, ServiceAccountJwt.MaxTokenLength);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not-a-jwt")]
    [InlineData("a.b.c")]
    [InlineData("eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.")]
    [InlineData("eyJhbGciOiJFUzI1NiJ9.e30.AAAA")]
    public async Task TokenReview_OfGarbage_IsNotAuthenticated(string token)
    {
        var (code, answer) = await Review(token);
        Assert.Equal(201, code);
        Assert.False((bool)answer["status"]!["authenticated"]!);
        Assert.StartsWith("[invalid bearer token", (string?)answer["status"]!["error"]);
    }

    [Fact]
    public async Task TokenReview_OfAnOversizedOrForeignToken_IsNotAuthenticated()
    {
        var (_, huge) = await Review(new string('a', 100_000) + ".b.c");
        Assert.False((bool)huge["status"]!["authenticated"]!);

        using var otherKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var now = DateTimeOffset.UtcNow;
        var foreign = new ServiceAccountJwt(otherKey).Issue(new BoundToken("acme", "shop", "builder", "u", null, [ServiceAccountJwt.DefaultIssuer], now, now.AddHours(1), "j"));
        var (_, answer) = await Review(foreign);
        Assert.False((bool)answer["status"]!["authenticated"]!);
    }

    [Fact]
    public async Task TokenReview_MalformedBodies_AreRefused()
    {
        var notObject = await Assert.ThrowsAsync<ApiException>(() => _endpoints.Serve(Operator, "POST", ServiceAccountEndpoints.TokenReviewPath, () => Task.FromResult<JsonNode>(new JsonArray())));
        Assert.Equal(400, notObject.Code);
        var badAudiences = await Assert.ThrowsAsync<ApiException>(() => _endpoints.Serve(Operator, "POST", ServiceAccountEndpoints.TokenReviewPath,
            () => Task.FromResult(JsonNode.Parse("""{"spec":{"token":"x","audiences":{"a":1}}}""")!)));
        Assert.Equal(422, badAudiences.Code);
    }

    [Fact]
    public async Task Discovery_AndKeys_AnswerGetOnly()
    {
        var (code, discovery) = await _endpoints.Serve(Operator, "GET", ServiceAccountEndpoints.DiscoveryPath, () => throw new InvalidOperationException("no body"));
        Assert.Equal(200, code);
        Assert.Equal(ServiceAccountJwt.DefaultIssuer + ServiceAccountEndpoints.KeysPath, (string?)discovery["jwks_uri"]);
        var (_, keys) = await _endpoints.Serve(Operator, "GET", ServiceAccountEndpoints.KeysPath, () => throw new InvalidOperationException("no body"));
        Assert.Equal("EC", (string?)keys["keys"]![0]!["kty"]);
        var post = await Assert.ThrowsAsync<ApiException>(() => _endpoints.Serve(Operator, "POST", ServiceAccountEndpoints.KeysPath, () => throw new InvalidOperationException("no body")));
        Assert.Equal(405, post.Code);
    }

    private Task<(int Code, JsonNode Body)> Review(string token) =>
        _endpoints.Serve(Operator, "POST", ServiceAccountEndpoints.TokenReviewPath,
            () => Task.FromResult<JsonNode>(new JsonObject { ["kind"] = "TokenReview", ["spec"] = new JsonObject { ["token"] = token } }));

    public void Dispose() => _key.Dispose();
}
