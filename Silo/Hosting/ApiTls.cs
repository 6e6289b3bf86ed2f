using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Server.Kestrel.Https;

namespace OrleansOrchestrator.Silo.Hosting;

/// <summary>
/// The API's TLS: its certificate, and only TLS 1.2 and 1.3 (as kube-apiserver's default minimum), whatever older
/// protocol the platform's TLS library would still agree to.
/// </summary>
public static class ApiTls
{
    public const SslProtocols Protocols = SslProtocols.Tls12 | SslProtocols.Tls13;

    public static HttpsConnectionAdapterOptions Options(X509Certificate2 certificate) => new()
    {
        ServerCertificate = certificate,
        SslProtocols = Protocols,
    };
}
