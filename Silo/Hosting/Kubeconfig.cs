using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace OrleansOrchestrator.Silo.Hosting;

/// <summary>Writes a kubeconfig that kubectl and KubernetesClient can use at once: our server, its certificate, the admin token.</summary>
public static class Kubeconfig
{
    /// <summary>
    /// The token of the kubeconfig this silo wrote before (null: none, or not ours). The token file keeps only the
    /// bootstrap token's hash, so a restart writes the kubeconfig again (new ports, same token) from here.
    /// </summary>
    public static string? TokenOf(string path)
    {
        if (!File.Exists(path) || new FileInfo(path).Length > 64 * 1024) return null;
        var line = File.ReadLines(path).Select(l => l.Trim()).FirstOrDefault(l => l.StartsWith("token: ", StringComparison.Ordinal));
        return line?["token: ".Length..].Trim();
    }

    /// <summary>
    /// Writes this silo's kubeconfig and, when it made or changed them (or names a load balancer), the cluster's copy in the
    /// credentials folder, both with the same administrator's token and CA; the server is <c>--kubeconfig-server</c> or this
    /// silo's API (<paramref name="server"/>). The token is the one just made (the token file keeps only its hash), one the
    /// file holds as itself, or the one this silo's or the cluster's kubeconfig already has while the file still names it an
    /// administrator's.
    /// </summary>
    public static void WriteForSilo(SiloOptions options, string server, X509Certificate2 certificate, Api.Auth.TokenFile tokens,
        string? createdAdminToken, bool certificateCreated)
    {
        var kubeconfigServer = options.KubeconfigServer ?? server;
        var adminToken = createdAdminToken ?? tokens.PlainAdminToken
            ?? new[] { options.KubeconfigPath, options.SharedKubeconfigPath }.Select(TokenOf)
                .FirstOrDefault(kept => kept is not null && tokens.Authenticate(kept) is { IsAdmin: true });
        if (adminToken is null || tokens.Authenticate(adminToken) is not { } admin)
        {
            Console.Error.WriteLine($"No administrator's token (group {Api.Auth.Caller.AdminGroup}) is known from {options.TokenFilePath}, "
                + $"{options.KubeconfigPath} or {options.SharedKubeconfigPath}: no kubeconfig written.");
            return;
        }
        Write(options.KubeconfigPath, kubeconfigServer, certificate, admin.User, adminToken);
        var shared = options.SharedKubeconfigPath;
        if (shared == options.KubeconfigPath
            || (options.KubeconfigServer is null && createdAdminToken is null && !certificateCreated && TokenOf(shared) == adminToken))
            return;
        try { Write(shared, kubeconfigServer, certificate, admin.User, adminToken); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"warning: the cluster's kubeconfig {shared} could not be written ({e.Message}); this silo's is {options.KubeconfigPath}.");
        }
    }

    /// <summary>Bounds what <c>--kubeconfig-server</c> takes.</summary>
    public const int MaxServerLength = 2048;

    /// <summary>Why a <c>--kubeconfig-server</c> value cannot be a kubeconfig's server (null: it can).</summary>
    public static string? ServerProblem(string url) =>
        url.Length > MaxServerLength ? $"a URL of at most {MaxServerLength} characters"
        : !Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttps || uri.Host.Length == 0
            ? $"an https:// URL such as https://api.example.com:6443, not \"{(url.Length > 64 ? url[..64] + "…" : url)}\""
        : uri.Query.Length > 0 || uri.Fragment.Length > 0 || uri.UserInfo.Length > 0 ? "a URL without user, query or fragment"
        : url.Any(char.IsWhiteSpace) ? "a URL without spaces"
        : null;

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
