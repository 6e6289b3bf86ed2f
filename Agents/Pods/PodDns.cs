using System.Text;
using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Contracts.Networking;

namespace OrleansOrchestrator.Agents.Pods;

/// <summary>A resolver configuration: what <c>/etc/resolv.conf</c> says.</summary>
public sealed record ResolverConfig(IReadOnlyList<string> Nameservers, IReadOnlyList<string> Searches, IReadOnlyList<string> Options)
{
    public static readonly ResolverConfig Empty = new([], [], []);
}

/// <summary>
/// A pod's name resolution as the kubelet sets it up: its <c>/etc/resolv.conf</c> from <c>dnsPolicy</c> and
/// <c>dnsConfig</c>, and its <c>/etc/hosts</c> with its own host name (and FQDN when it has a subdomain).
/// Pure: the node's own resolver configuration and the cluster's network facts come in as arguments.
/// </summary>
public static class PodDns
{
    // The kubelet's limits: glibc reads at most 3 name servers; search lists beyond 32 domains or 2048 characters are cut.
    public const int MaxNameservers = 3;
    public const int MaxSearches = 32;
    public const int MaxSearchChars = 2048;

    private const int MaxHostnameLength = 63;

    /// <summary>
    /// The pod's resolver configuration. <c>ClusterFirst</c> (the default; also <c>ClusterFirstWithHostNet</c>):
    /// only the cluster DNS server, the namespace's search path before the node's, <c>ndots:5</c>. <c>Default</c>:
    /// the node's configuration. <c>None</c>: nothing but <c>dnsConfig</c>. Then <c>dnsConfig</c> is added (its
    /// options replace the policy's of the same name) and the kubelet's limits applied.
    /// </summary>
    public static ResolverConfig ResolvConf(PodSpec spec, string @namespace, ClusterNetwork network, ResolverConfig node)
    {
        var policy = spec.DnsPolicy ?? "ClusterFirst";
        // A pod in the node's network namespace cannot use an address only pods reach: ClusterFirst falls back to the
        // node's configuration there, unless the pod asked for ClusterFirstWithHostNet.
        if (policy == "ClusterFirst" && spec.HostNetwork == true) policy = "Default";

        var config = policy switch
        {
            "Default" => node,
            "None" => ResolverConfig.Empty,
            _ => new ResolverConfig(
                [network.DnsIp],
                Distinct([$"{@namespace}.svc.{network.ClusterDomain}", $"svc.{network.ClusterDomain}", network.ClusterDomain, .. node.Searches]),
                ["ndots:5"]),
        };

        if (spec.DnsConfig is { } extra)
        {
            config = new ResolverConfig(
                Distinct([.. config.Nameservers, .. extra.Nameservers ?? []]),
                Distinct([.. config.Searches, .. extra.Searches ?? []]),
                MergeOptions(config.Options, extra.Options ?? []));
        }

        return Limit(config);
    }

    /// <summary>The file's text: name servers, then one search line, then one options line, as the kubelet writes it.</summary>
    public static string Render(ResolverConfig config)
    {
        var text = new StringBuilder();
        foreach (var server in config.Nameservers) text.Append("nameserver ").Append(server).Append('\n');
        if (config.Searches.Count > 0) text.Append("search ").AppendJoin(' ', config.Searches).Append('\n');
        if (config.Options.Count > 0) text.Append("options ").AppendJoin(' ', config.Options).Append('\n');
        return text.ToString();
    }

    /// <summary>
    /// Reads a node's <c>resolv.conf</c>. Loopback name servers (a local caching resolver such as systemd-resolved's
    /// 127.0.0.53) are left out: inside a pod's network namespace that address is the pod itself.
    /// </summary>
    public static ResolverConfig ParseResolvConf(string text)
    {
        var servers = new List<string>();
        var searches = new List<string>();
        var options = new List<string>();
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Split('#', ';')[0].Trim();
            var fields = line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length < 2) continue;
            switch (fields[0])
            {
                case "nameserver":
                    if (!(System.Net.IPAddress.TryParse(fields[1], out var address) && System.Net.IPAddress.IsLoopback(address))) servers.Add(fields[1]);
                    break;
                case "search":
                    // The last search line wins, as in the resolver.
                    searches = fields.Skip(1).ToList();
                    break;
                case "options":
                    options.AddRange(fields.Skip(1));
                    break;
            }
        }
        return new ResolverConfig(servers, searches, options);
    }

    /// <summary>
    /// The pod's host name (<c>spec.hostname</c>, else its name, at most 63 characters) and, when it has a
    /// <c>subdomain</c>, the domain of its FQDN: <c>subdomain.namespace.svc.cluster-domain</c>.
    /// </summary>
    public static (string Hostname, string? Domain) HostnameAndDomain(Pod pod, string clusterDomain)
    {
        var hostname = Hostname(pod);
        var domain = pod.Spec.Subdomain is { Length: > 0 } subdomain
            ? $"{subdomain}.{pod.Metadata.Namespace ?? "default"}.svc.{clusterDomain}"
            : null;
        return (hostname, domain);
    }

    /// <summary>The pod's host name: <c>spec.hostname</c>, else its name cut to 63 characters (without a trailing '-' or '.').</summary>
    public static string Hostname(Pod pod)
    {
        var hostname = pod.Spec.Hostname is { Length: > 0 } given ? given : pod.Metadata.Name ?? "";
        return hostname.Length > MaxHostnameLength ? hostname[..MaxHostnameLength].TrimEnd('-', '.') : hostname;
    }

    /// <summary>The pod's <c>/etc/hosts</c> as the kubelet writes it: localhost entries, then the pod's address with its names.</summary>
    public static string HostsFile(string? podIp, string hostname, string? domain)
    {
        var text = new StringBuilder()
            .Append("# Kubernetes-managed hosts file.\n")
            .Append("127.0.0.1\tlocalhost\n")
            .Append("::1\tlocalhost ip6-localhost ip6-loopback\n")
            .Append("fe00::0\tip6-localnet\n")
            .Append("fe00::0\tip6-mcastprefix\n")
            .Append("fe00::1\tip6-allnodes\n")
            .Append("fe00::2\tip6-allrouters\n");
        if (!string.IsNullOrEmpty(podIp))
        {
            text.Append(podIp).Append('\t');
            if (domain is not null) text.Append(hostname).Append('.').Append(domain).Append('\t');
            text.Append(hostname).Append('\n');
        }
        return text.ToString();
    }

    private static IReadOnlyList<string> MergeOptions(IReadOnlyList<string> existing, IReadOnlyList<PodDNSConfigOption> added)
    {
        // By option name, first-seen order; a dnsConfig option replaces the policy's value.
        var merged = new List<(string Name, string? Value)>();
        void Set(string name, string? value)
        {
            var index = merged.FindIndex(o => o.Name == name);
            if (index < 0) merged.Add((name, value));
            else merged[index] = (name, value);
        }
        foreach (var option in existing)
        {
            var colon = option.IndexOf(':');
            Set(colon < 0 ? option : option[..colon], colon < 0 ? null : option[(colon + 1)..]);
        }
        foreach (var option in added) Set(option.Name, option.Value);
        return merged.Select(o => string.IsNullOrEmpty(o.Value) ? o.Name : $"{o.Name}:{o.Value}").ToList();
    }

    private static ResolverConfig Limit(ResolverConfig config)
    {
        var searches = new List<string>();
        var chars = 0;
        foreach (var search in config.Searches.Take(MaxSearches))
        {
            chars += search.Length + (searches.Count > 0 ? 1 : 0);
            if (chars > MaxSearchChars) break;
            searches.Add(search);
        }
        return new ResolverConfig(config.Nameservers.Take(MaxNameservers).ToList(), searches, config.Options);
    }

    private static IReadOnlyList<string> Distinct(IEnumerable<string> values) =>
        values.Where(v => v.Length > 0).Distinct(StringComparer.Ordinal).ToList();
}
