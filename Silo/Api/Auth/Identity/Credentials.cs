using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Identity;
using OrleansOrchestrator.Dashboard.ServiceClient;

namespace OrleansOrchestrator.Silo.Api.Auth.Identity;

/// <summary>
/// How tokens and passwords are kept: a token as <c>sha256:</c> and its SHA-256 (the dashboard's
/// <see cref="TokenFingerprint"/>, so a session and a stored token name a token the same way), a password with ASP.NET
/// Core Identity's hasher (PBKDF2-HMAC-SHA512, salted, its iteration count in the hash). Issued tokens start with their
/// tenant (<c>team-b.</c>) so that a silo knows which tenant's tokens to look in without following every tenant.
/// </summary>
public static class Credentials
{
    public const string HashPrefix = "sha256:";

    /// <summary>The most characters of a password; longer ones are refused (PBKDF2 hashes the whole input).</summary>
    public const int MaxPasswordLength = 1024;

    public const int MinPasswordLength = 8;

    /// <summary>The longest token looked at (kubectl sends whatever the kubeconfig holds).</summary>
    public const int MaxTokenLength = 4096;

    private static readonly PasswordHasher<object> Hasher = new();
    private static readonly object NoUser = new();

    public static string HashToken(string token) => HashPrefix + TokenFingerprint.Of(token);

    /// <summary>Whether <paramref name="text"/> is a stored token hash: the prefix and 64 lowercase hex digits.</summary>
    public static bool IsTokenHash(string text) =>
        text.Length == HashPrefix.Length + 64 && text.StartsWith(HashPrefix, StringComparison.Ordinal)
        && text.AsSpan(HashPrefix.Length).ContainsAnyExcept("0123456789abcdef") == false;

    /// <summary>A new token of <paramref name="tenant"/>: the tenant, a dot, 48 random hex digits (192 bits).</summary>
    public static string NewToken(string tenant) => $"{tenant}.{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24))}";

    /// <summary>The tenant an issued token names, or null when it is not of that form.</summary>
    public static string? TenantOf(string token)
    {
        if (token.Length > MaxTokenLength) return null;
        var dot = token.LastIndexOf('.');
        if (dot <= 0 || token.Length - dot - 1 != 48) return null;
        var tenant = token[..dot];
        return Api.Admission.Validation.Label(tenant) is null ? tenant : null;
    }

    public static string HashPassword(string password) => Hasher.HashPassword(NoUser, password);

    public static bool VerifyPassword(string hash, string password) =>
        password.Length <= MaxPasswordLength && Hasher.VerifyHashedPassword(NoUser, hash, password) != PasswordVerificationResult.Failed;

    /// <summary>Whether two hashes are equal, in time that does not depend on where they differ.</summary>
    public static bool SameHash(string a, string b) =>
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(a), Encoding.ASCII.GetBytes(b));

    /// <summary>
    /// What a password session remembers of the password it was signed in with: a fingerprint of the stored hash, so
    /// that a new password (or a deleted user) ends the session at its next check.
    /// </summary>
    public static string PasswordSession(string userUid, string passwordHash) => "password:" + TokenFingerprint.Of(userUid + "\n" + passwordHash);
}
