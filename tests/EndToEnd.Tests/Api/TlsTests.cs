using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using OrleansOrchestrator.EndToEnd.Tests.Infrastructure;

namespace OrleansOrchestrator.EndToEnd.Tests.Api;

/// <summary>The API serves the operator's certificate when one is configured, and a generated one otherwise.</summary>
public sealed class TlsTests
{
    [Fact]
    public async Task ConfiguredCertificate_IsTheOneServed()
    {
        var dir = Directory.CreateTempSubdirectory("oo-tls-").FullName;
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest("CN=operator-provided", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(System.Net.IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        await File.WriteAllTextAsync(Path.Combine(dir, "tls.crt"), certificate.ExportCertificatePem());
        await File.WriteAllTextAsync(Path.Combine(dir, "tls.key"), rsa.ExportPkcs8PrivateKeyPem());

        await using var silo = new SiloProcess(extraArgs: ["--tls-cert", Path.Combine(dir, "tls.crt"), "--tls-key", Path.Combine(dir, "tls.key")]);
        await silo.Start();

        Assert.Equal(certificate.Thumbprint, await ServedThumbprint(silo.ApiPort));
        Assert.False(File.Exists(Path.Combine(silo.DataDir, "tls", "apiserver.crt")));
        // kubectl trusts it through the kubeconfig the silo wrote.
        Assert.Contains("default", await new Kubectl("1.32", silo.KubeconfigPath).Ok("get namespaces -o name"));
        Directory.Delete(dir, true);
    }

    [Fact]
    public async Task NoCertificateConfigured_ASelfSignedOneIsMadeOnceAndKept()
    {
        await using var silo = new SiloProcess();
        await silo.Start();
        var first = await ServedThumbprint(silo.ApiPort);
        await silo.Stop();
        await silo.Start();
        Assert.Equal(first, await ServedThumbprint(silo.ApiPort));
    }

    [Fact]
    public async Task DashboardAddress_ShowsWhereTheApiAndKubeconfigAre()
    {
        await using var silo = new SiloProcess();
        await silo.Start();
        using var http = new HttpClient();
        var page = await http.GetStringAsync($"http://127.0.0.1:{silo.DashboardPort}/");
        Assert.Contains($"https://127.0.0.1:{silo.ApiPort}", page);
        Assert.Contains(silo.KubeconfigPath, page);
    }

    private static async Task<string> ServedThumbprint(int port)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(System.Net.IPAddress.Loopback, port);
        string? thumbprint = null;
        await using var ssl = new SslStream(tcp.GetStream(), false, (_, cert, _, _) =>
        {
            thumbprint = cert?.GetCertHashString();
            return true;
        });
        await ssl.AuthenticateAsClientAsync("127.0.0.1");
        return thumbprint!;
    }
}
