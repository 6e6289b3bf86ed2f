using System.Security.Cryptography;
using System.Text;

namespace OrleansOrchestrator.Dashboard.ServiceClient;

/// <summary>
/// What a dashboard session remembers of the token it was signed in with: its SHA-256, never the token itself (the
/// cookie is only signed and encrypted by the dashboard's keys). The session ends when no token has this fingerprint
/// any more.
/// </summary>
public static class TokenFingerprint
{
    public static string Of(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));
}
