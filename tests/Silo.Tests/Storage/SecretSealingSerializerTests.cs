using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using Orleans.Storage;
using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Silo.Storage;
using OrleansOrchestrator.Silo.Store;
using OrleansOrchestrator.Silo.Storage.Encryption;

namespace OrleansOrchestrator.Silo.Tests.Storage;

/// <summary>The store's payload serializer (Orleans' own, as the silo configures it) with Secrets sealed.</summary>
public sealed class SecretSealingSerializerTests : IDisposable
{
    private readonly IGrainStorageSerializer _plain = new OrleansGrainStorageSerializer(
        new ServiceCollection().AddSerializer(b => b.AddAssembly(typeof(KubeObject).Assembly).AddAssembly(typeof(StoredObject).Assembly))
            .BuildServiceProvider().GetRequiredService<Serializer>());

    private static readonly byte[] KeyBytes = RandomNumberGenerator.GetBytes(32);

    private readonly SecretEnvelope _envelope = new([("key1", KeyBytes)]);

    private IGrainStorageSerializer Sealing => new SecretSealingSerializer(_plain, _envelope);

    private const string Row = "t1/secrets/default/db";

    private static StoredObject Secret(string value) => new()
    {
        RowKey = Row,
        Object = new Secret
        {
            Metadata = new ObjectMeta { Name = "db", Namespace = "default", Annotations = new Dictionary<string, string> { ["note"] = "annotation-" + value } },
            Data = new Dictionary<string, byte[]> { ["password"] = Encoding.UTF8.GetBytes(value) },
            Type = "Opaque",
        },
    };

    [Fact]
    public void ASecretsRow_IsSealedWhole_AndReadsBack()
    {
        var payload = Sealing.Serialize(Secret("hunter2-value")).ToArray();

        Assert.True(SecretEnvelope.IsSealed(payload));
        Assert.Equal(-1, payload.AsSpan().IndexOf("hunter2-value"u8));
        Assert.Equal(-1, payload.AsSpan().IndexOf("annotation-"u8));
        var read = (Secret)Sealing.Deserialize<StoredObject>(new BinaryData(payload))!.Object!;
        Assert.Equal("hunter2-value", Encoding.UTF8.GetString(read.Data!["password"]));
        Assert.Equal("db", read.Metadata.Name);
    }

    [Fact]
    public void UnderTheIdentityProvider_ASecretIsStoredAsItIs_AndOneSealedBeforeStillReads()
    {
        var sealedBefore = Sealing.Serialize(Secret("sealed-value")).ToArray();
        using var identity = SecretEnvelope.Identity([("key1", KeyBytes)]);
        var plainWriter = new SecretSealingSerializer(_plain, identity);

        var payload = plainWriter.Serialize(Secret("plain-value")).ToArray();

        Assert.False(SecretEnvelope.IsSealed(payload));
        Assert.NotEqual(-1, payload.AsSpan().IndexOf("plain-value"u8));
        var read = (Secret)plainWriter.Deserialize<StoredObject>(new BinaryData(sealedBefore))!.Object!;
        Assert.Equal("sealed-value", Encoding.UTF8.GetString(read.Data!["password"]));
        Assert.False(identity.SealsWrites);
        Assert.True(_envelope.SealsWrites);
    }

    [Fact]
    public void ASealedSecret_SaysWhichRowItWasSealedFor()
    {
        var read = Sealing.Deserialize<StoredObject>(Sealing.Serialize(Secret("v")))!;
        Assert.Equal(Row, read.RowKey);
        Assert.Null(Sealing.Deserialize<StoredObject>(_plain.Serialize(Secret("v")))!.RowKey);
    }

    [Fact]
    public void ASecretWrittenWithoutItsRow_IsRefused() =>
        Assert.Throws<InvalidOperationException>(() => Sealing.Serialize(new StoredObject { Object = Secret("v").Object }));

    [Fact]
    public async Task ReadingARow_RefusesASecretSealedForAnotherRow_AnotherTenantsIncluded()
    {
        var storage = new OneRowStorage(Sealing.Deserialize<StoredObject>(Sealing.Serialize(Secret("tenant-one-value")))!);
        var e = await Assert.ThrowsAsync<SecretDecryptionException>(() => ((IObjectStorage)storage).Read(default, "t2/secrets/default/db"));
        Assert.Equal("unable to decrypt Secret \"default/db\": it was sealed for another row (t1/secrets/default/db), not t2/secrets/default/db: the store was altered", e.Message);
        Assert.Same(storage.State, (await ((IObjectStorage)storage).Read(default, Row)).State);
    }

    private sealed class OneRowStorage(StoredObject state) : IObjectStorage
    {
        public StoredObject State => state;

        public Task<(T State, string? ETag)> ReadState<T>(string stateName, GrainId grain, string key) where T : class, new() =>
            Task.FromResult(((T)(object)state, (string?)"1"));

        public Task<string> WriteState<T>(string stateName, GrainId grain, string key, T value, string? etag) where T : class, new() => throw new NotSupportedException();

        public Task<string?> ClearState<T>(string stateName, GrainId grain, string key, string? etag) where T : class, new() => throw new NotSupportedException();
    }

    [Fact]
    public void OtherRows_AreStoredAsBefore()
    {
        var configMap = new StoredObject { Object = new ConfigMap { Metadata = new ObjectMeta { Name = "c" }, Data = new Dictionary<string, string> { ["mode"] = "plain-visible" } } };
        var payload = Sealing.Serialize(configMap).ToArray();

        Assert.Equal(_plain.Serialize(configMap).ToArray(), payload);
        Assert.Equal(new CollectionState { VersionCeiling = 7 }.VersionCeiling, Sealing.Deserialize<CollectionState>(_plain.Serialize(new CollectionState { VersionCeiling = 7 }))!.VersionCeiling);
    }

    [Fact]
    public void ASecretStoredBeforeEncryption_StillReads()
    {
        var legacy = _plain.Serialize(Secret("legacy-value"));
        var read = (Secret)Sealing.Deserialize<StoredObject>(legacy)!.Object!;
        Assert.Equal("legacy-value", Encoding.UTF8.GetString(read.Data!["password"]));
    }

    public void Dispose() => _envelope.Dispose();
}
