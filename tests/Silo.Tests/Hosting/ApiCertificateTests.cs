using System.Net;
using System.Security.Cryptography.X509Certificates;
using OrleansOrchestrator.Silo.Hosting;

namespace OrleansOrchestrator.Silo.Tests.Hosting;

/// <summary>The generated certificate names the address the kubeconfig names, so kubectl accepts it after a --bind-address.</summary>
public sealed class ApiCertificateTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("oo-cert-").FullName;

    [Fact]
    public void Generated_NamesTheBindAddress_MadeAnewOnlyWhenTheAddressIsNotNamed()
    {
        var loopback = new SiloOptions { DataDir = _dir };
        using var first = ApiCertificate.LoadOrCreate(loopback);
        Assert.True(first.MatchesHostname("127.0.0.1"));
        using (var again = ApiCertificate.LoadOrCreate(loopback with { BindAddress = IPAddress.Any }))
            Assert.Equal(first.Thumbprint, again.Thumbprint); // 0.0.0.0: the kubeconfig names 127.0.0.1, which it covers

        using var specific = ApiCertificate.LoadOrCreate(loopback with { BindAddress = IPAddress.Parse("192.0.2.7") });
        Assert.NotEqual(first.Thumbprint, specific.Thumbprint);
        Assert.True(specific.MatchesHostname("192.0.2.7"));
        Assert.True(specific.MatchesHostname("127.0.0.1"));

        using var v6 = ApiCertificate.LoadOrCreate(loopback with { BindAddress = IPAddress.IPv6Any });
        Assert.True(v6.MatchesHostname("::1"));
    }

    [Fact]
    public void Generated_NamesTheKubernetesService_SoThatPodsVerifyTheApi()
    {
        var options = new SiloOptions { DataDir = _dir, AdvertiseAddress = "172.17.0.1" };
        using var cert = ApiCertificate.LoadOrCreate(options);
        foreach (var name in new[] { "10.96.0.1", "172.17.0.1", "kubernetes", "kubernetes.default", "kubernetes.default.svc", "kubernetes.default.svc.cluster.local" })
            Assert.True(cert.MatchesHostname(name), name);

        // Another service range: the kubernetes Service's address moved, so the certificate is made anew.
        using var moved = ApiCertificate.LoadOrCreate(options with { ServiceRange = Contracts.Networking.ServiceRange.Parse("10.100.0.0/16") });
        Assert.NotEqual(cert.Thumbprint, moved.Thumbprint);
        Assert.True(moved.MatchesHostname("10.100.0.1"));
    }

    [Fact]
    public void IssuedAgainForANewName_KeepsTheKeyAndSubject_SoWhoeverTrustsThePreviousOneTrustsIt()
    {
        var options = new SiloOptions { DataDir = _dir };
        using var previous = ApiCertificate.LoadOrCreate(options);
        using var reissued = ApiCertificate.LoadOrCreate(options with { TlsSubjectAlternativeNames = ["lb.example.com"] }, out var created);
        Assert.True(created);
        Assert.NotEqual(previous.Thumbprint, reissued.Thumbprint);
        Assert.True(reissued.MatchesHostname("lb.example.com"));
        Assert.True(reissued.MatchesHostname("127.0.0.1"));
        // Self-signed under the previous one's subject with the previous one's key: a client whose CA is the previous
        // certificate finds the new one issued by it (kubectl does: SharedCredentialsTests in the end-to-end tests;
        // .NET's own chain builder stops at a self-signed leaf, so it is not the check here).
        Assert.Equal(previous.SubjectName.RawData, reissued.IssuerName.RawData);
        Assert.Equal(PublicKey(previous), PublicKey(reissued));
        using var stranger = ApiCertificate.LoadOrCreate(new SiloOptions { DataDir = Path.Combine(_dir, "another-cluster") });
        Assert.NotEqual(PublicKey(previous), PublicKey(stranger));
    }

    private static byte[] PublicKey(X509Certificate2 certificate) => certificate.PublicKey.ExportSubjectPublicKeyInfo();

    public void Dispose() => Directory.Delete(_dir, true);
}
