using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace OrleansOrchestrator.Silo.Hosting;

/// <summary>
/// The API's TLS certificate: the configured one, or a self-signed one made on first start and kept in the
/// data folder. kubectl sends bearer tokens only over TLS, and trusts this certificate through the
/// kubeconfig's <c>certificate-authority-data</c>. The generated one names loopback, localhost and the
/// <c>--bind-address</c> (when it is one address), the <c>kubernetes</c> Service's cluster IP and DNS names and the
/// <c>--advertise-address</c> (so that pods verify it), the <c>--tls-san</c> names (a load balancer's), and is issued
/// again when one of these is not among its names (see <see cref="CertificateNames"/>). It lives in the credentials folder,
/// which silos of one control plane share, so every silo serves the same certificate and one kubeconfig trusts them all.
/// Issued again, it keeps its key and subject: a client that trusts the previous certificate as its CA finds the new
/// one signed by that CA's subject and key, so kubeconfigs already given out and silos still serving the previous one
/// all keep working together.
/// </summary>
public static class ApiCertificate
{
    /// <summary>The subject of the certificates we generate: one with another subject is the operator's, never replaced.</summary>
    public const string GeneratedSubject = "CN=orleans-orchestrator-apiserver";

    public static X509Certificate2 LoadOrCreate(SiloOptions options) => LoadOrCreate(options, out _);

    /// <param name="created">Whether this call made the certificate (the first start, or a name was missing).</param>
    public static X509Certificate2 LoadOrCreate(SiloOptions options, out bool created)
    {
        created = false;
        if (options.TlsCertificate is { } certPath)
            return Reload(X509Certificate2.CreateFromPemFile(certPath, options.TlsKey ?? certPath));

        var dir = options.TlsDir;
        var cert = Path.Combine(dir, "apiserver.crt");
        var key = Path.Combine(dir, "apiserver.key");
        var required = CertificateNames.Required(options);
        IReadOnlyList<string> previous = [];
        if (File.Exists(cert) && File.Exists(key))
        {
            var existing = Reload(X509Certificate2.CreateFromPemFile(cert, key));
            var missing = CertificateNames.Missing(existing, required);
            if (missing.Count == 0) return existing;
            if (existing.Subject != GeneratedSubject)
            {
                // Put there by the operator (or another tool): theirs to renew; kubectl will refuse the names it lacks.
                Console.Error.WriteLine($"warning: the API certificate {cert} does not name {string.Join(", ", missing)}; it was not made by this silo, so it is kept as it is.");
                return existing;
            }
            // Made for another --bind-address or --tls-san, or before pods reached the API through the kubernetes Service:
            // issued again, keeping the names it had, which another silo sharing it may need.
            previous = CertificateNames.Of(existing);
            existing.Dispose();
            Console.Error.WriteLine($"The API certificate {cert} did not name {string.Join(", ", missing)}: issued again with the same key, so kubeconfigs holding the previous one still trust it; other silos sharing it serve it from their next start.");
        }

        DataFolder.CreateFolder(dir);
        var reissued = previous.Count > 0;
        using var rsa = RSA.Create(2048);
        if (reissued) rsa.ImportFromPem(File.ReadAllText(key));
        var request = new CertificateRequest(GeneratedSubject, rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(CertificateNames.Build(CertificateNames.Merge(required, previous)).Build());
        // Its own CA: kubectl verifies the server against this very certificate.
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(
            X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment | X509KeyUsageFlags.KeyCertSign, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var made = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(10));
        // Under CredentialsFolder's lock: no other silo of the folder reads the pair while it is replaced.
        if (!reissued) OwnerOnlyFile.Write(key, rsa.ExportPkcs8PrivateKeyPem());
        OwnerOnlyFile.Write(cert, made.ExportCertificatePem());
        created = true;
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
