using OrleansOrchestrator.Agents.Pods;
using OrleansOrchestrator.Contracts.Model;
using OrleansOrchestrator.Contracts.Networking;

namespace OrleansOrchestrator.Agents.Tests.Pods;

/// <summary>A pod's resolv.conf and /etc/hosts, as the kubelet writes them for each dnsPolicy.</summary>
public sealed class PodDnsTests
{
    private static readonly ClusterNetwork Network = new() { DnsIp = "10.96.0.10", ClusterDomain = "cluster.local" };

    private static readonly ResolverConfig Node = PodDns.ParseResolvConf("""
        # written by the host's DHCP client
        nameserver 127.0.0.53
        nameserver 192.0.2.53
        search corp.example
        options edns0 timeout:2
        """);

    private static string ResolvConf(PodSpec spec, ResolverConfig? node = null) =>
        PodDns.Render(PodDns.ResolvConf(spec, "shop", Network, node ?? ResolverConfig.Empty));

    [Fact]
    public void ClusterFirst_is_the_default_and_names_only_the_cluster_dns_with_the_namespaces_search_path()
    {
        var expected = "nameserver 10.96.0.10\nsearch shop.svc.cluster.local svc.cluster.local cluster.local\noptions ndots:5\n";

        Assert.Equal(expected, ResolvConf(new PodSpec()));
        Assert.Equal(expected, ResolvConf(new PodSpec { DnsPolicy = "ClusterFirst" }));
        Assert.Equal(expected, ResolvConf(new PodSpec { DnsPolicy = "ClusterFirstWithHostNet" }));
    }

    [Fact]
    public void ClusterFirst_appends_the_nodes_search_domains_but_not_its_servers_or_options()
    {
        Assert.Equal("nameserver 10.96.0.10\nsearch shop.svc.cluster.local svc.cluster.local cluster.local corp.example\noptions ndots:5\n",
            ResolvConf(new PodSpec(), Node));
    }

    [Fact]
    public void Default_is_the_nodes_configuration_without_loopback_servers()
    {
        Assert.Equal("nameserver 192.0.2.53\nsearch corp.example\noptions edns0 timeout:2\n", ResolvConf(new PodSpec { DnsPolicy = "Default" }, Node));
    }

    [Fact]
    public void ClusterFirst_on_the_host_network_falls_back_to_the_nodes_but_ClusterFirstWithHostNet_does_not()
    {
        Assert.StartsWith("nameserver 192.0.2.53\n", ResolvConf(new PodSpec { HostNetwork = true }, Node));
        Assert.StartsWith("nameserver 10.96.0.10\n", ResolvConf(new PodSpec { HostNetwork = true, DnsPolicy = "ClusterFirstWithHostNet" }, Node));
    }

    [Fact]
    public void None_is_only_dns_config()
    {
        var spec = new PodSpec
        {
            DnsPolicy = "None",
            DnsConfig = new PodDNSConfig
            {
                Nameservers = ["192.0.2.1"],
                Searches = ["ns1.svc.cluster-domain.example", "my.dns.search.suffix"],
                Options = [new PodDNSConfigOption { Name = "ndots", Value = "2" }, new PodDNSConfigOption { Name = "edns0" }],
            },
        };

        Assert.Equal("nameserver 192.0.2.1\nsearch ns1.svc.cluster-domain.example my.dns.search.suffix\noptions ndots:2 edns0\n", ResolvConf(spec, Node));
    }

    [Fact]
    public void Dns_config_is_added_after_the_policys_and_its_options_replace_same_named_ones()
    {
        var spec = new PodSpec
        {
            DnsConfig = new PodDNSConfig
            {
                Nameservers = ["192.0.2.1", "10.96.0.10"],
                Searches = ["extra.example", "svc.cluster.local"],
                Options = [new PodDNSConfigOption { Name = "ndots", Value = "1" }, new PodDNSConfigOption { Name = "single-request-reopen" }],
            },
        };

        Assert.Equal(
            "nameserver 10.96.0.10\nnameserver 192.0.2.1\nsearch shop.svc.cluster.local svc.cluster.local cluster.local extra.example\noptions ndots:1 single-request-reopen\n",
            ResolvConf(spec));
    }

    [Fact]
    public void At_most_three_nameservers_and_32_search_domains_are_kept()
    {
        var spec = new PodSpec
        {
            DnsPolicy = "None",
            DnsConfig = new PodDNSConfig
            {
                Nameservers = ["192.0.2.1", "192.0.2.2", "192.0.2.3", "192.0.2.4"],
                Searches = Enumerable.Range(0, 40).Select(i => $"d{i}.example").ToList(),
            },
        };

        var config = PodDns.ResolvConf(spec, "shop", Network, ResolverConfig.Empty);

        Assert.Equal(["192.0.2.1", "192.0.2.2", "192.0.2.3"], config.Nameservers);
        Assert.Equal(32, config.Searches.Count);
    }

    [Fact]
    public void Hosts_names_the_pod_by_its_hostname_and_with_a_subdomain_by_its_fqdn_first()
    {
        var pod = new Pod
        {
            Metadata = new ObjectMeta { Name = "web-0", Namespace = "shop" },
            Spec = new PodSpec { Hostname = "web-0", Subdomain = "nginx" },
        };
        var (hostname, domain) = PodDns.HostnameAndDomain(pod, "cluster.local");

        var hosts = PodDns.HostsFile("172.18.0.5", hostname, domain);

        Assert.StartsWith("# Kubernetes-managed hosts file.\n127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n", hosts);
        Assert.EndsWith("\n172.18.0.5\tweb-0.nginx.shop.svc.cluster.local\tweb-0\n", hosts);
    }

    [Fact]
    public void The_hostname_defaults_to_the_pod_name_cut_to_63_characters()
    {
        var longName = new string('a', 62) + "-b";
        var pod = new Pod { Metadata = new ObjectMeta { Name = longName, Namespace = "shop" } };

        var (hostname, domain) = PodDns.HostnameAndDomain(pod, "cluster.local");

        Assert.Equal(new string('a', 62), hostname);
        Assert.Null(domain);
        Assert.EndsWith($"\n172.18.0.5\t{hostname}\n", PodDns.HostsFile("172.18.0.5", hostname, domain));
    }
}
