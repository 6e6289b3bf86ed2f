using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace OrleansOrchestrator.Silo.Hosting;

/// <summary>Writes a kubeconfig that kubectl and KubernetesClient can use at once: our server, its certificate, the admin token.</summary>
public static class Kubeconfig
{
    public static void Write(string path, string server, X509Certificate2 certificate, string user, string token, string ns = "default")
    {
        var ca = Convert.ToBase64String(Encoding.ASCII.GetBytes(certificate.ExportCertificatePem()));
        var text = $"""
            apiVersion: v1
            kind: Config
            clusters:
            - name: orleans-orchestrator
              cluster:
                server: {server}
                certificate-authority-data: {ca}
            users:
            - name: {user}
              user:
                token: {token}
            contexts:
            - name: orleans-orchestrator
              context:
                cluster: orleans-orchestrator
                user: {user}
                namespace: {ns}
            current-context: orleans-orchestrator

            """;
        OwnerOnlyFile.Write(path, text);
    }
}
