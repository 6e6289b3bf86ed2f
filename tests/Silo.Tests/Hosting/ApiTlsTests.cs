// TLS 1.1 is asked for on purpose: to see it refused.
#pragma warning disable SYSLIB0039
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using OrleansOrchestrator.Silo.Hosting;

namespace OrleansOrchestrator.Silo.Tests.Hosting;

/// <summary>The API speaks TLS 1.2 and 1.3 only.</summary>
public sealed class ApiTlsTests
{
    [Fact]
    public void Options_OnlyTls12And13()
    {
        using var certificate = SelfSigned();
        Assert.Equal(SslProtocols.Tls12 | SslProtocols.Tls13, ApiTls.Options(certificate).SslProtocols);
    }

    [Fact]
    public async Task Handshake_Tls12And13Accepted_Tls11Refused()
    {
        using var certificate = SelfSigned();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, l => l.UseHttps(ApiTls.Options(certificate))));
        await using var app = builder.Build();
        app.Run(context => context.Response.WriteAsync("ok"));
        await app.StartAsync();
        var port = new Uri(app.Urls.First()).Port;

        Assert.Equal(SslProtocols.Tls12, await Handshake(port, SslProtocols.Tls12));
        Assert.Equal(SslProtocols.Tls13, await Handshake(port, SslProtocols.Tls13));
        // Only where this platform's TLS library can still offer 1.1 at all does the server's refusal show.
        if (await CanOfferTls11())
            await Assert.ThrowsAnyAsync<Exception>(() => Handshake(port, SslProtocols.Tls11));
    }

    private static async Task<SslProtocols> Handshake(int port, SslProtocols protocols)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, port);
        await using var ssl = new SslStream(tcp.GetStream(), false, (_, _, _, _) => true);
        await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "localhost", EnabledSslProtocols = protocols });
        return ssl.SslProtocol;
    }

    /// <summary>Whether a server open to TLS 1.1 completes a 1.1 handshake with this platform's client.</summary>
    private static async Task<bool> CanOfferTls11()
    {
        using var certificate = SelfSigned();
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var serving = Task.Run(async () =>
        {
            using var client = await listener.AcceptTcpClientAsync();
            await using var ssl = new SslStream(client.GetStream());
            await ssl.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = certificate, EnabledSslProtocols = SslProtocols.Tls11 | SslProtocols.Tls12 });
        });
        try
        {
            await Handshake(port, SslProtocols.Tls11);
            return true;
        }
        catch (Exception e) when (e is AuthenticationException or IOException or PlatformNotSupportedException or System.ComponentModel.Win32Exception)
        {
            return false;
        }
        finally
        {
            await serving.ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    private static X509Certificate2 SelfSigned()
    {
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest("CN=localhost", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        return X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pkcs12), null);
    }
}
