using OrleansOrchestrator.Dashboard.ServiceClient;
using OrleansOrchestrator.Silo.Api.Auth;

namespace OrleansOrchestrator.Silo.Tests.Api.Auth;

/// <summary>The token file is read again when it changes: a removed line is revoked at the next request, without a restart.</summary>
public sealed class TokenFileTests : IDisposable
{
    private const string Alice = "alice-token-0123456789";
    private const string Bob = "bob-token-0123456789ab";
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"tokens-{Guid.NewGuid():N}.csv");

    public void Dispose() => File.Delete(_path);

    [Fact]
    public void LineRemoved_TokenRevokedAtTheNextLookUp()
    {
        File.WriteAllText(_path, $"{Alice},alice,team-a\n{Bob},bob,team-a,view\n");
        var tokens = TokenFile.Load(_path);
        Assert.Equal("bob", tokens.Authenticate(Bob)?.User);

        File.WriteAllText(_path, $"{Alice},alice,team-a\n");

        Assert.Null(tokens.Authenticate(Bob));
        Assert.Null(tokens.ByFingerprint(TokenFingerprint.Of(Bob)));
        Assert.Equal("alice", tokens.Authenticate(Alice)?.User);
    }

    [Fact]
    public void LineAdded_TokenWorksAtOnce_AndReloadedIsRaised()
    {
        File.WriteAllText(_path, $"{Alice},alice,team-a\n");
        var tokens = TokenFile.Load(_path);
        var reloads = 0;
        tokens.Reloaded += () => reloads++;

        File.WriteAllText(_path, $"{Alice},alice,team-a\n{Bob},bob,team-b,view\n");

        var bob = tokens.Authenticate(Bob);
        Assert.Equal(("bob", "team-b"), (bob?.User, bob?.Tenant));
        Assert.Equal(["view"], bob!.Groups);
        Assert.Equal("bob", tokens.ByFingerprint(TokenFingerprint.Of(Bob))?.User);
        Assert.Equal(1, reloads);
        Assert.Equal(2, tokens.Callers.Count);
        Assert.Equal(1, reloads); // looking again at an unchanged file reads nothing new
    }

    [Fact]
    public void SameSizeRewrite_WithinTheClockTick_IsStillSeen()
    {
        File.WriteAllText(_path, $"{Alice},alice,team-a\n");
        var tokens = TokenFile.Load(_path);
        var written = File.GetLastWriteTimeUtc(_path);

        // Same length, same write time: only the contents differ.
        File.WriteAllText(_path, $"{Bob[..Alice.Length]},alice,team-a\n");
        File.SetLastWriteTimeUtc(_path, written);

        Assert.Null(tokens.Authenticate(Alice));
    }

    [Fact]
    public void SecondWriteInTheSameClockTick_AfterAReading_IsSeenLater()
    {
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        File.WriteAllText(_path, $"{Alice},alice,team-a\n");
        File.SetLastWriteTimeUtc(_path, clock.Now.UtcDateTime);
        var tokens = TokenFile.Load(_path, clock);

        // Written right after the reading, within the file system's tick: the same size and write time.
        File.WriteAllText(_path, $"{Bob[..Alice.Length]},alice,team-a\n");
        File.SetLastWriteTimeUtc(_path, clock.Now.UtcDateTime);
        clock.Now += TimeSpan.FromSeconds(5);

        Assert.Null(tokens.Authenticate(Alice));
    }

    [Fact]
    public void BrokenOrMissingFile_KeepsTheLastGoodTokens_AndSaysWhy()
    {
        File.WriteAllText(_path, $"{Alice},alice,team-a\n");
        var tokens = TokenFile.Load(_path);
        var problems = new List<string>();
        tokens.ReloadFailed += problems.Add;

        File.WriteAllText(_path, $"{Alice},alice\n");
        Assert.Equal("alice", tokens.Authenticate(Alice)?.User);
        Assert.Contains(problems, p => p.Contains("previous tokens stay valid", StringComparison.Ordinal));

        File.Delete(_path);
        Assert.Equal("alice", tokens.Authenticate(Alice)?.User);
    }

    [Fact]
    public void Fingerprint_IsNotTheToken()
    {
        var fingerprint = TokenFingerprint.Of(Alice);

        Assert.Equal(64, fingerprint.Length);
        Assert.DoesNotContain(Alice, fingerprint, StringComparison.Ordinal);
        Assert.Equal(fingerprint, TokenFingerprint.Of(Alice));
        Assert.NotEqual(fingerprint, TokenFingerprint.Of(Bob));
    }

    [Fact]
    public void HashedLine_AuthenticatesTheTokenWhoseHashItIs_AndPlainLinesStillWork()
    {
        File.WriteAllText(_path, $"sha256:{TokenFingerprint.Of(Alice)},alice,team-a,system:masters\n{Bob},bob,team-a\n");
        var tokens = TokenFile.Load(_path);

        Assert.Equal("alice", tokens.Authenticate(Alice)?.User);
        Assert.Null(tokens.Authenticate($"sha256:{TokenFingerprint.Of(Alice)}")); // the hash is no token
        Assert.Equal("bob", tokens.Authenticate(Bob)?.User);
        Assert.Null(tokens.PlainAdminToken); // the admin's line holds no token
    }

    [Theory]
    [InlineData("sha256:abc,alice,team-a")]
    [InlineData("sha256:ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789,alice,team-a")]
    public void MalformedHash_IsRefusedWithoutShowingTheLine(string line)
    {
        File.WriteAllText(_path, line + "\n");

        var refused = Assert.Throws<FormatException>(() => TokenFile.Load(_path));
        Assert.DoesNotContain("alice", refused.Message); // nothing of the line: it may be a token
        Assert.Contains("line 1", refused.Message);
    }

    [Fact]
    public void NewFile_HoldsOnlyTheBootstrapTokensHash()
    {
        File.Delete(_path);
        var tokens = TokenFile.LoadOrCreate(_path, "team-a", (_, _) => { }, out var created);

        Assert.NotNull(created);
        var text = File.ReadAllText(_path);
        Assert.DoesNotContain(created, text);
        Assert.Contains($"sha256:{TokenFingerprint.Of(created)},admin,team-a,system:masters", text);
        Assert.True(tokens.Authenticate(created)?.IsAdmin);

        TokenFile.LoadOrCreate(_path, "team-a", (_, _) => Assert.Fail("no new token"), out var again);
        Assert.Null(again); // an existing file is kept
    }

    [Fact]
    public void ANewAdminToken_IsKeptBeforeTheFileNamesIt_AndAFailureToKeepItLeavesNoFile()
    {
        File.Delete(_path);
        (string User, string Token, bool FileExisted)? kept = null;
        var tokens = TokenFile.LoadOrCreate(_path, "team-a", (user, token) => kept = (user, token, File.Exists(_path)), out var created);
        Assert.Equal((TokenFile.BootstrapAdminUser, created!, false), kept);
        Assert.Equal(TokenFile.BootstrapAdminUser, tokens.Authenticate(created!)?.User);

        // The kubeconfig could not be written (or the silo died writing it): no file names a token nobody holds.
        File.Delete(_path);
        Assert.Throws<IOException>(() => TokenFile.LoadOrCreate(_path, "team-a", (_, _) => throw new IOException("disk full"), out _));
        Assert.False(File.Exists(_path));
    }

    [Fact]
    public void OversizedToken_IsNotHashed()
    {
        File.WriteAllText(_path, $"{Alice},alice,team-a\n");
        Assert.Null(TokenFile.Load(_path).Authenticate(new string('x', 1_000_000)));
    }

    private sealed class ManualClock(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;

        public override DateTimeOffset GetUtcNow() => Now;
    }
}
