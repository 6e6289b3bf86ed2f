using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace OrleansOrchestrator.Silo.Hosting;

/// <summary>
/// The API's TLS certificate: the configured one, or a self-signed one made on first start and kept in the
/// data folder. kubectl sends bearer tokens only over TLS, and trusts this certificate through the
/// kubeconfig's <c>certificate-authority-data</c>. The generated one names loopback, localhost and the
/// <c>--bind-address</c> (when it is one address), the <c>kubernetes</c> Service's cluster IP and DNS names and the
/// <c>--advertise-address</c> (so that pods verify it), and is made anew when one of these is not among its names.
/// </summary>
public static class ApiCertificate
{
    public static X509Certificate2 LoadOrCreate(SiloOptions options)
    {
        if (options.TlsCertificate is { } certPath)
            return Reload(X509Certificate2.CreateFromPemFile(certPath, options.TlsKey ?? certPath));

        var dir = options.TlsDir;
        var cert = Path.Combine(dir, "apiserver.crt");
        var key = Path.Combine(dir, "apiserver.key");
        if (File.Exists(cert) && File.Exists(key))
        {
            var existing = Reload(X509Certificate2.CreateFromPemFile(cert, key));
            // Made for another --bind-address (kubectl would refuse it for the address the kubeconfig now names), or before
            // pods reached the API through the kubernetes Service: made anew.
            if (existing.MatchesHostname(options.ClientAddress.ToString()) && InClusterNames(options).All(name => existing.MatchesHostname(name))) return existing;
            existing.Dispose();
        }

        DataFolder.CreateFolder(dir);
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest("CN=orleans-orchestrator-apiserver", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(System.Net.IPAddress.Loopback);
        names.AddDnsName("localhost");
        // The address the kubeconfig names (::1 too, for a bind to every IPv6 address).
        if (!options.ClientAddress.Equals(System.Net.IPAddress.Loopback)) names.AddIpAddress(options.ClientAddress);
        // What pods reach the API by: the kubernetes Service's cluster IP and names, and the address its endpoints name.
        foreach (var name in InClusterNames(options).Distinct())
        {
            if (System.Net.IPAddress.TryParse(name, out var address))
            {
                if (!address.Equals(System.Net.IPAddress.Loopback) && !address.Equals(options.ClientAddress)) names.AddIpAddress(address);
            }
            else names.AddDnsName(name);
        }
        request.CertificateExtensions.Add(names.Build());
        // Its own CA: kubectl verifies the server against this very certificate.
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(
            X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment | X509KeyUsageFlags.KeyCertSign, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(10));
        OwnerOnlyFile.Write(cert, created.ExportCertificatePem());
        OwnerOnlyFile.Write(key, rsa.ExportPkcs8PrivateKeyPem());
        return Reload(X509Certificate2.CreateFromPemFile(cert, key));
    }

    /// <summary>The names in-cluster clients use for the API: the kubernetes Service (by cluster IP and DNS) and the advertised address.</summary>
    public static IReadOnlyList<string> InClusterNames(SiloOptions options) =>
    [
        options.ClusterNetwork.KubernetesServiceIp,
        options.AdvertiseAddress,
        KubernetesService.Name,
        $"{KubernetesService.Name}.{KubernetesService.Namespace}",
        $"{KubernetesService.Name}.{KubernetesService.Namespace}.svc",
        $"{KubernetesService.Name}.{KubernetesService.Namespace}.svc.cluster.local",
    ];

    /// <summary>Kestrel on Linux needs the key in an exportable, persisted form; a PKCS#12 round trip gives that.</summary>
    private static X509Certificate2 Reload(X509Certificate2 pem)
    {
        using (pem)
            return X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
    }
}
