using OrleansOrchestrator.Dashboard.ServiceClient;

namespace OrleansOrchestrator.Dashboard.Tests.ServiceClient;

/// <summary>Ten wrong passwords in a row lock a user (or an address) out for a window that grows; a right password after it works.</summary>
public sealed class SignInThrottleTests
{
    private readonly ManualClock _clock = new(new DateTimeOffset(2026, 12, 3, 5, 0, 0, TimeSpan.Zero));
    private readonly string _hal = SignInThrottle.UserKey("team-b", "hal");
    private readonly string _address = SignInThrottle.AddressKey("192.0.2.7");

    [Fact]
    public void NineWrongPasswords_DoNotLockOut_TheTenthDoes()
    {
        var throttle = new SignInThrottle(_clock);
        for (var i = 0; i < 9; i++) throttle.Failed(_hal, _address);
        Assert.False(throttle.IsLockedOut(_hal, _address));

        throttle.Failed(_hal, _address);

        Assert.True(throttle.IsLockedOut(_hal));
        Assert.True(throttle.IsLockedOut(SignInThrottle.UserKey("team-b", "ida"), _address)); // the address, whichever user it tries
        Assert.False(throttle.IsLockedOut(SignInThrottle.UserKey("team-b", "ida"), SignInThrottle.AddressKey("192.0.2.8")));
    }

    [Fact]
    public void AfterTheWindow_OneMoreTry_AWrongOneLocksLonger_ARightOneClears()
    {
        var throttle = new SignInThrottle(_clock);
        for (var i = 0; i < 10; i++) throttle.Failed(_hal);

        _clock.Now += SignInThrottle.FirstLockout;
        Assert.False(throttle.IsLockedOut(_hal));
        Assert.NotNull(throttle.Begin(_hal, _address)); // a wrong one: never told it succeeded
        _clock.Now += SignInThrottle.FirstLockout;
        Assert.True(throttle.IsLockedOut(_hal)); // the eleventh locks for two minutes
        _clock.Now += SignInThrottle.FirstLockout;
        Assert.False(throttle.IsLockedOut(_hal));

        throttle.Begin(_hal, _address)!.Succeeded();
        throttle.Failed(_hal);
        Assert.False(throttle.IsLockedOut(_hal)); // counting starts again
    }

    [Fact]
    public void AttemptsSentTogether_AreCountedBeforeTheirChecksEnd()
    {
        var throttle = new SignInThrottle(_clock);
        var started = Enumerable.Range(0, 10).Select(_ => throttle.Begin(_hal, _address)).ToList(); // none has finished

        Assert.All(started, Assert.NotNull);
        Assert.Null(throttle.Begin(_hal, _address));
        Assert.Null(throttle.Begin(SignInThrottle.UserKey("team-b", "ida"), _address));
    }

    [Fact]
    public void SigningInToOnesOwnAccount_DoesNotForgetTheAddressesEarlierGuesses()
    {
        var throttle = new SignInThrottle(_clock);
        var own = SignInThrottle.UserKey("team-b", "mallory");
        for (var round = 0; round < 3; round++)
        {
            for (var i = 0; i < 4; i++) throttle.Begin(SignInThrottle.UserKey("team-b", $"victim-{round}-{i}"), _address);
            throttle.Begin(own, _address)?.Succeeded();
        }

        Assert.True(throttle.IsLockedOut(own, _address)); // 12 wrong guesses from the address, whatever succeeded between them
        Assert.False(throttle.IsLockedOut(own, SignInThrottle.AddressKey("192.0.2.8")));
    }

    [Theory]
    [InlineData(9, 0)]
    [InlineData(10, 1)]
    [InlineData(11, 2)]
    [InlineData(13, 8)]
    [InlineData(20, 30)]
    [InlineData(int.MaxValue, 30)]
    public void Lockout_DoublesUpToItsCap(int failures, int minutes) =>
        Assert.Equal(TimeSpan.FromMinutes(minutes), SignInThrottle.LockoutAfter(failures));

    private sealed class ManualClock(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;

        public override DateTimeOffset GetUtcNow() => Now;
    }
}
