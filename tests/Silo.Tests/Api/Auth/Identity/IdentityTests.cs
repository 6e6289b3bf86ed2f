using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Silo.Admission;
using OrleansOrchestrator.Silo.Api.Auth.Identity;
using OrleansOrchestrator.Silo.Kinds;
using OrleansOrchestrator.Silo.Kinds.Identity;

namespace OrleansOrchestrator.Silo.Tests.Api.Auth.Identity;

/// <summary>Passwords are hashed before anything is stored, tokens are found by hash, and a token is refused once it or its user is gone or it expired.</summary>
public sealed class IdentityTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 3, 5, 0, 0, TimeSpan.Zero);

    private static User Erin(string uid = "uid-erin") => new()
    {
        Metadata = new ObjectMeta { Name = "erin", Namespace = "team-b", Uid = uid },
        Spec = new UserSpec { Groups = ["view"], PasswordHash = Credentials.HashPassword("a-long-password") },
    };

    private static AccessToken TokenOf(string token, string user = "erin", string ownerUid = "uid-erin", long? expirationSeconds = null) => new()
    {
        Metadata = new ObjectMeta
        {
            Name = "t", Namespace = "team-b", CreationTimestamp = Now.AddHours(-1),
            OwnerReferences = [new OwnerReference { Kind = "User", Name = user, Uid = ownerUid }],
        },
        Spec = new AccessTokenSpec { User = user, ExpirationSeconds = expirationSeconds },
        Status = new AccessTokenStatus { TokenHash = Credentials.HashToken(token) },
    };

    [Fact]
    public void Password_IsReplacedByItsHash_AndAWriteWithoutOneKeepsTheStoredHash()
    {
        var created = IdentityAdmission.WithPasswordHashed(new User { Spec = new UserSpec { Password = "s3cret-enough" } }, null);

        Assert.Null(created.Spec.Password);
        Assert.DoesNotContain("s3cret-enough", created.Spec.PasswordHash);
        Assert.True(Credentials.VerifyPassword(created.Spec.PasswordHash!, "s3cret-enough"));
        Assert.False(Credentials.VerifyPassword(created.Spec.PasswordHash!, "s3cret-enougH"));

        var relabelled = IdentityAdmission.WithPasswordHashed(new User { Spec = new UserSpec { Groups = ["edit"] } }, created);
        Assert.Equal(created.Spec.PasswordHash, relabelled.Spec.PasswordHash);
    }

    [Fact]
    public void LastAppliedAnnotation_LosesThePassword()
    {
        var applied = """{"apiVersion":"tenancy.orleans-orchestrator.io/v1","kind":"User","spec":{"password":"s3cret-enough","groups":["view"]}}""";
        var user = new User
        {
            Metadata = new ObjectMeta { Annotations = new Dictionary<string, string> { ["kubectl.kubernetes.io/last-applied-configuration"] = applied } },
            Spec = new UserSpec { Password = "s3cret-enough" },
        };

        var stored = IdentityAdmission.WithPasswordHashed(user, null);

        var annotation = stored.Metadata.Annotations!["kubectl.kubernetes.io/last-applied-configuration"];
        Assert.DoesNotContain("s3cret-enough", annotation);
        Assert.Contains("\"groups\"", annotation);
    }

    [Theory]
    [InlineData("short")]
    [InlineData(null)]
    public void PasswordOfAWrongLength_IsRefusedWithoutBeingShown(string? password)
    {
        password ??= new string('p', Credentials.MaxPasswordLength + 1);
        var user = IdentityAdmission.WithPasswordHashed(new User { Metadata = new ObjectMeta { Name = "erin", Namespace = "team-b" }, Spec = new UserSpec { Password = password } }, null);

        var causes = OrleansOrchestrator.Silo.Api.Admission.Validation.Validate(user, ResourceKinds.User);

        var cause = Assert.Single(causes, c => c.Field == "spec.password");
        Assert.DoesNotContain(password, cause.Message);
    }

    [Fact]
    public void Token_IsFoundByItsHash_ForItsUserWithTheUsersGroups()
    {
        var token = Credentials.NewToken("team-b");
        var index = new TenantIdentities("team-b", [Erin()], [TokenOf(token)]);

        var caller = index.ByTokenHash(Credentials.HashToken(token), Now);

        Assert.Equal(("erin", "team-b"), (caller?.User, caller?.Tenant));
        Assert.Equal(["view"], caller!.Groups);
        Assert.Null(index.ByTokenHash(Credentials.HashToken(token + "0"), Now));
    }

    [Fact]
    public void Token_IsRefused_WhenItsUserIsGone_RemadeUnderTheSameName_OrItExpired()
    {
        var token = Credentials.NewToken("team-b");
        var hash = Credentials.HashToken(token);

        Assert.Null(new TenantIdentities("team-b", [], [TokenOf(token)]).ByTokenHash(hash, Now));
        Assert.Null(new TenantIdentities("team-b", [Erin(uid: "uid-new-erin")], [TokenOf(token)]).ByTokenHash(hash, Now));
        Assert.Null(new TenantIdentities("team-b", [Erin()], [TokenOf(token, expirationSeconds: 600)]).ByTokenHash(hash, Now));
        Assert.NotNull(new TenantIdentities("team-b", [Erin()], [TokenOf(token, expirationSeconds: 7200)]).ByTokenHash(hash, Now));
    }

    [Theory]
    [InlineData("team-b.0123456789abcdef0123456789abcdef0123456789abcdef", "team-b")]
    [InlineData("0123456789abcdef0123456789abcdef0123456789abcdef", null)]
    [InlineData("Team_B.0123456789abcdef0123456789abcdef0123456789abcdef", null)]
    [InlineData("team-b.short", null)]
    [InlineData(".0123456789abcdef0123456789abcdef0123456789abcdef", null)]
    public void TenantOfAToken_OnlyFromAnIssuedTokensShape(string token, string? tenant) =>
        Assert.Equal(tenant, Credentials.TenantOf(token));

    [Fact]
    public void AccessTokenSpec_IsImmutable_AndTheTokenIsNeverStored()
    {
        var strategy = KindRegistry.For(ResourceKinds.AccessToken);
        var token = TokenOf(Credentials.NewToken("team-b"));

        Assert.NotNull(strategy.ForbiddenChange(token, token with { Spec = token.Spec with { User = "fay" } }));
        Assert.Null(strategy.ForbiddenChange(token, token with { Metadata = token.Metadata with { Labels = new Dictionary<string, string> { ["a"] = "b" } } }));
        var withToken = token with { Status = token.Status! with { Token = "team-b.x" } };
        Assert.Contains(OrleansOrchestrator.Silo.Api.Admission.Validation.Validate(withToken, ResourceKinds.AccessToken), c => c.Field == "status.token");
    }

    [Fact]
    public void ShortExpiry_IsRefusedAsKubernetesRefusesATokenRequest()
    {
        var token = TokenOf(Credentials.NewToken("team-b"), expirationSeconds: 59);
        Assert.Contains(OrleansOrchestrator.Silo.Api.Admission.Validation.Validate(token, ResourceKinds.AccessToken), c => c.Field == "spec.expirationSeconds");
        Assert.Equal(Now.AddHours(1), AccessTokenStrategy.ExpiresAt(TokenOf("x", expirationSeconds: 7200)));
    }

    [Fact]
    public void PasswordSession_ChangesWithThePassword()
    {
        var first = Credentials.PasswordSession("uid", Credentials.HashPassword("a-long-password"));
        var second = Credentials.PasswordSession("uid", Credentials.HashPassword("a-long-password"));
        Assert.NotEqual(first, second); // salted: a new hash of even the same password ends old sessions
        Assert.StartsWith("password:", first);
    }
}
