using System.Net;
using OrleansOrchestrator.Agents.Networking.Dns;

namespace OrleansOrchestrator.Agents.Tests.Networking;

public sealed class UpstreamServersTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("oo-dns-upstreams-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Nameserver_lines_are_read_in_order_and_at_most_three()
    {
        var servers = UpstreamServers.Parse("""
            # generated
            search example.com
            nameserver 10.255.255.53
            ; a comment
            nameserver   fe80::1%eth0
            nameserver not-an-address
            nameserver 192.0.2.1
            nameserver 192.0.2.2
            options ndots:1
            """);

        Assert.Equal(["10.255.255.53:53", "[fe80::1]:53", "192.0.2.1:53"], servers.Select(s => s.ToString()));
    }

    [Fact]
    public void A_host_whose_only_resolver_is_a_loopback_stub_uses_the_stubs_published_upstreams()
    {
        var resolvConf = Write("resolv.conf", "nameserver 127.0.0.53\noptions edns0\n");
        var resolved = Write("resolved.conf", "nameserver 192.0.2.53\n");

        Assert.Equal([new IPEndPoint(IPAddress.Parse("192.0.2.53"), 53)], UpstreamServers.ForThisHost(resolvConf, resolved));
        Assert.Equal([new IPEndPoint(IPAddress.Parse("127.0.0.53"), 53)], UpstreamServers.ForThisHost(resolvConf, Path.Combine(_dir, "absent")));
        Assert.Empty(UpstreamServers.ForThisHost(Path.Combine(_dir, "absent"), resolved));
    }

    private string Write(string name, string text)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        return path;
    }
}
