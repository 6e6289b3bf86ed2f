using System.Buffers.Binary;
using System.Text;

namespace OrleansOrchestrator.Silo.Storage.Encryption;

/// <summary>
/// What is sealed for a Secret's row: the row's key (<c>tenant/secrets/namespace/name</c>), then the serialized object.
/// Kubernetes binds a ciphertext to its place by using the etcd key as authenticated data; our serializer does not see
/// the row's key when it reads, so the key travels inside the ciphertext instead and the reader, which knows the row
/// it read, compares: a ciphertext copied into another Secret's row — another tenant's included — is refused.
/// </summary>
public static class SealedSecretRow
{
    /// <summary>Orleans' storage column for the key is 512 characters.</summary>
    public const int MaxKeyBytes = 2048;

    public static byte[] Seal(SecretEnvelope envelope, string rowKey, ReadOnlySpan<byte> payload)
    {
        var key = Encoding.UTF8.GetBytes(rowKey);
        if (key.Length > MaxKeyBytes) throw new ArgumentException($"row key longer than {MaxKeyBytes} bytes", nameof(rowKey));
        var framed = new byte[2 + key.Length + payload.Length];
        BinaryPrimitives.WriteUInt16BigEndian(framed, (ushort)key.Length);
        key.CopyTo(framed, 2);
        payload.CopyTo(framed.AsSpan(2 + key.Length));
        return envelope.Seal(framed);
    }

    /// <summary>
    /// The serialized object of a stored payload and the row it was sealed for; a payload stored before encryption is
    /// returned as it is, sealed for no row.
    /// </summary>
    /// <exception cref="SecretDecryptionException">The payload does not open, or its contents are malformed.</exception>
    public static (string? SealedFor, ReadOnlyMemory<byte> Payload) Open(SecretEnvelope envelope, byte[] stored)
    {
        if (!SecretEnvelope.IsSealed(stored)) return (null, stored);
        var framed = envelope.Open(stored);
        if (framed.Length < 2 || BinaryPrimitives.ReadUInt16BigEndian(framed) is var length && (length > MaxKeyBytes || 2 + length > framed.Length))
            throw new SecretDecryptionException("its decrypted contents are not a sealed row", SecretEnvelope.SealedWith(stored));
        return (Encoding.UTF8.GetString(framed, 2, length), framed.AsMemory(2 + length));
    }

    /// <summary>The refusal of a payload sealed for another row than the one it was read from.</summary>
    public static SecretDecryptionException Misplaced(string rowKey, string? sealedFor, string secret) =>
        new($"it was sealed for another row ({sealedFor}), not {rowKey}: the store was altered", keyName: null, secret);
}
