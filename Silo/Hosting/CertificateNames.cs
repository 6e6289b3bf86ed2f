using System.Net;
using System.Security.Cryptography.X509Certificates;

namespace OrleansOrchestrator.Silo.Hosting;

/// <summary>
/// The names the generated API certificate carries: what this silo needs (<see cref="Required"/>) and, when it is made
/// anew, what the certificate already named too, so that silos sharing one certificate with different options converge
/// on one that names everything instead of replacing each other's.
/// </summary>
public static class CertificateNames
{
    /// <summary>A DNS name is at most 253 characters (RFC 1035).</summary>
    public const int MaxNameLength = 253;

    /// <summary>Bounds what a certificate found on disk may make us carry over.</summary>
    public const int MaxNames = 100;

    /// <summary>A <c>--tls-san</c> value: an IP address (normalised) or a DNS name (lower case; <c>*.</c> allowed as its first label).</summary>
    public static bool TryParse(string text, out string name, out string? problem)
    {
        name = "";
        problem = null;
        var value = text.Trim();
        // Only the dotted-quad form of an IPv4 address: "10.1" would otherwise be read as 10.0.0.1.
        if (IPAddress.TryParse(value, out var address) && (value.Contains(':') || address.ToString() == value))
        {
            name = address.ToString();
            return true;
        }
        if (value.Length is 0 or > MaxNameLength)
        {
            problem = $"a DNS name or IP address of 1 to {MaxNameLength} characters, not \"{Shown(value)}\"";
            return false;
        }
        var labels = value.ToLowerInvariant().Split('.');
        for (var i = 0; i < labels.Length; i++)
        {
            var label = labels[i];
            if (i == 0 && label == "*" && labels.Length > 2) continue;
            if (label.Length is 0 or > 63 || label[0] == '-' || label[^1] == '-' || !label.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-'))
            {
                problem = $"\"{Shown(value)}\" is neither an IP address nor a DNS name (labels of letters, digits and '-', at most 63 characters each)";
                return false;
            }
        }
        if (labels[^1].All(char.IsAsciiDigit))
        {
            problem = $"\"{Shown(value)}\" is neither an IP address (a.b.c.d) nor a DNS name (its last label is a number)";
            return false;
        }
        name = string.Join('.', labels);
        return true;
    }

    /// <summary>
    /// Every name this silo's certificate must carry: loopback and localhost, the address the kubeconfig names, the
    /// <c>kubernetes</c> Service's names and the advertised address (what pods use), and the operator's <c>--tls-san</c> names.
    /// </summary>
    public static IReadOnlyList<string> Required(SiloOptions options) =>
    [
        .. new[] { IPAddress.Loopback.ToString(), "localhost", options.ClientAddress.ToString() }
            .Concat(ApiCertificate.InClusterNames(options))
            .Concat(options.TlsSubjectAlternativeNames)
            .Select(Normalise)
            .Distinct(StringComparer.Ordinal),
    ];

    /// <summary>The names of <paramref name="required"/> that <paramref name="certificate"/> does not cover.</summary>
    public static IReadOnlyList<string> Missing(X509Certificate2 certificate, IEnumerable<string> required) =>
        [.. required.Where(name => !certificate.MatchesHostname(name.StartsWith("*.", StringComparison.Ordinal) ? $"x{name[1..]}" : name))];

    /// <summary>The names a certificate carries in its subject alternative name extension (at most <see cref="MaxNames"/>).</summary>
    public static IReadOnlyList<string> Of(X509Certificate2 certificate)
    {
        var extension = certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>().FirstOrDefault();
        if (extension is null) return [];
        return [.. extension.EnumerateDnsNames().Concat(extension.EnumerateIPAddresses().Select(a => a.ToString())).Select(Normalise).Distinct(StringComparer.Ordinal).Take(MaxNames)];
    }

    /// <summary>
    /// The names of a certificate made anew: those required first, then those the previous one had (another silo's
    /// <c>--tls-san</c> or <c>--bind-address</c>), each once.
    /// </summary>
    public static IReadOnlyList<string> Merge(IEnumerable<string> required, IEnumerable<string> previous) =>
        [.. required.Concat(previous).Select(Normalise).Distinct(StringComparer.Ordinal).Take(MaxNames)];

    public static SubjectAlternativeNameBuilder Build(IEnumerable<string> names)
    {
        var builder = new SubjectAlternativeNameBuilder();
        foreach (var name in names)
        {
            if (IPAddress.TryParse(name, out var address)) builder.AddIpAddress(address);
            else builder.AddDnsName(name);
        }
        return builder;
    }

    private static string Normalise(string name) =>
        IPAddress.TryParse(name, out var address) ? address.ToString() : name.ToLowerInvariant();

    private static string Shown(string value) => value.Length > 64 ? value[..64] + "…" : value;
}
