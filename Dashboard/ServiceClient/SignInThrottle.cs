using System.Collections.Concurrent;

namespace OrleansOrchestrator.Dashboard.ServiceClient;

/// <summary>
/// Slows down password guessing, as ASP.NET Core Identity's lockout does: after <see cref="FreeFailures"/> wrong
/// passwords in a row for one user — or from one client address, whichever user it tries — further attempts are refused
/// unchecked for a lockout window (one minute, doubling with every failure after, at most <see cref="MaxLockout"/>). A
/// refusal says the same as a wrong password, so a guesser learns nothing of the lockout either. A right password after
/// the window ends clears the user's count (not the address's). Every attempt counts before its check, so parallel
/// attempts cannot slip past the count; at most <see cref="ConcurrentChecks"/> password hashes are checked at once. Kept in memory per dashboard process: a restart forgets it.
/// </summary>
public sealed class SignInThrottle(TimeProvider clock)
{
    public const int FreeFailures = 10;

    /// <summary>Password checks (a deliberately slow hash each) run at once at most: others wait their turn.</summary>
    public static readonly int ConcurrentChecks = Math.Max(2, Environment.ProcessorCount);

    /// <summary>Held while a password is checked, so that a flood of sign-ins cannot occupy every core.</summary>
    public SemaphoreSlim Checks { get; } = new(ConcurrentChecks);

    public static readonly TimeSpan FirstLockout = TimeSpan.FromMinutes(1);

    public static readonly TimeSpan MaxLockout = TimeSpan.FromMinutes(30);

    /// <summary>How many users and addresses are remembered at most; beyond it, those whose lockout ended are forgotten first.</summary>
    public const int MaxRemembered = 100_000;

    private readonly ConcurrentDictionary<string, Failures> _failures = new(StringComparer.Ordinal);

    private sealed record Failures(int Count, DateTimeOffset LockedUntil);

    public static string UserKey(string tenant, string user) => $"user:{tenant}/{user}";

    public static string AddressKey(string? address) => $"address:{address ?? "unknown"}";

    /// <summary>Whether an attempt for any of these keys is to be refused without looking at the password.</summary>
    public bool IsLockedOut(params string[] keys)
    {
        var now = clock.GetUtcNow();
        return keys.Any(key => _failures.TryGetValue(key, out var failures) && failures.LockedUntil > now);
    }

    /// <summary>
    /// Starts checking a password of <paramref name="userKey"/> from <paramref name="addressKey"/>: null when either is
    /// locked out. The attempt counts as a failure at once, before the slow check, so that many attempts sent together
    /// are counted as they arrive and not only after each check ends.
    /// </summary>
    public Attempt? Begin(string userKey, string addressKey)
    {
        if (IsLockedOut(userKey, addressKey)) return null;
        Failed(userKey, addressKey);
        return new Attempt(this, userKey, addressKey);
    }

    /// <summary>Wrong passwords for these keys: counted, and from the <see cref="FreeFailures"/>th on, each locks longer.</summary>
    public void Failed(params string[] keys)
    {
        var now = clock.GetUtcNow();
        if (_failures.Count >= MaxRemembered) Forget(now);
        foreach (var key in keys)
            _failures.AddOrUpdate(key, _ => Next(0, now), (_, failures) => Next(failures.Count, now));
    }

    /// <summary>
    /// A right password: the user's count starts again, and the address no longer counts this attempt — but keeps the
    /// failures before it, so that signing in to one's own account between guesses at others resets nothing.
    /// </summary>
    private void Succeeded(string userKey, string addressKey)
    {
        _failures.TryRemove(userKey, out _);
        _failures.AddOrUpdate(addressKey, _ => new Failures(0, DateTimeOffset.MinValue), (_, failures) => failures.Count <= 1
            ? new Failures(0, DateTimeOffset.MinValue)
            : new Failures(failures.Count - 1, failures.Count - 1 < FreeFailures ? DateTimeOffset.MinValue : failures.LockedUntil));
    }

    /// <summary>One password check, counted as a failure until <see cref="Succeeded"/> says otherwise.</summary>
    public sealed class Attempt(SignInThrottle throttle, string userKey, string addressKey)
    {
        public void Succeeded() => throttle.Succeeded(userKey, addressKey);
    }

    /// <summary>How long the lockout after the <paramref name="count"/>th failure in a row lasts (zero before the <see cref="FreeFailures"/>th).</summary>
    public static TimeSpan LockoutAfter(int count)
    {
        if (count < FreeFailures) return TimeSpan.Zero;
        var doublings = Math.Min(count - FreeFailures, 16);
        var lockout = FirstLockout * Math.Pow(2, doublings);
        return lockout < MaxLockout ? lockout : MaxLockout;
    }

    private static Failures Next(int count, DateTimeOffset now) => new(count + 1, now + LockoutAfter(count + 1));

    private void Forget(DateTimeOffset now)
    {
        foreach (var (key, failures) in _failures)
            if (failures.LockedUntil <= now) _failures.TryRemove(key, out _);
    }
}
