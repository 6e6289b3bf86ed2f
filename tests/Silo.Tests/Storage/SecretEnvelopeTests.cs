using System.Security.Cryptography;
using System.Text;
using OrleansOrchestrator.Silo.Storage.Encryption;

namespace OrleansOrchestrator.Silo.Tests.Storage;

public sealed class SecretEnvelopeTests
{
    private static readonly byte[] Key1 = RandomNumberGenerator.GetBytes(32);
    private static readonly byte[] Key2 = RandomNumberGenerator.GetBytes(32);
    private static readonly byte[] Plaintext = Encoding.UTF8.GetBytes("password=hunter2-very-secret");

    [Fact]
    public void Seal_WritesKubernetesAesGcmPrefixAndNoPlaintext_AndOpensBack()
    {
        using var envelope = new SecretEnvelope([("key1", Key1)]);
        var sealedBytes = envelope.Seal(Plaintext);

        Assert.StartsWith("k8s:enc:aesgcm:v1:key1:", Encoding.ASCII.GetString(sealedBytes, 0, 23));
        Assert.Equal(23 + SecretEnvelope.NonceSize + Plaintext.Length + SecretEnvelope.TagSize, sealedBytes.Length);
        Assert.Equal(-1, sealedBytes.AsSpan().IndexOf("hunter2"u8));
        Assert.Equal("key1", SecretEnvelope.SealedWith(sealedBytes));
        Assert.Equal(Plaintext, envelope.Open(sealedBytes));
    }

    [Fact]
    public void Seal_UsesAFreshNonceEveryTime()
    {
        using var envelope = new SecretEnvelope([("key1", Key1)]);
        Assert.NotEqual(envelope.Seal(Plaintext), envelope.Seal(Plaintext));
    }

    [Theory]
    [InlineData(23)]        // the nonce
    [InlineData(23 + 12)]   // the ciphertext
    [InlineData(-1)]        // the tag (last byte)
    public void Open_RefusesATamperedPayload(int offset)
    {
        using var envelope = new SecretEnvelope([("key1", Key1)]);
        var sealedBytes = envelope.Seal(Plaintext);
        sealedBytes[offset < 0 ? sealedBytes.Length + offset : offset] ^= 0x01;

        var e = Assert.Throws<SecretDecryptionException>(() => envelope.Open(sealedBytes));
        Assert.Contains("does not authenticate under key \"key1\"", e.Message);
    }

    [Fact]
    public void Open_RefusesACiphertextRelabelledWithAnotherKnownKey()
    {
        using var envelope = new SecretEnvelope([("key1", Key1), ("key2", Key2)]);
        var sealedBytes = envelope.Seal(Plaintext);
        sealedBytes[22] = (byte)'2'; // "key1" → "key2": the prefix is authenticated

        Assert.Throws<SecretDecryptionException>(() => envelope.Open(sealedBytes));
    }

    [Fact]
    public void Open_WithADifferentKeyOfTheSameName_SaysSo()
    {
        using var writer = new SecretEnvelope([("key1", Key1)]);
        using var reader = new SecretEnvelope([("key1", Key2)]);

        var e = Assert.Throws<SecretDecryptionException>(() => reader.Open(writer.Seal(Plaintext)));
        Assert.Equal("key1", e.KeyName);
        Assert.Contains("a different key of that name", e.Message);
    }

    [Fact]
    public void Open_WithoutTheNamedKey_NamesTheMissingKey()
    {
        using var writer = new SecretEnvelope([("old", Key1)]);
        using var reader = new SecretEnvelope([("new", Key2)]);

        var e = Assert.Throws<SecretDecryptionException>(() => reader.Open(writer.Seal(Plaintext)));
        Assert.Equal("a stored Secret cannot be decrypted: it was encrypted with key \"old\", which the encryption key file does not hold", e.Message);
        Assert.Equal("unable to decrypt Secret \"default/db\": it was encrypted with key \"old\", which the encryption key file does not hold", e.For("default/db").Message);
    }

    [Fact]
    public void Rotation_TheFirstKeySeals_EveryKeyOpens_AndARemovedKeyNoLongerDoes()
    {
        using var before = new SecretEnvelope([("key1", Key1)]);
        var underKey1 = before.Seal(Plaintext);

        using var rotating = new SecretEnvelope([("key2", Key2), ("key1", Key1)]);
        Assert.Equal(Plaintext, rotating.Open(underKey1));
        var underKey2 = rotating.Seal(rotating.Open(underKey1));
        Assert.Equal("key2", SecretEnvelope.SealedWith(underKey2));

        using var after = new SecretEnvelope([("key2", Key2)]);
        Assert.Equal(Plaintext, after.Open(underKey2));
        Assert.Throws<SecretDecryptionException>(() => after.Open(underKey1));
    }

    [Fact]
    public void Open_PassesAPlaintextPayloadFromBeforeEncryptionThrough()
    {
        using var envelope = new SecretEnvelope([("key1", Key1)]);
        Assert.False(SecretEnvelope.IsSealed(Plaintext));
        Assert.Null(SecretEnvelope.SealedWith(Plaintext));
        Assert.Equal(Plaintext, envelope.Open(Plaintext));
    }

    [Fact]
    public void Open_RefusesATruncatedPayload()
    {
        using var envelope = new SecretEnvelope([("key1", Key1)]);
        var sealedBytes = envelope.Seal(Plaintext);
        Assert.Throws<SecretDecryptionException>(() => envelope.Open(sealedBytes[..30]));
    }

    [Theory]
    [InlineData("", 32)]
    [InlineData("a:b", 32)]
    [InlineData("key1", 20)]
    public void Keys_MustBeWellNamedAndOfAnAesSize(string name, int size) =>
        Assert.Throws<ArgumentException>(() => new SecretEnvelope([(name, new byte[size])]));
}
