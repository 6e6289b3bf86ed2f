using OrleansOrchestrator.Silo.Api;
using OrleansOrchestrator.Silo.Api.Auth;

namespace OrleansOrchestrator.Silo.Tests.Api.Auth;

/// <summary>Which authenticator judges a bearer token: one shaped like a JWT that no signature vouches for may still be an operator's.</summary>
public sealed class BearerAuthenticationTests : IDisposable
{
    /// <summary>Three base64url parts: the shape of a service account token, written into the token file by an operator.</summary>
    private const string JwtShaped = "eyJvcGVyYXRvciI6dHJ1ZX0.b3BlcmF0b3I.c2lnbmF0dXJl";

    private readonly string _path = Path.Combine(Path.GetTempPath(), $"tokens-{Guid.NewGuid():N}.csv");

    public void Dispose() => File.Delete(_path);

    private static ValueTask<Caller?> Nobody(string token) => ValueTask.FromResult<Caller?>(null);

    [Fact]
    public async Task JwtShapedTokenFileEntry_Authenticates_WhenNoSignatureVouchesForIt()
    {
        File.WriteAllText(_path, $"{JwtShaped},alice,team-a\n");
        var tokens = TokenFile.Load(_path);

        var caller = await KubeApiHandler.AuthenticateBearer(JwtShaped, Nobody, tokens.Authenticate, Nobody);

        Assert.Equal(("alice", "team-a"), (caller?.User, caller?.Tenant));
    }

    [Fact]
    public async Task ServiceAccountToken_IsJudgedBySignatureFirst_AndAnUnknownTokenBySomeone()
    {
        File.WriteAllText(_path, $"{JwtShaped},alice,team-a\n");
        var tokens = TokenFile.Load(_path);
        var account = new Caller("system:serviceaccount:shop:builder", "team-a", []);

        var signed = await KubeApiHandler.AuthenticateBearer(JwtShaped, _ => ValueTask.FromResult<Caller?>(account), tokens.Authenticate, Nobody);
        var unknown = await KubeApiHandler.AuthenticateBearer("eyJ4IjoxfQ.eA.eA", Nobody, tokens.Authenticate, Nobody);

        Assert.Same(account, signed);
        Assert.Null(unknown);
    }
}
