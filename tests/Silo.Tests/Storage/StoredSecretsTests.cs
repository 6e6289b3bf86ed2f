using System.Security.Cryptography;
using System.Text;
using OrleansOrchestrator.Contracts;
using OrleansOrchestrator.Silo.Hosting;
using OrleansOrchestrator.Silo.Storage;
using OrleansOrchestrator.Silo.Storage.Encryption;

namespace OrleansOrchestrator.Silo.Tests.Storage;

/// <summary><c>--rewrite-secrets</c> over a real SQLite store file with Orleans' table.</summary>
public sealed class StoredSecretsTests : IAsyncLifetime
{
    private readonly string _dir = Directory.CreateTempSubdirectory("oo-secrets-").FullName;
    private StorageBackend _backend = null!;
    private static readonly byte[] Key1 = RandomNumberGenerator.GetBytes(32);
    private static readonly byte[] Key2 = RandomNumberGenerator.GetBytes(32);

    private string DbPath => Path.Combine(_dir, "store.db");

    public async Task InitializeAsync()
    {
        _backend = StorageBackend.Sqlite(DbPath);
        await SchemaInstaller.Apply(_backend);
    }

    public Task DisposeAsync()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task IdentityProvider_MakesNoKeyFile_SealsNothing_AndStillRefusesSealedSecretsWithoutTheirKey()
    {
        var options = new SiloOptions { DataDir = _dir, EncryptionProvider = EncryptionProviders.Identity };

        var (envelope, refusal) = await EncryptionKeys.Load(options, _backend, default);
        Assert.Null(refusal);
        Assert.False(envelope!.SealsWrites);
        Assert.False(File.Exists(options.EncryptionKeyFilePath));

        using var lost = new SecretEnvelope([("lost", Key1)]);
        await Insert("t1/secrets/default/sealed", SealedSecretRow.Seal(lost, "t1/secrets/default/sealed", Encoding.UTF8.GetBytes("v")), version: 1);
        (envelope, refusal) = await EncryptionKeys.Load(options, _backend, default);
        Assert.Null(envelope);
        Assert.Contains("encrypted Secret(s) but the encryption key file", refusal);

        (envelope, refusal) = await EncryptionKeys.Load(options with { RewriteSecrets = true }, _backend, default);
        Assert.Null(envelope);
        Assert.StartsWith("--rewrite-secrets seals Secrets", refusal);
    }

    [Fact]
    public async Task TheDefaultProvider_MakesAKeyFile_AndSeals()
    {
        var options = new SiloOptions { DataDir = _dir };

        var (envelope, refusal) = await EncryptionKeys.Load(options, _backend, default);

        Assert.Null(refusal);
        Assert.True(envelope!.SealsWrites);
        Assert.True(File.Exists(options.EncryptionKeyFilePath));
    }

    [Fact]
    public async Task Rewrite_SealsPlaintextAndOldKeySecretsUnderTheFirstKey_KeepsVersions_AndLeavesOtherRowsAlone()
    {
        using var before = new SecretEnvelope([("key1", Key1)]);
        await Insert("t1/secrets/default/legacy", Encoding.UTF8.GetBytes("legacy-plaintext-value"), version: 4);
        await Insert("t1/secrets/prod/old", SealedSecretRow.Seal(before, "t1/secrets/prod/old", Encoding.UTF8.GetBytes("sealed-under-key1")), version: 9);
        await Insert("t1/configmaps/default/settings", Encoding.UTF8.GetBytes("configmap-visible"), version: 2);
        Assert.Equal(new Dictionary<string, int> { ["key1"] = 1 }, StoredSecrets.CountByKey(await StoredSecrets.Read(_backend.DataSource, default, headOnly: true)));

        using var rotated = new SecretEnvelope([("key2", Key2), ("key1", Key1)]);
        Assert.Equal(0, await EncryptionKeys.Rewrite(_backend, rotated, default));

        var rows = (await StoredSecrets.Read(_backend.DataSource, default)).ToDictionary(r => r.Key);
        Assert.Equal(["t1/secrets/default/legacy", "t1/secrets/prod/old"], rows.Keys.Order());
        Assert.All(rows.Values, r => Assert.Equal("key2", SecretEnvelope.SealedWith(r.Payload)));
        Assert.Equal((4, 9), (rows["t1/secrets/default/legacy"].Version, rows["t1/secrets/prod/old"].Version));

        // The old key can go: everything opens under the new one alone.
        using var after = new SecretEnvelope([("key2", Key2)]);
        Assert.Equal(("t1/secrets/default/legacy", "legacy-plaintext-value"), Opened(after, rows["t1/secrets/default/legacy"].Payload));
        Assert.Equal(("t1/secrets/prod/old", "sealed-under-key1"), Opened(after, rows["t1/secrets/prod/old"].Payload));

        // Nothing of the plaintext value is left in the file or its WAL (the rewrite compacts the file).
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        foreach (var file in Directory.EnumerateFiles(_dir, "store.db*"))
            Assert.Equal(-1, File.ReadAllBytes(file).AsSpan().IndexOf("legacy-plaintext-value"u8));
        Assert.Contains(Directory.EnumerateFiles(_dir, "store.db*"), f => File.ReadAllBytes(f).AsSpan().IndexOf("configmap-visible"u8) >= 0);

        // A second run finds nothing to do.
        var again = await StoredSecrets.Rewrite(_backend.DataSource, after, default);
        Assert.Equal((2, 0, 2), (again.Total, again.Rewritten, again.AlreadyCurrent));
    }

    [Fact]
    public async Task Rewrite_ReportsASecretItCannotOpen_AndLeavesItAsItIs()
    {
        using var lost = new SecretEnvelope([("lost", Key1)]);
        var payload = SealedSecretRow.Seal(lost, "t1/secrets/default/orphan", Encoding.UTF8.GetBytes("unreachable"));
        await Insert("t1/secrets/default/orphan", payload, version: 1);

        using var current = new SecretEnvelope([("key2", Key2)]);
        var result = await StoredSecrets.Rewrite(_backend.DataSource, current, default);

        Assert.Equal(
            ["unable to decrypt Secret \"default/orphan\" of tenant \"t1\": it was encrypted with key \"lost\", which the encryption key file does not hold"],
            result.Failures);
        Assert.Equal(payload, (await StoredSecrets.Read(_backend.DataSource, default)).Single().Payload);
    }

    [Fact]
    public async Task Rewrite_RefusesACiphertextCopiedFromAnotherRow()
    {
        using var envelope = new SecretEnvelope([("key1", Key1)]);
        var payload = SealedSecretRow.Seal(envelope, "t1/secrets/default/theirs", Encoding.UTF8.GetBytes("theirs"));
        await Insert("t2/secrets/default/theirs", payload, version: 1);

        using var rotated = new SecretEnvelope([("key2", Key2), ("key1", Key1)]);
        var result = await StoredSecrets.Rewrite(_backend.DataSource, rotated, default);

        Assert.Equal(0, result.Rewritten);
        Assert.Contains("was sealed for another row (t1/secrets/default/theirs), not t2/secrets/default/theirs", Assert.Single(result.Failures));
    }

    private static (string?, string) Opened(SecretEnvelope envelope, byte[] payload)
    {
        var (sealedFor, plaintext) = SealedSecretRow.Open(envelope, payload);
        return (sealedFor, Encoding.UTF8.GetString(plaintext.Span));
    }

    private async Task Insert(string key, byte[] payload, int version)
    {
        await using var connection = await _backend.DataSource.OpenConnectionAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = """
            INSERT INTO OrleansStorage (GrainIdHash, GrainIdN0, GrainIdN1, GrainTypeHash, GrainTypeString, GrainIdExtensionString, ServiceId, PayloadBinary, ModifiedOn, Version)
            VALUES (0, 0, 0, 0, 'object', @Key, @ServiceId, @Payload, datetime('now'), @Version);
            """;
        foreach (var (name, value) in new (string, object)[] { ("@Key", key), ("@ServiceId", ClusterIdentity.ServiceId), ("@Payload", payload), ("@Version", version) })
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value;
            command.Parameters.Add(parameter);
        }
        await command.ExecuteNonQueryAsync();
    }
}
