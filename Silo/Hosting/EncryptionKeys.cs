using Microsoft.Data.Sqlite;
using OrleansOrchestrator.Silo.Storage;
using OrleansOrchestrator.Silo.Storage.Encryption;

namespace OrleansOrchestrator.Silo.Hosting;

/// <summary>
/// The silo's Secret encryption keys at start (see <see cref="EncryptionKeyFile"/>), checked against what the store
/// holds, and the <c>--rewrite-secrets</c> command.
/// </summary>
public static class EncryptionKeys
{
    /// <summary>The keys to seal and open Secrets with, or why the silo must not start.</summary>
    public static async Task<(SecretEnvelope? Envelope, string? Refusal)> Load(SiloOptions options, StorageBackend backend, CancellationToken cancellationToken)
    {
        var path = options.EncryptionKeyFilePath;
        IReadOnlyList<(string Name, byte[] Secret)>? fileKeys;
        try
        {
            fileKeys = File.Exists(path) ? EncryptionKeyFile.Read(path) : null;
        }
        catch (Exception e) when (e is FormatException or IOException or UnauthorizedAccessException)
        {
            return (null, $"The encryption key file cannot be used: {e.Message}");
        }
        var stored = StoredSecrets.CountByKey(await StoredSecrets.Read(backend.DataSource, cancellationToken, headOnly: true));
        var decision = EncryptionKeyFile.Decide(path, options.EncryptionKeyFile is not null, fileKeys, stored);
        var identity = options.EncryptionProvider == EncryptionProviders.Identity;
        if (identity && options.RewriteSecrets)
            return (null, "--rewrite-secrets seals Secrets with the key file's first key; it cannot be combined with --encryption-provider identity.");
        switch (decision.Action)
        {
            case KeyFileAction.Refuse:
                return (null, decision.Refusal);
            case KeyFileAction.Create when identity:
                // Nothing is sealed and nothing sealed is stored: no key is needed, and none is made.
                break;
            case KeyFileAction.Create:
                fileKeys = [EncryptionKeyFile.NewKey(EncryptionKeyFile.NewKeyName())];
                OwnerOnlyFile.Write(path, EncryptionKeyFile.Format(fileKeys));
                if (options.PostgreSql is not null)
                    Console.Error.WriteLine($"Made the Secret encryption key file {path}: give every silo of this database a copy of it (--encryption-key-file).");
                break;
        }
        if (identity)
        {
            Console.Error.WriteLine("--encryption-provider identity: new and rewritten Secrets are stored unencrypted.");
            return (SecretEnvelope.Identity(fileKeys ?? []), null);
        }
        return (new SecretEnvelope(fileKeys!), null);
    }

    /// <summary>
    /// Seals every stored Secret under the first key and reports; 0 when every Secret is now under it. On SQLite the
    /// file is then compacted (<c>VACUUM</c>, WAL truncated), so no page keeps a value written before encryption.
    /// </summary>
    public static async Task<int> Rewrite(StorageBackend backend, SecretEnvelope envelope, CancellationToken cancellationToken)
    {
        var result = await StoredSecrets.Rewrite(backend.DataSource, envelope, cancellationToken);
        Console.WriteLine($"Rewrote {result.Rewritten} of {result.Total} Secret(s) under key \"{envelope.WriteKeyName}\" ({result.AlreadyCurrent} already were).");
        foreach (var failure in result.Failures) Console.Error.WriteLine(failure);
        if (result.Rewritten > 0 && backend.DataSource is SqliteStoreDataSource)
        {
            try
            {
                await using var connection = await backend.DataSource.OpenConnectionAsync(cancellationToken);
                await using var command = connection.CreateCommand();
                command.CommandText = "VACUUM; PRAGMA wal_checkpoint(TRUNCATE);";
                await command.ExecuteNonQueryAsync(cancellationToken);
            }
            catch (SqliteException e)
            {
                Console.Error.WriteLine($"The store file could not be compacted ({e.Message}): pages freed by the rewrite may keep old bytes until SQLite reuses them. Run --rewrite-secrets again with the silo stopped.");
            }
        }
        return result.Failures.Count == 0 ? 0 : 1;
    }
}
