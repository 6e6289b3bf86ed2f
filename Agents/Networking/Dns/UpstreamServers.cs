using System.Net;

namespace OrleansOrchestrator.Agents.Networking.Dns;

/// <summary>Where names outside the cluster domain are asked: the host's own resolvers, as CoreDNS' <c>forward . /etc/resolv.conf</c>.</summary>
public static class UpstreamServers
{
    /// <summary>glibc reads at most three nameservers; so do we.</summary>
    public const int MaxServers = 3;

    /// <summary>
    /// The host's resolvers. The agent forwards from the host's own network namespace, so a loopback stub
    /// (systemd-resolved's 127.0.0.53) works as it does for any host process; only when every listed server
    /// is such a stub and systemd-resolved publishes its real upstreams do we use those, as the kubelet does.
    /// </summary>
    public static IReadOnlyList<IPEndPoint> ForThisHost(string resolvConf = "/etc/resolv.conf", string resolvedUpstreams = "/run/systemd/resolve/resolv.conf")
    {
        var servers = File.Exists(resolvConf) ? Parse(File.ReadAllText(resolvConf)) : [];
        if (servers.Count > 0 && servers.All(s => IPAddress.IsLoopback(s.Address)) && File.Exists(resolvedUpstreams))
        {
            var real = Parse(File.ReadAllText(resolvedUpstreams));
            if (real.Count > 0) return real;
        }
        return servers;
    }

    /// <summary>The <c>nameserver</c> lines of a resolv.conf, in order, port 53 (an IPv6 zone suffix like <c>%eth0</c> is dropped).</summary>
    public static IReadOnlyList<IPEndPoint> Parse(string resolvConf)
    {
        var servers = new List<IPEndPoint>();
        foreach (var raw in resolvConf.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line[0] is '#' or ';') continue;
            var fields = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length < 2 || fields[0] != "nameserver") continue;
            var address = fields[1].Split('%')[0];
            if (IPAddress.TryParse(address, out var ip) && servers.Count < MaxServers) servers.Add(new IPEndPoint(ip, 53));
        }
        return servers;
    }

    /// <summary>Parses <c>ADDRESS[:PORT]</c> or <c>[v6]:PORT</c> (port 53 by default), for options and tests.</summary>
    public static IPEndPoint ParseEndpoint(string text) =>
        IPAddress.TryParse(text, out var address) ? new IPEndPoint(address, 53) : IPEndPoint.Parse(text.Trim());

    internal static string Describe(IEnumerable<IPEndPoint> servers) =>
        string.Join(", ", servers.Select(s => s.ToString())) is { Length: > 0 } list ? list : "none";
}
