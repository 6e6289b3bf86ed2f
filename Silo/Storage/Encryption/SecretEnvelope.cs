using System.Security.Cryptography;
using System.Text;

namespace OrleansOrchestrator.Silo.Storage.Encryption;

/// <summary>
/// Seals a stored Secret's bytes as Kubernetes' <c>aesgcm</c> provider does: the plain prefix
/// <c>k8s:enc:aesgcm:v1:&lt;key name&gt;:</c>, then a random 12-byte nonce, then the AES-GCM ciphertext and its
/// 16-byte tag. The first key seals; any key opens what names it, so a new key can be put first while Secrets
/// sealed under the old one still read. Bytes without the prefix are a Secret stored before encryption and are
/// returned as they are (the migration path: they are sealed when next written or rewritten).
/// </summary>
/// <remarks>
/// One <see cref="AesGcm"/> per key, made once (no key derivation per call); its calls are serialised per key
/// because an instance keeps one cipher context. The prefix is also the authenticated data, so a ciphertext
/// relabelled with another key's name does not open.
/// </remarks>
public sealed class SecretEnvelope : IDisposable
{
    public const string ProviderPrefix = "k8s:enc:aesgcm:v1:";
    public const int NonceSize = 12;
    public const int TagSize = 16;

    /// <summary>Key names are short labels: letters, digits, '.', '_' and '-' (never ':', which ends the prefix).</summary>
    public const int MaxKeyNameLength = 64;

    private static readonly byte[] ProviderPrefixBytes = Encoding.ASCII.GetBytes(ProviderPrefix);

    private readonly Dictionary<string, Key> _keys = new(StringComparer.Ordinal);
    private readonly Key? _writeKey;

    /// <param name="keys">Named keys of 16, 24 or 32 bytes; the first seals.</param>
    public SecretEnvelope(IReadOnlyList<(string Name, byte[] Secret)> keys) : this(keys, sealWrites: true)
    {
    }

    private SecretEnvelope(IReadOnlyList<(string Name, byte[] Secret)> keys, bool sealWrites)
    {
        if (sealWrites && keys.Count == 0) throw new ArgumentException("at least one encryption key is needed", nameof(keys));
        foreach (var (name, secret) in keys)
        {
            if (KeyNameProblem(name) is { } problem) throw new ArgumentException(problem, nameof(keys));
            if (secret.Length is not (16 or 24 or 32))
                throw new ArgumentException($"key \"{name}\" has {secret.Length} bytes; AES-GCM needs 16, 24 or 32", nameof(keys));
            if (_keys.ContainsKey(name)) throw new ArgumentException($"key \"{name}\" is named twice", nameof(keys));
            _keys[name] = new Key(name, secret);
        }
        _writeKey = sealWrites ? _keys[keys[0].Name] : null;
    }

    /// <summary>
    /// Kubernetes' <c>identity</c> provider first (<c>--encryption-provider identity</c>): new writes are stored as they
    /// are, and what was sealed before still opens with <paramref name="readKeys"/> (the key file, when there is one).
    /// </summary>
    public static SecretEnvelope Identity(IReadOnlyList<(string Name, byte[] Secret)> readKeys) => new(readKeys, sealWrites: false);

    /// <summary>Whether new writes are sealed (false: the <c>identity</c> provider).</summary>
    public bool SealsWrites => _writeKey is not null;

    /// <summary>The key new writes are sealed under.</summary>
    public string WriteKeyName => _writeKey?.Name ?? throw new InvalidOperationException("the identity provider seals nothing");

    public IReadOnlyCollection<string> KeyNames => _keys.Keys;

    public static string? KeyNameProblem(string name) =>
        name.Length is 0 or > MaxKeyNameLength || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-')
            ? $"key name \"{name}\" must be 1 to {MaxKeyNameLength} letters, digits, '.', '_' or '-'"
            : null;

    /// <summary>Whether <paramref name="payload"/> is sealed (by any key), rather than a plaintext row from before encryption.</summary>
    public static bool IsSealed(ReadOnlySpan<byte> payload) => payload.StartsWith(ProviderPrefixBytes);

    /// <summary>The name of the key a sealed payload was sealed under; null for a plaintext one or a malformed prefix.</summary>
    public static string? SealedWith(ReadOnlySpan<byte> payload)
    {
        if (!IsSealed(payload)) return null;
        var rest = payload[ProviderPrefixBytes.Length..];
        var end = rest[..Math.Min(rest.Length, MaxKeyNameLength + 1)].IndexOf((byte)':');
        return end <= 0 ? null : Encoding.ASCII.GetString(rest[..end]);
    }

    public byte[] Seal(ReadOnlySpan<byte> plaintext)
    {
        var writeKey = _writeKey ?? throw new InvalidOperationException("the identity provider seals nothing");
        var prefix = writeKey.Prefix;
        var sealedBytes = new byte[prefix.Length + NonceSize + plaintext.Length + TagSize];
        prefix.CopyTo(sealedBytes, 0);
        var nonce = sealedBytes.AsSpan(prefix.Length, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        var ciphertext = sealedBytes.AsSpan(prefix.Length + NonceSize, plaintext.Length);
        var tag = sealedBytes.AsSpan(prefix.Length + NonceSize + plaintext.Length, TagSize);
        lock (writeKey.Cipher) writeKey.Cipher.Encrypt(nonce, plaintext, ciphertext, tag, prefix);
        return sealedBytes;
    }

    /// <summary>The plaintext of a sealed payload; a plaintext one (stored before encryption) as it is.</summary>
    /// <exception cref="SecretDecryptionException">The key is not known, or the payload does not authenticate under it.</exception>
    public byte[] Open(byte[] payload)
    {
        if (!IsSealed(payload)) return payload;
        var name = SealedWith(payload) ?? throw new SecretDecryptionException("its encryption prefix names no key", keyName: null);
        if (!_keys.TryGetValue(name, out var key))
            throw new SecretDecryptionException($"it was encrypted with key \"{name}\", which the encryption key file does not hold", name);
        var prefixLength = key.Prefix.Length;
        var bodyLength = payload.Length - prefixLength - NonceSize - TagSize;
        if (bodyLength < 0) throw new SecretDecryptionException($"its ciphertext under key \"{name}\" is truncated", name);
        var plaintext = new byte[bodyLength];
        try
        {
            lock (key.Cipher)
                key.Cipher.Decrypt(
                    payload.AsSpan(prefixLength, NonceSize),
                    payload.AsSpan(prefixLength + NonceSize, bodyLength),
                    payload.AsSpan(prefixLength + NonceSize + bodyLength, TagSize),
                    plaintext,
                    payload.AsSpan(0, prefixLength));
        }
        catch (AuthenticationTagMismatchException)
        {
            throw new SecretDecryptionException(
                $"it does not authenticate under key \"{name}\" of the encryption key file (a different key of that name, or altered data)", name);
        }
        return plaintext;
    }

    public void Dispose()
    {
        foreach (var key in _keys.Values) key.Cipher.Dispose();
    }

    private sealed class Key(string name, byte[] secret)
    {
        public string Name { get; } = name;
        public byte[] Prefix { get; } = Encoding.ASCII.GetBytes($"{ProviderPrefix}{name}:");
        public AesGcm Cipher { get; } = new(secret, TagSize);
    }
}
