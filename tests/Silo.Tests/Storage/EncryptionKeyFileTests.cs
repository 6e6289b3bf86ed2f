using System.Security.Cryptography;
using OrleansOrchestrator.Silo.Storage.Encryption;

namespace OrleansOrchestrator.Silo.Tests.Storage;

public sealed class EncryptionKeyFileTests
{
    private const string Path = "/data/encryption-keys";

    [Fact]
    public void Parse_KeepsTheOrder_AndSkipsCommentsAndBlankLines()
    {
        var key2 = RandomNumberGenerator.GetBytes(32);
        var key1 = RandomNumberGenerator.GetBytes(16);
        var text = $"# rotation in progress\n\nkey2:{Convert.ToBase64String(key2)}\r\n  key1 : {Convert.ToBase64String(key1)}  \n";

        var keys = EncryptionKeyFile.Parse(text, Path);

        Assert.Equal(["key2", "key1"], keys.Select(k => k.Name));
        Assert.Equal(key2, keys[0].Secret);
        Assert.Equal(key1, keys[1].Secret);
    }

    [Fact]
    public void Format_IsReadBackAsWritten()
    {
        var keys = new[] { EncryptionKeyFile.NewKey("key1"), EncryptionKeyFile.NewKey("backup.2026-12") };
        var read = EncryptionKeyFile.Parse(EncryptionKeyFile.Format(keys), Path);
        Assert.Equal(keys.Select(k => (k.Name, Convert.ToBase64String(k.Secret))), read.Select(k => (k.Name, Convert.ToBase64String(k.Secret))));
        Assert.All(read, k => Assert.Equal(32, k.Secret.Length));
    }

    [Fact]
    public void MadeKeys_HaveNamesOfTheirOwn()
    {
        var names = Enumerable.Range(0, 20).Select(_ => EncryptionKeyFile.NewKeyName()).ToList();
        Assert.Equal(names.Count, names.Distinct().Count());
        Assert.All(names, n => Assert.Matches("^key-[0-9a-f]{8}$", n));
        Assert.All(names, n => Assert.Null(SecretEnvelope.KeyNameProblem(n)));
    }

    [Theory]
    [InlineData("key1", "line 1: expected NAME:BASE64")]
    [InlineData("key1:not base64!", "line 1: key \"key1\" is not valid base64")]
    [InlineData("key1:AAAA", "line 1: key \"key1\" has 3 bytes; AES-GCM needs 16, 24 or 32")]
    [InlineData("bad name:AAAAAAAAAAAAAAAAAAAAAA==", "line 1: key name \"bad name\" must be")]
    [InlineData("k:AAAAAAAAAAAAAAAAAAAAAA==\nk:AAAAAAAAAAAAAAAAAAAAAA==", "line 2: key \"k\" is named twice")]
    [InlineData("# only a comment", "holds no key")]
    public void Parse_RefusesWhatIsNotAKeyFile_NamingTheLine(string text, string expected)
    {
        var e = Assert.Throws<FormatException>(() => EncryptionKeyFile.Parse(text, Path));
        Assert.Contains(expected, e.Message);
    }

    private static readonly IReadOnlyList<(string, byte[])> Key1Only = [("key1", new byte[32])];
    private static readonly Dictionary<string, int> NothingSealed = [];

    [Fact]
    public void FirstStart_WithNoEncryptedSecret_MakesAKeyFile() =>
        Assert.Equal(KeyFileDecision.Create, EncryptionKeyFile.Decide(Path, givenByPath: false, null, NothingSealed));

    [Fact]
    public void MissingKeyFile_OverEncryptedSecrets_RefusesToStart_InsteadOfMakingANewKey()
    {
        var decision = EncryptionKeyFile.Decide(Path, givenByPath: false, null, new Dictionary<string, int> { ["key1"] = 3 });
        Assert.Equal(KeyFileAction.Refuse, decision.Action);
        Assert.Contains("The store holds 3 encrypted Secret(s) but the encryption key file /data/encryption-keys is missing", decision.Refusal);
    }

    [Fact]
    public void AKeyFileGivenByPath_MustExist()
    {
        var decision = EncryptionKeyFile.Decide(Path, givenByPath: true, null, NothingSealed);
        Assert.Equal(KeyFileAction.Refuse, decision.Action);
        Assert.Equal("--encryption-key-file /data/encryption-keys does not exist.", decision.Refusal);
    }

    [Fact]
    public void AKeyRemovedBeforeItsSecretsWereRewritten_RefusesToStart_NamingTheKey()
    {
        var decision = EncryptionKeyFile.Decide(Path, givenByPath: false, [("key2", new byte[32])], new Dictionary<string, int> { ["key1"] = 2, ["key2"] = 5 });
        Assert.Equal(KeyFileAction.Refuse, decision.Action);
        Assert.StartsWith("2 Secret(s) are encrypted with key \"key1\", which /data/encryption-keys does not hold.", decision.Refusal);
    }

    [Fact]
    public void AKeyFileHoldingEveryUsedKey_IsUsed_AndPlaintextSecretsDoNotNeedOne()
    {
        Assert.Equal(KeyFileDecision.Use, EncryptionKeyFile.Decide(Path, false, Key1Only, new Dictionary<string, int> { ["key1"] = 4 }));
        Assert.Equal(KeyFileDecision.Use, EncryptionKeyFile.Decide(Path, true, Key1Only, NothingSealed));
    }
}
