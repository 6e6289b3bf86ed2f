using System.Security.Cryptography;
using System.Text;

namespace OrleansOrchestrator.Silo.Hosting;

/// <summary>
/// What a silo may tell the shared database about its keys without giving them away: the SHA-256 of the service account
/// key's public half, and for each Secret encryption key its name and a check value (an HMAC of a fixed text under the
/// key, as HSMs publish key check values). Silos compare these at start, so that a silo given another key file is
/// refused instead of sealing Secrets, or signing tokens, that the other silos cannot open.
/// </summary>
public static class KeyFingerprints
{
    /// <summary>What the check value is an HMAC of: fixed, so equal keys give equal values.</summary>
    private static readonly byte[] CheckText = Encoding.ASCII.GetBytes("orleans-orchestrator encryption key check v1");

    /// <summary>The public half's SubjectPublicKeyInfo, hashed: the private key cannot be learnt from it.</summary>
    public static string ServiceAccount(ECDsa key) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(key.ExportSubjectPublicKeyInfo()));

    /// <summary>A key's check value: 16 bytes of HMAC-SHA256 under the key (as hex).</summary>
    public static string EncryptionKeyCheck(byte[] secret) => Convert.ToHexStringLower(HMACSHA256.HashData(secret, CheckText).AsSpan(0, 16));

    /// <summary>Every key's name and check value, <c>name=check</c> joined by ';' in the key file's order.</summary>
    public static string EncryptionKeys(IEnumerable<(string Name, byte[] Secret)> keys) =>
        string.Join(';', keys.Select(k => $"{k.Name}={EncryptionKeyCheck(k.Secret)}"));

    /// <summary>Reads <see cref="EncryptionKeys(IEnumerable{ValueTuple{string, byte[]}})"/>'s text back (entries that do not parse are ignored).</summary>
    public static IReadOnlyDictionary<string, string> ParseEncryptionKeys(string text) =>
        text.Split(';', StringSplitOptions.RemoveEmptyEntries)
            .Select(entry => entry.Split('=', 2))
            .Where(parts => parts.Length == 2)
            .GroupBy(parts => parts[0], StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.First()[1], StringComparer.Ordinal);

    /// <summary>
    /// Why a silo with these keys must not join a cluster that recorded those (null: it may). The service account key must
    /// be the same. The encryption keys must share at least one key and disagree on none of the same name, which lets a
    /// rotation through (a new key added next to the old one, the old one removed later) and stops a silo with a key
    /// file of its own. Null recorded values: nothing recorded yet (the first silo); null own values: not compared (a silo
    /// without encryption keys under the identity provider, or <c>--rewrite-secrets</c>, which signs no token).
    /// </summary>
    public static string? Refusal(string? recordedServiceAccount, string? recordedEncryptionKeys, string? serviceAccount, string? encryptionKeys)
    {
        if (recordedServiceAccount is not null && serviceAccount is not null && recordedServiceAccount != serviceAccount)
            return $"This silo's service account key (public key {serviceAccount}) is not the one the other silos of this database use ({recordedServiceAccount}): "
                + "tokens one signs would be refused by the others. Give every silo the same key (a shared --credentials-dir, or --service-account-key-file).";
        if (recordedEncryptionKeys is null || encryptionKeys is null) return null;
        var recorded = ParseEncryptionKeys(recordedEncryptionKeys);
        var mine = ParseEncryptionKeys(encryptionKeys);
        if (recorded.Count == 0 || mine.Count == 0) return null;
        var differing = mine.Where(k => recorded.TryGetValue(k.Key, out var check) && check != k.Value).Select(k => k.Key).Order(StringComparer.Ordinal).ToList();
        if (differing.Count > 0)
            return $"This silo's encryption key(s) {string.Join(", ", differing.Select(n => $"\"{n}\""))} differ from the keys of the same name the other silos of this database use: "
                + "Secrets one seals could not be read by the others. Give every silo the same key file (a shared --credentials-dir, or --encryption-key-file).";
        if (!mine.Keys.Any(recorded.ContainsKey))
            return $"This silo's encryption keys ({string.Join(", ", mine.Keys.Select(n => $"\"{n}\""))}) are not those the other silos of this database use "
                + $"({string.Join(", ", recorded.Keys.Select(n => $"\"{n}\""))}): Secrets one seals could not be read by the others. "
                + "Give every silo the same key file (a shared --credentials-dir, or --encryption-key-file).";
        return null;
    }
}
