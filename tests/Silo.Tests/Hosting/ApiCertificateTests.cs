using System.Net;
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

    public void Dispose() => Directory.Delete(_dir, true);
}
