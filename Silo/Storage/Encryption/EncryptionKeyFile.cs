using System.Security.Cryptography;
using System.Text;

namespace OrleansOrchestrator.Silo.Storage.Encryption;

/// <summary>
/// The keys Secrets are encrypted with, in a small text file of our own (the idea of Kubernetes'
/// <c>EncryptionConfiguration</c>: several named keys, the first encrypts, all decrypt). One key a line,
/// <c>NAME:BASE64</c> (16, 24 or 32 bytes; generated keys are 32, AES-256); blank lines and lines starting with
/// <c>#</c> are ignored. Several silos on one PostgreSQL database must be given the same file.
/// </summary>
public static class EncryptionKeyFile
{
    public const string DefaultName = "encryption-keys";

    /// <summary>Bounds what is parsed: a key file is a few lines.</summary>
    public const int MaxBytes = 64 * 1024;

    public const int MaxKeys = 100;

    public const string Header = """
        # Keys that encrypt Secrets at rest (AES-GCM). One key a line, NAME:BASE64 (16, 24 or 32 bytes).
        # The first key encrypts new writes; every key here decrypts. To rotate: add a new key as the second line on
        # every silo and restart them all, then move it first and restart again, run --rewrite-secrets, then remove the
        # old line. Keep this file secret and backed up: without it the stored Secrets cannot be read.
        """;

    public static IReadOnlyList<(string Name, byte[] Secret)> Parse(string text, string source)
    {
        var keys = new List<(string Name, byte[] Secret)>();
        var lineNumber = 0;
        foreach (var raw in text.Split('\n'))
        {
            lineNumber++;
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#')) continue;
            var colon = line.IndexOf(':');
            if (colon < 0) throw new FormatException($"{source}, line {lineNumber}: expected NAME:BASE64");
            var name = line[..colon].Trim();
            if (SecretEnvelope.KeyNameProblem(name) is { } problem) throw new FormatException($"{source}, line {lineNumber}: {problem}");
            byte[] secret;
            try
            {
                secret = Convert.FromBase64String(line[(colon + 1)..].Trim());
            }
            catch (FormatException)
            {
                throw new FormatException($"{source}, line {lineNumber}: key \"{name}\" is not valid base64");
            }
            if (secret.Length is not (16 or 24 or 32))
                throw new FormatException($"{source}, line {lineNumber}: key \"{name}\" has {secret.Length} bytes; AES-GCM needs 16, 24 or 32");
            if (keys.Any(k => k.Name == name)) throw new FormatException($"{source}, line {lineNumber}: key \"{name}\" is named twice");
            if (keys.Count == MaxKeys) throw new FormatException($"{source}: more than {MaxKeys} keys");
            keys.Add((name, secret));
        }
        if (keys.Count == 0) throw new FormatException($"{source} holds no key (one a line, NAME:BASE64)");
        return keys;
    }

    public static string Format(IEnumerable<(string Name, byte[] Secret)> keys) =>
        Header + "\n" + string.Concat(keys.Select(k => $"{k.Name}:{Convert.ToBase64String(k.Secret)}\n"));

    /// <summary>
    /// A name no other made key has (<c>key-</c> and 8 random hex digits): two silos that each made a key file for one
    /// database then meet a key name they lack, which the start-up check and the error name, not a silent mismatch.
    /// </summary>
    public static string NewKeyName() => $"key-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}";

    /// <summary>A new random AES-256 key.</summary>
    public static (string Name, byte[] Secret) NewKey(string name) => (name, RandomNumberGenerator.GetBytes(32));

    public static IReadOnlyList<(string Name, byte[] Secret)> Read(string path)
    {
        var info = new FileInfo(path);
        if (info.Length > MaxBytes) throw new FormatException($"{path} is larger than {MaxBytes} bytes; a key file is a few lines");
        return Parse(File.ReadAllText(path, Encoding.UTF8), path);
    }

    /// <summary>
    /// What the silo does at start with its key file, given what the store holds: use the file, make one (first start,
    /// nothing encrypted yet), or refuse with the reason. A new key is never made over Secrets it could not decrypt,
    /// and a key removed before its Secrets were rewritten stops the start instead of failing those Secrets one by one.
    /// </summary>
    public static KeyFileDecision Decide(string path, bool givenByPath, IReadOnlyList<(string Name, byte[] Secret)>? fileKeys,
        IReadOnlyDictionary<string, int> sealedSecretsByKey)
    {
        var sealedCount = sealedSecretsByKey.Values.Sum();
        if (fileKeys is null)
        {
            if (givenByPath) return KeyFileDecision.Refuse($"--encryption-key-file {path} does not exist.");
            if (sealedCount > 0)
                return KeyFileDecision.Refuse(
                    $"The store holds {sealedCount} encrypted Secret(s) but the encryption key file {path} is missing. "
                    + "Restore it (or give its copy with --encryption-key-file): a new key could not decrypt them, so none is made.");
            return KeyFileDecision.Create;
        }
        var missing = sealedSecretsByKey.Where(p => p.Value > 0 && fileKeys.All(k => k.Name != p.Key)).OrderBy(p => p.Key, StringComparer.Ordinal).ToList();
        if (missing.Count > 0)
            return KeyFileDecision.Refuse(
                $"{string.Join(", ", missing.Select(p => $"{p.Value} Secret(s) are encrypted with key \"{p.Key}\""))}, which {path} does not hold. "
                + "Put the key back (after the first line), start the silo with --rewrite-secrets, and only then remove it.");
        return KeyFileDecision.Use;
    }
}

public sealed record KeyFileDecision(KeyFileAction Action, string? Refusal = null)
{
    public static readonly KeyFileDecision Use = new(KeyFileAction.Use);
    public static readonly KeyFileDecision Create = new(KeyFileAction.Create);

    public static KeyFileDecision Refuse(string why) => new(KeyFileAction.Refuse, why);
}

public enum KeyFileAction { Use, Create, Refuse }
