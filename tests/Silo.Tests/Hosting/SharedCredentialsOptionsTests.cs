using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using OrleansOrchestrator.Silo.Hosting;

namespace OrleansOrchestrator.Silo.Tests.Hosting;

/// <summary>
/// The pure parts of one control plane of several silos: where the shared credentials live, the names on the shared
/// certificate, the kubeconfig's server, the key fingerprints compared through PostgreSQL, and the credentials folder's lock.
/// </summary>
public sealed class SharedCredentialsOptionsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("oo-credentials-unit-").FullName;

    [Fact]
    public void CredentialsDir_HoldsTheClusterCredentials_WhileTheStoreAndThisSilosKubeconfigStayInTheDataFolder()
    {
        var alone = SiloOptions.Parse(["--data-dir", "/srv/oo"]);
        Assert.Equal("/srv/oo/tokens.csv", alone.TokenFilePath);
        Assert.Equal("/srv/oo/tls", alone.TlsDir);
        Assert.Equal("/srv/oo/service-account.key", alone.ServiceAccountKeyPath);
        Assert.Equal("/srv/oo/encryption-keys", alone.EncryptionKeyFilePath);
        Assert.Equal(alone.KubeconfigPath, alone.SharedKubeconfigPath);

        var shared = SiloOptions.Parse(["--data-dir", "/srv/oo", "--credentials-dir", "/mnt/cluster"]);
        Assert.Equal("/mnt/cluster/tokens.csv", shared.TokenFilePath);
        Assert.Equal("/mnt/cluster/tls", shared.TlsDir);
        Assert.Equal("/mnt/cluster/service-account.key", shared.ServiceAccountKeyPath);
        Assert.Equal("/mnt/cluster/encryption-keys", shared.EncryptionKeyFilePath);
        Assert.Equal("/mnt/cluster/kubeconfig", shared.SharedKubeconfigPath);
        Assert.Equal("/srv/oo/kubeconfig", shared.KubeconfigPath);
        Assert.Equal("/srv/oo/store.db", shared.SqlitePath);

        // Explicit files still win over the folder.
        var explicitFiles = SiloOptions.Parse(["--credentials-dir", "/mnt/cluster", "--encryption-key-file", "/etc/oo/keys", "--service-account-key-file", "/etc/oo/sa.key"]);
        Assert.Equal("/etc/oo/keys", explicitFiles.EncryptionKeyFilePath);
        Assert.Equal("/etc/oo/sa.key", explicitFiles.ServiceAccountKeyPath);
        Assert.Contains("--credentials-dir DIR", SiloOptions.Usage);
    }

    [Theory]
    [InlineData("lb.example.com", "lb.example.com")]
    [InlineData("LB.Example.COM", "lb.example.com")]
    [InlineData("*.apps.example.com", "*.apps.example.com")]
    [InlineData("192.0.2.10", "192.0.2.10")]
    [InlineData("2001:db8::1", "2001:db8::1")]
    public void TlsSan_TakesDnsNamesAndAddresses(string given, string taken) =>
        Assert.Equal([taken], SiloOptions.Parse(["--tls-san", given]).TlsSubjectAlternativeNames);

    [Theory]
    [InlineData("10.1")] // not read as 10.0.0.1
    [InlineData("lb_1.example.com")]
    [InlineData("-lb.example.com")]
    [InlineData("lb..example.com")]
    [InlineData("*.com")]
    [InlineData("")]
    public void TlsSan_RefusesWhatIsNeitherANameNorAnAddress(string given)
    {
        var e = Assert.Throws<ArgumentException>(() => SiloOptions.Parse(["--tls-san", given]));
        Assert.StartsWith("--tls-san:", e.Message);
        Assert.Throws<ArgumentException>(() => SiloOptions.Parse(["--tls-san", new string('a', 300)]));
    }

    [Fact]
    public void RequiredNames_AreTodaysDefaultsPlusTheTlsSans_EachOnce()
    {
        var options = SiloOptions.Parse(["--tls-san", "lb.example.com", "--tls-san", "192.0.2.10", "--tls-san", "localhost"]);
        Assert.Equal(["127.0.0.1", "localhost", "10.96.0.1", "kubernetes", "kubernetes.default", "kubernetes.default.svc",
            "kubernetes.default.svc.cluster.local", "lb.example.com", "192.0.2.10"], CertificateNames.Required(options));
        Assert.Equal(["a", "b", "c"], CertificateNames.Merge(["a", "b"], ["B", "c", "a"]));
    }

    [Fact]
    public void GeneratedCertificate_NamesTheTlsSans_AndWhenMadeAnewKeepsTheNamesItHad()
    {
        var options = new SiloOptions { DataDir = _dir, TlsSubjectAlternativeNames = ["lb.example.com", "*.apps.example.com"] };
        using var first = ApiCertificate.LoadOrCreate(options, out var created);
        Assert.True(created);
        Assert.True(first.MatchesHostname("lb.example.com"));
        Assert.True(first.MatchesHostname("api.apps.example.com"));

        // Another silo of the same folder asks for another name: the certificate is made anew with both.
        using var second = ApiCertificate.LoadOrCreate(options with { TlsSubjectAlternativeNames = ["192.0.2.10"] }, out created);
        Assert.True(created);
        foreach (var name in new[] { "lb.example.com", "api.apps.example.com", "192.0.2.10", "127.0.0.1", "10.96.0.1" })
            Assert.True(second.MatchesHostname(name), name);
        using var again = ApiCertificate.LoadOrCreate(options, out created);
        Assert.False(created);
        Assert.Equal(second.Thumbprint, again.Thumbprint);
    }

    [Fact]
    public void OperatorsCertificateInTheFolder_IsNeverReplaced_EvenWithoutARequestedName()
    {
        var tls = Path.Combine(_dir, "tls");
        Directory.CreateDirectory(tls);
        using (var rsa = RSA.Create(2048))
        {
            var request = new CertificateRequest("CN=corporate-api", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            var names = new SubjectAlternativeNameBuilder();
            names.AddDnsName("localhost");
            request.CertificateExtensions.Add(names.Build());
            using var made = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
            File.WriteAllText(Path.Combine(tls, "apiserver.crt"), made.ExportCertificatePem());
            File.WriteAllText(Path.Combine(tls, "apiserver.key"), rsa.ExportPkcs8PrivateKeyPem());
        }
        using var kept = ApiCertificate.LoadOrCreate(new SiloOptions { DataDir = _dir, TlsSubjectAlternativeNames = ["lb.example.com"] }, out var created);
        Assert.False(created);
        Assert.Equal("CN=corporate-api", kept.Subject);
    }

    [Theory]
    [InlineData("https://lb.example.com:6443", null)]
    [InlineData("https://[2001:db8::1]:6443", null)]
    [InlineData("http://lb.example.com:6443", "an https:// URL")]
    [InlineData("lb.example.com:6443", "an https:// URL")]
    [InlineData("https://user@lb.example.com", "without user")]
    [InlineData("https://lb.example.com/?x=1", "without user, query")]
    public void KubeconfigServer_IsAnHttpsUrl(string url, string? problem)
    {
        if (problem is null) Assert.Equal(url, SiloOptions.Parse(["--kubeconfig-server", url + "/"]).KubeconfigServer);
        else Assert.Contains(problem, Assert.Throws<ArgumentException>(() => SiloOptions.Parse(["--kubeconfig-server", url])).Message);
    }

    [Fact]
    public void Fingerprints_RevealNoKey_AndAreEqualForEqualKeys()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var copy = ECDsa.Create();
        copy.ImportFromPem(key.ExportPkcs8PrivateKeyPem());
        Assert.Equal(KeyFingerprints.ServiceAccount(key), KeyFingerprints.ServiceAccount(copy));
        Assert.StartsWith("sha256:", KeyFingerprints.ServiceAccount(key));
        using var other = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        Assert.NotEqual(KeyFingerprints.ServiceAccount(key), KeyFingerprints.ServiceAccount(other));

        var secret = RandomNumberGenerator.GetBytes(32);
        var text = KeyFingerprints.EncryptionKeys([("key1", secret)]);
        Assert.DoesNotContain(Convert.ToBase64String(secret), text);
        Assert.DoesNotContain(Convert.ToHexStringLower(secret), text);
        Assert.Equal(text, KeyFingerprints.EncryptionKeys([("key1", (byte[])secret.Clone())]));
        Assert.Equal(["key1"], KeyFingerprints.ParseEncryptionKeys(text).Keys);
    }

    [Fact]
    public void Refusal_ForAnotherServiceAccountKeyOrAnotherKeyFile_ButARotationPasses()
    {
        var (k1, k2, k3) = (RandomNumberGenerator.GetBytes(32), RandomNumberGenerator.GetBytes(32), RandomNumberGenerator.GetBytes(32));
        var cluster = KeyFingerprints.EncryptionKeys([("key1", k1)]);
        const string sa = "sha256:aa";

        Assert.Null(KeyFingerprints.Refusal(null, null, sa, cluster)); // the first silo
        Assert.Null(KeyFingerprints.Refusal(sa, cluster, sa, cluster));
        Assert.Contains("service account key", KeyFingerprints.Refusal("sha256:bb", cluster, sa, cluster));
        // A key file of its own: no key in common.
        Assert.Contains("are not those the other silos", KeyFingerprints.Refusal(sa, cluster, sa, KeyFingerprints.EncryptionKeys([("key9", k3)])));
        // The same name, another key.
        Assert.Contains("\"key1\" differ", KeyFingerprints.Refusal(sa, cluster, sa, KeyFingerprints.EncryptionKeys([("key1", k2)])));
        // A rotation: the new key added, then first, then the old one removed.
        var both = KeyFingerprints.EncryptionKeys([("key2", k2), ("key1", k1)]);
        Assert.Null(KeyFingerprints.Refusal(sa, cluster, sa, both));
        Assert.Null(KeyFingerprints.Refusal(sa, both, sa, KeyFingerprints.EncryptionKeys([("key2", k2)])));
        // --rewrite-secrets signs nothing: its service account key is not compared.
        Assert.Null(KeyFingerprints.Refusal("sha256:bb", cluster, null, cluster));
        // A silo without keys (identity provider, nothing sealed) has nothing to compare.
        Assert.Null(KeyFingerprints.Refusal(sa, cluster, sa, null));
    }

    [Fact]
    public async Task CredentialsFolderLock_IsHeldByOneSiloAtATime()
    {
        using (var first = await CredentialsFolder.Lock(_dir, TimeSpan.FromSeconds(5)))
        {
            Assert.True(first.Locked);
            await Assert.ThrowsAsync<TimeoutException>(() => CredentialsFolder.Lock(_dir, TimeSpan.FromMilliseconds(300)));
        }
        using var second = await CredentialsFolder.Lock(_dir, TimeSpan.FromSeconds(5));
        Assert.True(second.Locked);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
