using OrleansOrchestrator.Dashboard.ServiceClient;
using OrleansOrchestrator.Dashboard.Tests.Fakes;

namespace OrleansOrchestrator.Dashboard.Tests.ServiceClient;

/// <summary>A signed-in session stands only while its token does, for the same user, tenant and groups.</summary>
public sealed class SignedInSessionTests
{
    private static readonly DashboardUser Alice = new("alice", "team-a", ["view", "ops"]);
    private readonly FakeClusterBackend _backend = new();
    private readonly string _fingerprint = TokenFingerprint.Of("alice-token-0123456789");

    [Fact]
    public void TokenStillKnown_SameUser_Valid()
    {
        _backend.Tokens[_fingerprint] = Alice with { Groups = ["ops", "view"] };

        Assert.True(SignedInSession.StillValid(_backend, DashboardClaims.ToPrincipal(Alice, _fingerprint)));
    }

    [Fact]
    public void TokenRevoked_Invalid()
    {
        Assert.False(SignedInSession.StillValid(_backend, DashboardClaims.ToPrincipal(Alice, _fingerprint)));
    }

    [Theory]
    [InlineData("bob", "team-a", "view,ops")]
    [InlineData("alice", "team-b", "view,ops")]
    [InlineData("alice", "team-a", "view")]
    public void TokenNowStandsForSomeoneElse_Invalid(string name, string tenant, string groups)
    {
        _backend.Tokens[_fingerprint] = new DashboardUser(name, tenant, groups.Split(','));

        Assert.False(SignedInSession.StillValid(_backend, DashboardClaims.ToPrincipal(Alice, _fingerprint)));
    }

    [Fact]
    public void CookieOfBeforeFingerprints_Invalid()
    {
        _backend.Tokens[_fingerprint] = Alice;
        var principal = DashboardClaims.ToPrincipal(Alice, _fingerprint);
        var withoutFingerprint = new System.Security.Claims.ClaimsPrincipal(new System.Security.Claims.ClaimsIdentity(
            principal.Claims.Where(c => c.Type != DashboardClaims.TokenClaim), DashboardClaims.AuthenticationType,
            System.Security.Claims.ClaimTypes.Name, System.Security.Claims.ClaimTypes.Role));

        Assert.False(SignedInSession.StillValid(_backend, withoutFingerprint));
    }
}
